import { expect, test } from 'vitest';
import { SeededRandom } from '../model/seeded-random';
import { normalisationOf, sliceBatches, type SliceData } from './slice-batches';

const S = 8;
/** Asymmetric images whose target is exactly (image > 128): alignment survives any augmentation. */
function samples(n: number): SliceData[] {
  const r = new SeededRandom(3);
  return Array.from({ length: n }, () => {
    const image = Uint8Array.from({ length: S * S }, () => r.int(256));
    return { width: S, height: S, image, target: image.map((v) => (v > 128 ? 1 : 0)) };
  });
}

test('augmented batches keep image and target aligned, are seeded, and cover every symmetry', () => {
  const data = samples(12);
  const norm = normalisationOf(data);
  const src = sliceBatches(data, { batchSize: 4, seed: 5, augment: true, norm });
  expect(src.batchesPerEpoch()).toBe(3);
  const threshold = (128 - norm.mean) / norm.std;
  const seen = new Set<string>();
  for (let e = 0; e < 4; e++)
    for (let i = 0; i < 3; i++) {
      const { x, y, n } = src.batch(e, i);
      expect(n).toBe(4);
      for (let k = 0; k < x.length; k++) expect(y[k]).toBe(x[k]! > threshold + 1e-6 ? 1 : 0);
      seen.add(Array.from(x.slice(0, 4)).join());
    }
  expect(seen.size).toBeGreaterThan(8);
  const again = sliceBatches(data, { batchSize: 4, seed: 5, augment: true, norm });
  expect(again.batch(2, 1).x).toEqual(src.batch(2, 1).x);
  const unaugmented = sliceBatches(data, { batchSize: 4, seed: 5, augment: false, norm }).batch(0, 0);
  const values = new Set(data.map((d) => ((d.image[0]! - norm.mean) / norm.std).toFixed(5)));
  for (let b = 0; b < 4; b++) expect(values.has(unaugmented.x[b * S * S]!.toFixed(5))).toBe(true);
});

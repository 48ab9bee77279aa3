// The inference job with test-time augmentation: with `tta` its labels are the model's probabilities
// averaged over the 4 flips of each slice (each computed here by running the plain engine on the flipped
// volume and flipping the result back), at the job's threshold; without, the plain probabilities.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { inferVolume } from '../engine/infer-volume';
import { SeededRandom } from '../model/seeded-random';
import { UNet } from '../model/unet';
import { runInferJob } from './infer-job';
import type { InferJob } from './protocol';
import { encodeWeights } from './weights-file';

const dims: [number, number, number] = [12, 10, 3]; // not multiples of the network's 2: padded
const [nx, ny, nz] = dims;

/** The volume mirrored along i (bit 0) and j (bit 1), i + j*nx + k*nx*ny. */
function flip(v: Float32Array, f: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const si = f & 1 ? nx - 1 - i : i;
        const sj = f & 2 ? ny - 1 - j : j;
        out[i + j * nx + k * nx * ny] = v[si + sj * nx + k * nx * ny]!;
      }
  return out;
}

test('infer job: test-time flips average the 4 mirrored views, at the job threshold', async () => {
  const dir = tempDir('concord-infer-job-');
  const rnd = new SeededRandom(4);
  const bytes = Uint8Array.from({ length: nx * ny * nz }, () => rnd.int(256));
  const voxelsFile = path.join(dir, 'v.raw');
  fs.writeFileSync(voxelsFile, bytes);
  const config = { levels: 2, base: 4, inChannels: 3, labels: 1 };
  const model = UNet.create(config, 9);
  const weightsFile = path.join(dir, 'w.bin');
  fs.writeFileSync(weightsFile, encodeWeights({ unet: config }, await model.weights()));

  // The expected probabilities: the plain engine on each flipped volume, flipped back, averaged. The job
  // normalises the uint8 voxels with a 0..255 window, i.e. byte / 255.
  const data = Float32Array.from(bytes, (b) => b / 255);
  const mean = new Float32Array(data.length);
  let plain: Float32Array | null = null;
  for (let f = 0; f < 4; f++) {
    const r = await inferVolume(model, { dims, data: flip(data, f) }, { keepProbabilities: true });
    const back = flip(r.probabilities!, f);
    if (f === 0) plain = back;
    for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + back[i]! / 4;
  }
  model.dispose();
  // A threshold at the averaged probabilities' median: about half the voxels each side, so flips and
  // threshold both decide labels.
  const threshold = [...mean].sort((a, b) => a - b)[mean.length >> 1]!;

  const run = async (tta: boolean): Promise<Uint8Array> => {
    const outFile = path.join(dir, `out-${tta}.u8`);
    const job: InferJob = {
      kind: 'infer',
      weightsFile,
      normalisation: { kind: 'ct-window', center: 127.5, width: 255 },
      label: 2,
      inputs: [{ voxelsFile, scalarType: 'uint8', dims, rescale: { slope: 1, intercept: 0 }, outFile }],
      backend: 'cpu',
      threads: 1,
      threshold,
      tta,
    };
    await runInferJob(job, () => undefined, new AbortController().signal);
    return new Uint8Array(fs.readFileSync(outFile));
  };
  const withFlips = await run(true);
  const without = await run(false);
  let differ = 0;
  let checked = 0;
  for (let i = 0; i < mean.length; i++) {
    // Voxels within float rounding of the threshold could go either way.
    if (Math.abs(mean[i]! - threshold) > 1e-5) {
      expect(withFlips[i]).toBe(mean[i]! > threshold ? 2 : 0);
      checked++;
    }
    if (Math.abs(plain![i]! - threshold) > 1e-5) expect(without[i]).toBe(plain![i]! > threshold ? 2 : 0);
    if (withFlips[i] !== without[i]) differ++;
  }
  expect(checked).toBeGreaterThan(mean.length * 0.9);
  // The flips change some labels: a job that ignored `tta` would fail the first check.
  expect(differ).toBeGreaterThan(0);
});

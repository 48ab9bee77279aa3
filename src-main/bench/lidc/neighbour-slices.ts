// 2.5D input for 2D slice sets such as the LIDC crops: each slice gets its h neighbours on each side (the
// slices of the same patient and nodule whose numbers are k-h..k+h, in the order their names number them:
// 'slice-7' is slice 7) as extra planes, the nearest existing neighbour standing in past either end, as
// data/stack-slices.ts does for volumes. The crops of one nodule share one window, so the planes align.
import type { SliceData } from '../../training/data/slice-batches';

export interface NumberedSlice extends SliceData {
  patient: string;
  nodule: string;
  /** Name ending in the slice's number, e.g. 'slice-12'. */
  slice: string;
}

function numberOf(name: string): number {
  const m = /(\d+)\D*$/.exec(name);
  if (!m) throw new RangeError(`slice name '${name}' holds no number`);
  return Number(m[1]);
}

/** The samples, in the same order, with 2h+1 planes each (plane h is the slice itself). */
export function withNeighbours<T extends NumberedSlice>(samples: T[], half: number): T[] {
  if (!(Number.isInteger(half) && half >= 0)) throw new RangeError('neighbours must be a whole number >= 0');
  if (half === 0) return samples;
  const groups = new Map<string, T[]>();
  for (const s of samples) {
    if ((s.channels ?? 1) !== 1) throw new RangeError('slices already have several planes');
    numberOf(s.slice); // every name must number its slice, even a nodule's only one
    const key = `${s.patient}\u0000${s.nodule}`;
    const g = groups.get(key) ?? [];
    g.push(s);
    groups.set(key, g);
  }
  const stacked = new Map<T, T>();
  for (const g of groups.values()) {
    const sorted = [...g].sort((a, b) => numberOf(a.slice) - numberOf(b.slice));
    const n = sorted[0]!.width * sorted[0]!.height;
    sorted.forEach((s, k) => {
      if (s.width * s.height !== n)
        throw new RangeError(`${s.patient}/${s.nodule}: slices of different sizes`);
      const image = new Uint8Array((2 * half + 1) * n);
      for (let c = 0; c <= 2 * half; c++) {
        const from = sorted[Math.min(sorted.length - 1, Math.max(0, k - half + c))]!;
        image.set(from.image, c * n);
      }
      stacked.set(s, { ...s, image, channels: 2 * half + 1 });
    });
  }
  return samples.map((s) => stacked.get(s)!);
}

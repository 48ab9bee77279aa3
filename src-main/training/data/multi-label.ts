// Several labels in one model (softmax over background and L labels): the targets, the decoding of the
// network's output and the per-label Dice, as pure functions on flat arrays.
//
// Targets: per label, a plane of bytes (255 * the probability of that label), planes in the order of the
// run's label list, each in the volume's (or slice's) layout i + j*nx (+ k*nx*ny): plane l of a volume of
// n voxels is bytes l*n .. (l+1)*n. Background is what the labels leave: 1 - their sum (the network's
// channel 0). A one-label run keeps the single plane of prepare-dataset.ts's combineMasks, unchanged.
// Label values outside the run's list count as background.
import { staple } from '../../core/consensus/staple';
import { majorityVote } from '../../core/consensus/vote';
import { agreementBytes } from './agreement';

export type Combine = 'agreement' | 'vote' | 'staple' | 'single';

function binary(map: Uint8Array, value: number): Uint8Array {
  const out = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = map[i] === value ? 1 : 0;
  return out;
}

/** The target planes (L * n bytes) of a case from its raters' label maps (each n voxels, values 0..255).
 *  'agreement': per label, the share of the raters giving that label (their shares sum to at most 1);
 *  'vote': the label most raters gave (ITK's LabelVoting over background and the run's labels; a tie is
 *  background), one-hot; 'staple': per label, STAPLE's probability of that label against the rest, scaled
 *  down where the labels' sum passes 1; 'single': the one map, one-hot. */
export function labelPlanes(combine: Combine, maps: Uint8Array[], labels: number[]): Uint8Array {
  if (maps.length === 0) throw new RangeError('no masks to combine');
  const n = maps[0]!.length;
  const L = labels.length;
  const out = new Uint8Array(L * n);
  const index = new Map(labels.map((v, l) => [v, l]));
  const oneHot = (map: Uint8Array): void => {
    for (let i = 0; i < n; i++) {
      const l = index.get(map[i]!);
      if (l !== undefined) out[l * n + i] = 255;
    }
  };
  if (combine === 'single') oneHot(maps[0]!);
  else if (combine === 'vote') {
    // Values outside the run's labels are background before the vote, so they cannot win a voxel.
    const kept = maps.map((m) => m.map((v) => (index.has(v) ? v : 0)));
    oneHot(majorityVote(kept, { ties: 'background' }).mask);
  } else if (combine === 'agreement') {
    labels.forEach((v, l) => out.set(agreementBytes(maps.map((m) => binary(m, v))), l * n));
  } else {
    const p = labels.map(
      (v) =>
        staple(
          maps.map((m) => binary(m, v)),
          { label: 1 },
        ).probability!,
    );
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let l = 0; l < L; l++) sum += Math.min(1, Math.max(0, p[l]![i]!));
      const scale = sum > 1 ? 1 / sum : 1;
      for (let l = 0; l < L; l++)
        out[l * n + i] = Math.round(Math.min(1, Math.max(0, p[l]![i]!)) * scale * 255);
    }
  }
  return out;
}

/** Per voxel, the largest of the L planes (n voxels each): which slices have any label's foreground. */
export function maxOverPlanes(planes: Uint8Array, L: number): Uint8Array {
  const n = planes.length / L;
  const out = planes.slice(0, n);
  for (let l = 1; l < L; l++)
    for (let i = 0; i < n; i++) if (planes[l * n + i]! > out[i]!) out[i] = planes[l * n + i]!;
  return out;
}

/** The class (0 background, 1..K-1 the labels in the run's order) of highest probability at `off` of a
 *  pixel-major array of K probabilities per pixel; the lowest class wins a tie. */
export function argmaxClass(p: ArrayLike<number>, off: number, K: number): number {
  let best = 0;
  let bestP = p[off]!;
  for (let c = 1; c < K; c++)
    if (p[off + c]! > bestP) {
      bestP = p[off + c]!;
      best = c;
    }
  return best;
}

/** Class indices (0..L) written as the labels' values (values[c - 1] for class c), in place. */
export function classesToValues(classes: Uint8Array, values: number[]): Uint8Array {
  for (let i = 0; i < classes.length; i++) if (classes[i]) classes[i] = values[classes[i]! - 1]!;
  return classes;
}

/** The reference class of pixel i of target planes (L planes of n bytes): the label whose byte reaches
 *  `minByte` (the strict majority's 129 for the agreement, else 128: probability 0.5; at most one label
 *  can, as the labels' shares sum to at most 1), else background. */
export function referenceClass(planes: Uint8Array, n: number, L: number, i: number, minByte: number): number {
  for (let l = 0; l < L; l++) if (planes[l * n + i]! >= minByte) return l + 1;
  return 0;
}

export interface LabelCounts {
  intersection: number;
  predicted: number;
  reference: number;
}

/** Adds one pixel's predicted and reference classes to per-label counts (index l for class l + 1). */
export function countPixel(counts: LabelCounts[], predicted: number, reference: number): void {
  if (predicted > 0) counts[predicted - 1]!.predicted++;
  if (reference > 0) counts[reference - 1]!.reference++;
  if (predicted > 0 && predicted === reference) counts[predicted - 1]!.intersection++;
}

export function emptyCounts(L: number): LabelCounts[] {
  return Array.from({ length: L }, () => ({ intersection: 0, predicted: 0, reference: 0 }));
}

/** Dice per label (1 when a label is in neither mask) and their mean: a run's figure for several labels. */
export function labelDice(counts: LabelCounts[]): { perLabel: number[]; mean: number } {
  const perLabel = counts.map((c) =>
    c.predicted + c.reference === 0 ? 1 : (2 * c.intersection) / (c.predicted + c.reference),
  );
  return { perLabel, mean: perLabel.reduce((a, b) => a + b, 0) / Math.max(1, perLabel.length) };
}

/** Per label (its index in the run's list), the mean categorical entropy in bits and the mean of 1 - the
 *  top probability over the voxels predicted as that label: where the model is unsure of each structure. */
export interface LabelUncertainty {
  voxels: number;
  meanEntropyBits: number;
  meanOneMinusMax: number;
}

// Builds a run's data set file (protocol.ts: dataset.bin) inside the trainer process, so that neither
// decoding masks, nor the vote or STAPLE, nor normalising whole volumes runs on the host's event loop.
// Inputs are files only (voxel blobs, encoded mask blobs): the host planned which, from the database.
//
// Per case: the annotators' masks (mask codec) as binary masks of the label; the target combines them
// ('agreement': the share of the masks marking each voxel, soft, data/agreement.ts; 'vote':
// core/consensus/vote.ts, a tie is background; 'staple': STAPLE's probability, soft; 'single': the one
// mask) as bytes 0..255 = 255 * foreground probability; the volume normalised (normalise.ts); kept axial
// slices (k): every slice with foreground (for the agreement, any rater's mark), plus as many without
// (seeded; at least 2).
// With several labels (spec.labels), each case's target is one plane per label (data/multi-label.ts), stored
// [slices, L, ny, nx]; a slice has foreground when any label does.
// An unlabelled case (a semi-supervised run's, one label; no masks) keeps every slice, at most
// MAX_UNLABELLED_SLICES evenly spaced, with zero targets: its pseudo-labels are made while training
// (pseudo-rounds.ts).
import fs from 'node:fs';
import path from 'node:path';
import { staple } from '../../core/consensus/staple';
import { majorityVote } from '../../core/consensus/vote';
import { decodeMask } from '../../workspace/mask-codec';
import { agreementBytes } from '../data/agreement';
import { labelPlanes, maxOverPlanes } from '../data/multi-label';
import { SeededRandom } from '../model/seeded-random';
import { normaliseToBytes } from './normalise';
import { readVoxels } from './voxels';
import {
  DATASET_FILE,
  type DatasetCase,
  type DatasetMeta,
  type FromTrainer,
  type PrepareSpec,
} from './protocol';
import { encodeTensorFile, writeFileAtomic, type NamedTensor } from './tensor-file';

/** Target bytes (255 * foreground probability) from binary masks. */
export function combineMasks(combine: PrepareSpec['combine'], masks: Uint8Array[]): Uint8Array {
  if (combine === 'agreement') return agreementBytes(masks);
  if (combine === 'vote') {
    return majorityVote(masks, { label: 1, ties: 'background' }).mask.map((v) => (v === 1 ? 255 : 0));
  }
  if (combine === 'staple') {
    const p = staple(masks, { label: 1 }).probability!;
    const out = new Uint8Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, p[i]!)) * 255);
    return out;
  }
  return masks[0]!.map((v) => v * 255);
}

/** Indices (into `hasForeground`) of the slices a case keeps: every one with foreground, and a seeded
 *  sample of the others, as many (at least 2), in slice order. A semi-supervised run's pseudo-labelled
 *  cases keep theirs the same way (pseudo-cases.ts). */
export function keptSlices(hasForeground: boolean[], seed: number): number[] {
  const withFg: number[] = [];
  const without: number[] = [];
  hasForeground.forEach((f, i) => (f ? withFg : without).push(i));
  const extra = new SeededRandom(seed).shuffle(without).slice(0, Math.max(2, withFg.length));
  return [...withFg, ...extra].sort((a, b) => a - b);
}

/** Axial slices (k) kept for a case: those with foreground, and a seeded sample of the others. */
export function chooseSlices(
  target: Uint8Array,
  dims: [number, number, number],
  seed: number,
  /** The smallest target byte that counts as foreground (128: probability 0.5; 1: any rater's mark). */
  minByte = 128,
): number[] {
  const n = dims[0] * dims[1];
  const hasForeground = Array.from({ length: dims[2] }, (_, k) =>
    target.subarray(k * n, (k + 1) * n).some((v) => v >= minByte),
  );
  return keptSlices(hasForeground, seed);
}

function labelMap(file: string, dims: [number, number, number]): Uint8Array {
  return decodeMask(fs.readFileSync(file), dims).labels;
}

/** At most this many axial slices of an unlabelled case (evenly spaced), so that pseudo-labelling a large
 *  CT stays a matter of seconds per round. */
export const MAX_UNLABELLED_SLICES = 32;

/** Axial slices kept for an unlabelled case: all of them, or MAX_UNLABELLED_SLICES evenly spaced. */
export function unlabelledSlices(nz: number): number[] {
  if (nz <= MAX_UNLABELLED_SLICES) return Array.from({ length: nz }, (_, k) => k);
  return Array.from({ length: MAX_UNLABELLED_SLICES }, (_, s) =>
    Math.floor(((s + 0.5) * nz) / MAX_UNLABELLED_SLICES),
  );
}

function binaryMask(file: string, dims: [number, number, number], label: number): Uint8Array {
  const labels = labelMap(file, dims);
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === label ? 1 : 0;
  return out;
}

export async function prepareDataset(
  runDir: string,
  spec: PrepareSpec,
  send: (m: FromTrainer) => void,
  signal: AbortSignal,
): Promise<Record<string, number>> {
  const h = spec.neighbours;
  const C = 2 * h + 1;
  const agreement = spec.combine === 'agreement';
  const multi = spec.labels && spec.labels.length > 1 ? spec.labels : undefined;
  const L = multi?.length ?? 1;
  const meta: DatasetMeta = {
    cases: [],
    soft: spec.combine === 'staple' || agreement,
    channels: C,
    combine: spec.combine,
    ...(agreement ? { raters: {} } : {}),
    ...(multi ? { labels: multi } : {}),
  };
  const tensors: NamedTensor[] = [];
  const slices: Record<string, number> = {};
  for (const c of spec.cases) {
    if (signal.aborted) throw Object.assign(new Error('training cancelled'), { name: 'CancelledError' });
    const unlabelled = c.split === 'unlabelled';
    const masks = multi
      ? c.maskFiles.map((f) => labelMap(f, c.dims))
      : c.maskFiles.map((f) => binaryMask(f, c.dims, spec.label));
    // An unlabelled case's targets are zeros: its pseudo-labels are made during training.
    const target = unlabelled
      ? new Uint8Array(c.dims[0] * c.dims[1] * c.dims[2] * L)
      : multi
        ? labelPlanes(spec.combine, masks, multi)
        : combineMasks(spec.combine, masks);
    const image = normaliseToBytes({ data: readVoxels(c), rescale: c.rescale }, spec.normalisation);
    const [nx, ny] = c.dims;
    const n = nx * ny;
    const nv = n * c.dims[2];
    const ks = unlabelled
      ? unlabelledSlices(c.dims[2])
      : chooseSlices(
          multi ? maxOverPlanes(target, L) : target,
          c.dims,
          spec.seed + c.caseId,
          agreement ? 1 : 128,
        );
    if (meta.raters && !unlabelled) meta.raters[String(c.caseId)] = masks.length;
    // Slice k's channels are slices k-h..k+h, the volume's end slices repeated (as the engine's 2.5D
    // inference, data/stack-slices.ts).
    const nz = c.dims[2];
    const images = new Uint8Array(ks.length * C * n);
    const targets = new Uint8Array(ks.length * L * n);
    ks.forEach((k, s) => {
      for (let ch = 0; ch < C; ch++) {
        const kk = Math.min(nz - 1, Math.max(0, k - h + ch));
        images.set(image.subarray(kk * n, (kk + 1) * n), (s * C + ch) * n);
      }
      for (let l = 0; l < L; l++)
        targets.set(target.subarray(l * nv + k * n, l * nv + (k + 1) * n), (s * L + l) * n);
    });
    const entry: DatasetCase = {
      caseId: c.caseId,
      caseName: c.caseName,
      split: c.split,
      slices: ks.length,
      width: nx,
      height: ny,
    };
    const i = meta.cases.length;
    meta.cases.push(entry);
    tensors.push({ name: `case${i}.images`, shape: [ks.length, C, ny, nx], values: images });
    tensors.push({
      name: `case${i}.targets`,
      shape: multi ? [ks.length, L, ny, nx] : [ks.length, ny, nx],
      values: targets,
    });
    slices[String(c.caseId)] = ks.length;
    send({ type: 'log', line: `case ${c.caseName}: ${ks.length} slices (${c.split})` });
    await new Promise((r) => setImmediate(r)); // let a cancel message in
  }
  writeFileAtomic(path.join(runDir, DATASET_FILE), encodeTensorFile(meta, tensors));
  return slices;
}

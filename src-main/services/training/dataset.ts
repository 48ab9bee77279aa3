// The data set file a training run reads (training/process/protocol.ts: dataset.bin): per case, axial
// slices (k) of the normalised volume and of its target. Kept: every slice with foreground, plus as many
// slices without (chosen with the run's seed; at least 2 per case) so that the model also learns where
// nothing is, and validation Dice counts false positives on empty slices.
// Train/validation split by case, never by slice (neighbouring slices are near-copies), seeded: the
// engine's splitByPatient with the case id as the patient.
import path from 'node:path';
import type { Normalisation } from '../../../src-preload/contract';
import { InputError } from '../../core/errors';
import { splitByPatient } from '../../training/data/patient-split';
import { SeededRandom } from '../../training/model/seeded-random';
import { defaultNormalisation, normaliseToBytes } from '../../training/process/normalise';
import { DATASET_FILE, type DatasetCase, type DatasetMeta } from '../../training/process/protocol';
import { encodeTensorFile, writeFileAtomic, type NamedTensor } from '../../training/process/tensor-file';
import type { Workspace } from '../../workspace/workspace';
import { loadVolume } from '../load-volume';
import type { CaseTarget } from './targets';

export interface CaseSplit {
  train: number[];
  validation: number[];
}

export function splitCases(caseIds: number[], fraction: number, seed: number): CaseSplit {
  if (caseIds.length < 2) {
    throw new InputError(
      undefined,
      `a train/validation split needs two cases or more with a target (found ${caseIds.length})`,
    );
  }
  const s = splitByPatient(
    caseIds.map((id) => ({ patient: String(id), id })),
    fraction,
    seed,
  );
  return {
    train: s.train.map((x) => x.id).sort((a, b) => a - b),
    validation: s.validation.map((x) => x.id).sort((a, b) => a - b),
  };
}

/** Axial slices (k) kept for a case: those with foreground, and a seeded sample of the others. */
export function chooseSlices(target: Uint8Array, dims: [number, number, number], seed: number): number[] {
  const n = dims[0] * dims[1];
  const withFg: number[] = [];
  const without: number[] = [];
  for (let k = 0; k < dims[2]; k++) {
    const s = target.subarray(k * n, (k + 1) * n);
    (s.some((v) => v >= 128) ? withFg : without).push(k);
  }
  const extra = new SeededRandom(seed).shuffle(without).slice(0, Math.max(2, withFg.length));
  return [...withFg, ...extra].sort((a, b) => a - b);
}

export async function writeDataset(
  ws: Workspace,
  runDir: string,
  cases: CaseTarget[],
  split: CaseSplit,
  o: { seed: number; normalisation?: Normalisation },
): Promise<{ normalisation: Normalisation; slices: Record<string, number> }> {
  const meta: DatasetMeta = { cases: [], soft: cases.some((c) => c.soft) };
  const tensors: NamedTensor[] = [];
  const val = new Set(split.validation);
  let norm = o.normalisation;
  const slices: Record<string, number> = {};
  for (const c of cases) {
    const volume = await loadVolume(ws, c.volume.id);
    norm ??= defaultNormalisation(c.volume.modality, c.volume.stats.min);
    const image = normaliseToBytes({ data: volume.data, rescale: volume.rescale }, norm);
    const [nx, ny] = c.volume.dims;
    const n = nx * ny;
    const ks = chooseSlices(c.target, c.volume.dims, o.seed + c.caseId);
    const images = new Uint8Array(ks.length * n);
    const targets = new Uint8Array(ks.length * n);
    ks.forEach((k, s) => {
      images.set(image.subarray(k * n, (k + 1) * n), s * n);
      targets.set(c.target.subarray(k * n, (k + 1) * n), s * n);
    });
    const entry: DatasetCase = {
      caseId: c.caseId,
      caseName: c.caseName,
      split: val.has(c.caseId) ? 'validation' : 'train',
      slices: ks.length,
      width: nx,
      height: ny,
    };
    const i = meta.cases.length;
    meta.cases.push(entry);
    tensors.push({ name: `case${i}.images`, shape: [ks.length, ny, nx], values: images });
    tensors.push({ name: `case${i}.targets`, shape: [ks.length, ny, nx], values: targets });
    slices[String(c.caseId)] = ks.length;
    await new Promise((r) => setImmediate(r));
  }
  writeFileAtomic(path.join(runDir, DATASET_FILE), encodeTensorFile(meta, tensors));
  return { normalisation: norm!, slices };
}

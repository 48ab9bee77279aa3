// The LIDC nodule crops as a user would bring them to Concord: one case per nodule, its slices stacked into
// a volume (NIfTI, 128 x 128 x K, i = PNG column, j = PNG row, k = the slice's number; 0.5 mm in-plane and
// 1 mm between slices nominally, as the bundled sample assumes) with each radiologist's mask beside it, and
// a manifest (`concord import --manifest`) for the training patients, each case naming its patient as its
// subject (so that a training run validates on patients it did not train on). The held-out patients are the
// quality benchmark's (splitByPatient, fraction 0.2, split seed 1: the same 19 patients), written apart,
// never imported: `concord infer` drafts them and `bench holdout` scores the drafts. With `reserve` > 0 the
// training patients from the highest ID down, until they hold that many cases, go to <out>/reserve instead
// of <out>/train: the labelled cases of `bench transfer`, which the starter model (trained on train/) never
// saw, so that fine-tuning it on them measures transfer to new patients.
//
// Grey g (0..255) is stored as round(-1350 + g * 1500 / 255) "HU", the inverse of the product's default CT
// window (centre -600, width 1500), so training sees the crops' own grey levels (not measured HU).
import fs from 'node:fs';
import path from 'node:path';
import { identity4, type Mat4 } from '../../core/geometry/affine';
import type { ImageVolume } from '../../core/volume/types';
import { writeNifti } from '../../io/nifti/write';
import { splitByPatient } from '../../training/data/patient-split';
import { loadRaterSlices, type RaterSlice } from './lidc-raters';

export const RATER_NAMES = ['LIDC rater 1', 'LIDC rater 2', 'LIDC rater 3', 'LIDC rater 4'];

/** LPS affine (row-major, core/geometry/affine.ts): 0.5 mm along i and j, 1 mm along k. */
function affine(): Mat4 {
  const a = identity4();
  a[0] = 0.5;
  a[5] = 0.5;
  return a;
}

function volumeOf(
  dims: [number, number, number],
  data: Int16Array | Uint8Array,
  description: string,
): ImageVolume {
  return {
    geometry: { dims, affineLPS: affine() },
    scalarType: data instanceof Int16Array ? 'int16' : 'uint8',
    data,
    frames: 1,
    rescale: { slope: 1, intercept: 0 },
    source: { format: 'nifti', files: [], description },
  };
}

export interface LidcCasesResult {
  out: string;
  trainCases: number;
  holdoutCases: number;
  holdoutPatients: string[];
  /** The training patients set apart for `bench transfer` (none without `reserve`). */
  reserveCases: number;
  reservePatients: string[];
  slices: { train: number; holdout: number; reserve: number };
}

type Part = 'train' | 'holdout' | 'reserve';

/** The training patients, highest ID first, until they hold `cases` cases (nodules). */
export function reservePatients(casesByPatient: Map<string, number>, cases: number): string[] {
  const out: string[] = [];
  let n = 0;
  for (const p of [...casesByPatient.keys()].sort().reverse()) {
    if (n >= cases) break;
    out.push(p);
    n += casesByPatient.get(p)!;
  }
  return out.sort();
}

/** Writes <out>/train, <out>/holdout (and <out>/reserve with `reserve` > 0), each with its manifest.json. */
export async function writeLidcCases(
  dataDir: string,
  out: string,
  o: { splitSeed: number; validation: number; reserve?: number; onCase?: (line: string) => void },
): Promise<LidcCasesResult> {
  const slices = await loadRaterSlices(dataDir);
  const split = splitByPatient(slices, o.validation, o.splitSeed);
  const held = new Set(split.validationPatients);
  const nodules = new Map<string, RaterSlice[]>();
  for (const s of slices) {
    const key = `${s.patient}-n${s.nodule.replace(/^nodule-/, '')}`;
    nodules.set(key, [...(nodules.get(key) ?? []), s]);
  }
  const trainNodules = new Map<string, number>();
  for (const g of nodules.values()) {
    const p = g[0]!.patient;
    if (!held.has(p)) trainNodules.set(p, (trainNodules.get(p) ?? 0) + 1);
  }
  const reserved = o.reserve ? reservePatients(trainNodules, o.reserve) : [];
  const reserve = new Set(reserved);
  type Entry = { case: string; subject: string; image: string; masks: Record<string, string> };
  const manifests: Record<Part, Entry[]> = {
    train: [],
    holdout: [],
    reserve: [],
  };
  const count = { train: 0, holdout: 0, reserve: 0 };
  for (const [name, group] of [...nodules].sort((a, b) => a[0].localeCompare(b[0]))) {
    const patient = group[0]!.patient;
    const part: Part = held.has(patient) ? 'holdout' : reserve.has(patient) ? 'reserve' : 'train';
    const dir = path.join(out, part);
    fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'masks'), { recursive: true });
    const sorted = [...group].sort((a, b) => a.number - b.number);
    const { width: nx, height: ny } = sorted[0]!;
    const n = nx * ny;
    const dims: [number, number, number] = [nx, ny, sorted.length];
    const hu = new Int16Array(n * sorted.length);
    sorted.forEach((s, k) => {
      for (let p = 0; p < n; p++) hu[k * n + p] = Math.round(-1350 + (s.image[p]! * 1500) / 255);
    });
    const image = path.join('images', `${name}.nii.gz`);
    await writeNifti(path.join(dir, image), volumeOf(dims, hu, name));
    const masks: Record<string, string> = {};
    for (let r = 0; r < sorted[0]!.raters.length; r++) {
      const m = new Uint8Array(n * sorted.length);
      sorted.forEach((s, k) => {
        const src = s.raters[r]!;
        for (let p = 0; p < n; p++) m[k * n + p] = src[p] ? 1 : 0;
      });
      const file = path.join('masks', `${name}_r${r + 1}.nii.gz`);
      await writeNifti(path.join(dir, file), volumeOf(dims, m, `${name} rater ${r + 1}`));
      masks[RATER_NAMES[r] ?? `LIDC rater ${r + 1}`] = file;
    }
    manifests[part].push({ case: name, subject: patient, image, masks });
    count[part] += sorted.length;
    o.onCase?.(`${part} ${name}: ${sorted.length} slices`);
  }
  for (const part of reserved.length
    ? (['train', 'holdout', 'reserve'] as const)
    : (['train', 'holdout'] as const))
    fs.writeFileSync(path.join(out, part, 'manifest.json'), JSON.stringify(manifests[part], null, 1) + '\n');
  return {
    out,
    trainCases: manifests.train.length,
    holdoutCases: manifests.holdout.length,
    holdoutPatients: split.validationPatients,
    reserveCases: manifests.reserve.length,
    reservePatients: reserved,
    slices: count,
  };
}

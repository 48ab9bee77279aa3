// The hold-out score of a model's drafts of the LIDC nodule crops (lidc-cases.ts's holdout folder, drafted
// by `concord infer --out-dir`): Dice pooled over every voxel of every held-out case (empty slices
// included), against the radiologists' strict majority (more than half of them: 3 of 4, a 2-2 tie is
// background), the quality benchmark's validation figure for the same patients. Also per patient.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { readVolumes } from '../../io/read-volumes';
import { diceOf, type DiceCounts } from '../../training/engine/evaluate';

export interface HoldoutScore {
  pooledDice: number;
  counts: DiceCounts;
  cases: number;
  slices: number;
  perPatient: Record<string, number>;
  /** The draft file read for each case. */
  drafts: Record<string, string>;
}

async function readOne(file: string): Promise<{ dims: number[]; data: ArrayLike<number> }> {
  const { volumes, skipped } = await readVolumes([file]);
  const v = volumes[0];
  if (!v) throw new InputError(file, `cannot be read (${skipped.join('; ')})`);
  return { dims: [...v.geometry.dims], data: v.data };
}

/** Scores the drafts in `draftDir` (`<case>-model<id>.nii.gz`, one per case) of the cases of `casesDir`'s
 *  manifest.json. */
export async function holdoutDice(casesDir: string, draftDir: string): Promise<HoldoutScore> {
  const manifestFile = path.join(casesDir, 'manifest.json');
  if (!fs.existsSync(manifestFile))
    throw new InputError(casesDir, 'holds no manifest.json (bench lidc-cases writes one)');
  if (!fs.existsSync(draftDir) || !fs.statSync(draftDir).isDirectory())
    throw new InputError(draftDir, 'no such folder');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
    case: string;
    masks: Record<string, string>;
  }[];
  const files = fs.readdirSync(draftDir);
  const drafts: Record<string, string> = {};
  const missing: string[] = [];
  for (const c of manifest) {
    const found = files.filter((f) => f.startsWith(`${c.case}-model`) && /\.nii(\.gz)?$/.test(f));
    if (found.length === 1) drafts[c.case] = path.join(draftDir, found[0]!);
    else if (found.length === 0) missing.push(c.case);
    else throw new InputError(draftDir, `holds ${found.length} drafts of ${c.case}; keep one model's`);
  }
  if (missing.length > 0)
    throw new InputError(
      draftDir,
      `has no draft of ${missing.length} case(s), e.g. ${missing.slice(0, 3).join(', ')} (concord infer … --out-dir)`,
    );
  const total: DiceCounts = { intersection: 0, predicted: 0, reference: 0 };
  const byPatient = new Map<string, DiceCounts>();
  let slices = 0;
  for (const c of manifest) {
    const raters = await Promise.all(Object.values(c.masks).map((m) => readOne(path.join(casesDir, m))));
    const draft = await readOne(drafts[c.case]!);
    if (raters.some((r) => r.dims.join() !== draft.dims.join()))
      throw new InputError(drafts[c.case]!, `is not on ${c.case}'s grid`);
    slices += draft.dims[2] ?? 1;
    const patient = c.case.replace(/-n\d+$/, '');
    const pc = byPatient.get(patient) ?? { intersection: 0, predicted: 0, reference: 0 };
    for (let i = 0; i < draft.data.length; i++) {
      let marked = 0;
      for (const r of raters) if (r.data[i]) marked++;
      const ref = 2 * marked > raters.length ? 1 : 0;
      const pred = draft.data[i] ? 1 : 0;
      for (const t of [total, pc]) {
        t.intersection += ref & pred;
        t.predicted += pred;
        t.reference += ref;
      }
    }
    byPatient.set(patient, pc);
  }
  return {
    pooledDice: diceOf(total),
    counts: total,
    cases: manifest.length,
    slices,
    perPatient: Object.fromEntries([...byPatient].map(([p, c]) => [p, diceOf(c)])),
    drafts,
  };
}

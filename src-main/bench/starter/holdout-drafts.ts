// A registry model's drafts of the held-out LIDC patients (`bench lidc-cases`'s holdout/ folder), made as
// `concord infer --out-dir` makes them (the product's inference, in a forked trainer process, with the
// model's own threshold and test-time flips) and scored by `bench holdout` (holdout-dice.ts: Dice pooled
// over every voxel against the raters' strict majority). The starter model's card and `bench transfer` use
// it, so their figures are the product's.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import type { ModelInfo } from '../../core/model';
import { readVolumes } from '../../io/read-volumes';
import { writeNifti } from '../../io/nifti/write';
import { inferVolumes } from '../../services/training/inference';
import type { TrainerLauncher } from '../../services/training/trainer-launcher';
import type { Workspace } from '../../workspace/workspace';
import { holdoutDice, type HoldoutScore } from '../lidc/holdout-dice';

export interface CaseEntry {
  case: string;
  image: string;
  masks: Record<string, string>;
}

/** A `bench lidc-cases` part's manifest (train, holdout or reserve), paths relative to its folder. */
export function readPart(dir: string): CaseEntry[] {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw new InputError(dir, 'holds no manifest.json (bench lidc-cases writes one)');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CaseEntry[];
}

/** "LIDC-IDRI-0012" of the case "LIDC-IDRI-0012-n3". */
export function patientOf(caseName: string): string {
  return caseName.replace(/-n\d+$/, '');
}

/** Drafts every held-out case with the model into `draftDir` (`<case>-model<id>.nii.gz`) and scores them;
 *  `tta` false drafts without test-time flips (a quarter of the forward passes), absent as the model says. */
export async function scoreHoldout(
  ws: Workspace,
  launch: TrainerLauncher,
  model: ModelInfo,
  holdoutDir: string,
  draftDir: string,
  onProgress?: (done: number, total: number) => void,
  tta?: boolean,
): Promise<HoldoutScore> {
  const cases = readPart(holdoutDir);
  fs.mkdirSync(draftDir, { recursive: true });
  const volumes = [];
  for (const c of cases) {
    const { volumes: read, skipped } = await readVolumes([path.join(holdoutDir, c.image)]);
    if (read.length !== 1) throw new InputError(c.image, `cannot be read (${skipped.join('; ')})`);
    volumes.push(read[0]!);
  }
  const { labels } = await inferVolumes(
    ws,
    launch,
    model,
    volumes.map((v, i) => ({ kind: 'memory' as const, volume: v, name: cases[i]!.case })),
    { onProgress: (p) => onProgress?.(p.item, p.items), ...(tta === undefined ? {} : { tta }) },
  );
  for (let i = 0; i < cases.length; i++) {
    const v = volumes[i]!;
    await writeNifti(path.join(draftDir, `${cases[i]!.case}-model${model.id}.nii.gz`), {
      geometry: v.geometry,
      scalarType: 'uint8',
      data: labels[i]!,
      frames: 1,
      rescale: { slope: 1, intercept: 0 },
      source: { format: 'nifti', files: [], description: `model ${model.id} on ${cases[i]!.case}` },
    });
  }
  return holdoutDice(holdoutDir, draftDir);
}

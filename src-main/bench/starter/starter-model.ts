// `concord bench starter-model --workspace WS --model ID --cases DIR --out DIR [--json]`: the last step of
// making the starter model (resources/starter-model/README.md; scripts/starter-model/make-starter-model.sh
// runs every step). It takes a model that `concord train` made on `bench lidc-cases --reserve 20`'s train/
// patients, checks that none of its patients is one of the held-out or reserved ones, drafts the held-out
// patients with it and scores them as `bench holdout` does, and writes its model package with the starter's
// card (data, licence and attribution, recipe, held-out Dice) as <out>/lidc-nodules.concord-model.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import type { ModelInfo, StarterCard } from '../../core/model';
import { getModel } from '../../db/repositories/models';
import { getRun } from '../../db/repositories/training-runs';
import { listCases } from '../../db/repositories/projects';
import { listVolumes } from '../../db/repositories/volumes';
import { decodeTensorFile } from '../../training/process/tensor-file';
import type { WeightsMeta } from '../../training/process/protocol';
import { parseArgs, positiveInt, requireOption } from '../../host/cli/args';
import { printJson, progressLine } from '../../host/cli/output';
import { STARTER_PACKAGE } from '../../host/starter-model';
import {
  packageFormatVersion,
  writePackage,
  type PackageManifest,
} from '../../services/training/model-package';
import { forkLauncher } from '../../services/training/trainer-launcher';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { patientOf, readPart, scoreHoldout } from './holdout-drafts';

const USAGE = 'usage: concord bench starter-model --workspace WS --model ID --cases DIR --out DIR [--json]';

export const STARTER_ID = 'concord-lidc-nodules';

/** The commands that made the starter (scripts/starter-model/make-starter-model.sh), in order. */
export const STARTER_COMMANDS = [
  'npx concord bench lidc-cases --out CASES --reserve 20',
  'npx concord import --manifest CASES/train/manifest.json --workspace WS --project lidc',
  'npx concord train --workspace WS --project lidc --epochs 10 --seed 1 --json',
  'npx concord bench starter-model --workspace WS --model <the run model> --cases CASES --out resources/starter-model',
];

export const LIDC_LICENCE = 'CC BY 3.0 (TCIA LIDC-IDRI)';
export const LIDC_ATTRIBUTION =
  'The authors acknowledge the National Cancer Institute and the Foundation for the National Institutes of ' +
  'Health, and their critical role in the creation of the free publicly available LIDC/IDRI Database used ' +
  'in this study. Armato SG III et al., Med. Phys. 38:915-931, 2011.';

/** The patients of the cases the model was trained and validated on (its project's cases). */
function modelPatients(ws: Workspace, m: ModelInfo): { cases: number; slices: number; patients: string[] } {
  if (m.projectId === null) throw new InputError(undefined, `model ${m.id} was not trained here`);
  const used = new Set(Object.keys((m.trainingData['cases'] ?? {}) as Record<string, unknown>).map(Number));
  const cases = listCases(ws.db, m.projectId).filter((c) => used.size === 0 || used.has(c.id));
  const slices = cases.reduce((n, c) => n + listVolumes(ws.db, c.id).reduce((k, v) => k + v.dims[2], 0), 0);
  return {
    cases: cases.length,
    slices,
    patients: [...new Set(cases.map((c) => patientOf(c.name)))].sort(),
  };
}

export async function runBenchStarterModel(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'model', 'cases', 'out'], flags: ['json'] });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const casesDir = path.resolve(requireOption(args, 'cases', 'bench starter-model'));
  const outDir = path.resolve(requireOption(args, 'out', 'bench starter-model'));
  const out = path.join(outDir, STARTER_PACKAGE);
  if (fs.existsSync(out)) throw new InputError(out, 'already exists (remove it first)');
  const holdout = readPart(path.join(casesDir, 'holdout'));
  const reserve = readPart(path.join(casesDir, 'reserve'));
  const ws = openWorkspace(requireOption(args, 'workspace', 'bench starter-model'));
  try {
    const id = positiveInt(requireOption(args, 'model', 'bench starter-model'), '--model');
    const m = getModel(ws.db, id);
    if (!m) throw new InputError(undefined, `model ${id} does not exist`);
    const seen = modelPatients(ws, m);
    const apart = new Set([...holdout, ...reserve].map((c) => patientOf(c.case)));
    const overlap = seen.patients.filter((p) => apart.has(p));
    if (overlap.length > 0)
      throw new InputError(
        undefined,
        `model ${id} was trained on held-out or reserved patients (${overlap.slice(0, 3).join(', ')}): not a starter`,
      );
    const run = m.runId === null ? undefined : getRun(ws.db, m.runId, () => false);
    const bar = progressLine('held-out drafts');
    const score = await scoreHoldout(
      ws,
      forkLauncher(),
      m,
      path.join(casesDir, 'holdout'),
      path.join(ws.tmpDir, `starter-drafts-${process.pid}`),
      (done, total) => bar(done / total, `case ${done + 1}/${total}`),
    );
    const card: StarterCard = {
      id: STARTER_ID,
      data: {
        name: 'LIDC-IDRI nodule crops (128 x 128 CT slices around lung nodules, 4 radiologists each)',
        source:
          'TCIA LIDC-IDRI, as the crops of periclesanfe/Pulmoseg @045c0c6b (../shared/data/lidc_idri_slices_4raters_png)',
        cases: seen.cases,
        slices: seen.slices,
        patients: seen.patients,
      },
      licence: LIDC_LICENCE,
      attribution: LIDC_ATTRIBUTION,
      recipe: {
        commands: STARTER_COMMANDS,
        config: run?.config ?? {},
        trainSeconds: run ? Math.round(run.trainSeconds) : null,
      },
      metrics: {
        heldOutDice: Number(score.pooledDice.toFixed(4)),
        heldOutCases: score.cases,
        heldOutPatients: [...new Set(holdout.map((c) => patientOf(c.case)))].sort(),
        reference: "pooled over every voxel against the 4 raters' strict majority (bench holdout)",
      },
    };
    const weights = await ws.blobs.read(m.weightsSha256);
    const decoded = decodeTensorFile<WeightsMeta>(weights);
    const manifest: PackageManifest = {
      format: 'concord-model',
      formatVersion: packageFormatVersion(m.config),
      architecture: m.architecture,
      name: 'LIDC nodule starter',
      config: m.config,
      cropSize: m.cropSize,
      inference: m.inference,
      labels: m.labels.map((l) => ({ value: l.value, name: 'Nodule' })),
      normalisation: m.normalisation,
      trainingData: {
        starter: card,
        target: m.trainingData['target'] ?? null,
        recipe: m.trainingData['recipe'] ?? null,
      },
      metrics: { ...m.metrics, heldOutDice: card.metrics.heldOutDice },
      backend: m.backend,
      lineage: [],
      createdBy: 'Concord starter (bench starter-model)',
      createdAt: m.createdAt,
      exportedAt: new Date().toISOString(),
      weights: {
        file: 'weights.bin',
        sha256: m.weightsSha256,
        bytes: weights.byteLength,
        tensors: decoded.tensors.map((t) => ({ name: t.name, shape: t.shape })),
      },
    };
    fs.mkdirSync(outDir, { recursive: true });
    writePackage(out, manifest, weights);
    const result = { path: out, weightsBytes: weights.byteLength, card };
    if (args.options.has('json')) printJson(result);
    else
      process.stdout.write(
        `wrote ${out} (${(weights.byteLength / 1e6).toFixed(2)} MB of weights): held-out Dice ${card.metrics.heldOutDice} on ${score.cases} cases\n`,
      );
    return 0;
  } finally {
    ws.close();
  }
}

// `concord bench semi-supervised --cases DIR --labelled-fraction F [--epochs E] [--seed S]
//    [--min-confidence C] [--pseudo-rounds R] [--last-epoch] [--backend B] [--threads N] [--work DIR]
//    [--json]`: do the project's unlabelled cases help? On the LIDC nodule crops as a user brings them
// (`bench lidc-cases --out DIR`: DIR/train with its manifest, DIR/holdout apart), a fraction F of the training
// patients keep their masks and the others are imported as images only. Two runs of the product's trainer,
// with the same settings and seed: (a) the labelled cases alone, (b) the same plus the unlabelled cases with
// `--semi-supervised` (services/training: the refit labels them, weighted by confidence, and a third training
// learns from them too; with R label rounds each such training labels them again for the next); both with
// the product's defaults, so both refit: (a)'s stored network is (b)'s teacher. Each model drafts the
// held-out patients (as `concord infer --out-dir`) and `bench holdout`'s score is taken: Dice pooled over
// every voxel against the raters' strict majority. Printed: Dice and minutes of training for each.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';
import { findProjectByName } from '../../db/repositories/projects';
import { localActor } from '../../services/create-services';
import { inferVolumes, requireModel } from '../../services/training/inference';
import { importManifest } from '../../services/labelling/manifest-import';
import { forkLauncher } from '../../services/training/trainer-launcher';
import { TrainingService } from '../../services/training/training-service';
import { readVolumes } from '../../io/read-volumes';
import { writeNifti } from '../../io/nifti/write';
import { isBackendRequest } from '../../training/backends/backend-report';
import { SeededRandom } from '../../training/model/seeded-random';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { DEFAULT_EPOCHS, type TrainingStartRequest } from '@contract';
import { holdoutDice } from './holdout-dice';

const USAGE =
  'usage: concord bench semi-supervised --cases DIR --labelled-fraction F [--epochs E] [--seed S] ' +
  '[--min-confidence C] [--pseudo-rounds R] [--last-epoch] [--backend B] [--threads N] [--work DIR] [--json]';

interface ManifestRow {
  case: string;
  image: string;
  masks: Record<string, string>;
}

function readRows(dir: string): ManifestRow[] {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file))
    throw new InputError(
      dir,
      'holds no manifest.json (bench lidc-cases --out DIR writes DIR/train and DIR/holdout)',
    );
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ManifestRow[];
}

/** A case's patient: its name without the nodule (lidc-cases.ts names cases <patient>-n<nodule>). */
const patientOf = (name: string): string => name.replace(/-n\d+$/, '');

/** The labelled patients: a seeded draw of round(F * patients), at least 2 (a run needs a training and a
 *  validation case), at most all but one (else nothing is left unlabelled). */
export function labelledPatients(patients: string[], fraction: number, seed: number): string[] {
  const sorted = [...new Set(patients)].sort();
  if (sorted.length < 3)
    throw new InputError(undefined, `${sorted.length} training patients; 3 or more needed`);
  const n = Math.min(sorted.length - 1, Math.max(2, Math.round(fraction * sorted.length)));
  return new SeededRandom(seed).shuffle(sorted).slice(0, n).sort();
}

export interface ArmResult {
  runId: number;
  modelId: number | null;
  status: string;
  /** Pooled Dice of the drafts of the held-out patients against the raters' strict majority. */
  holdoutDice: number;
  /** The run's own validation Dice (labelled validation cases) at the kept epoch. */
  validationDice: number | null;
  trainMinutes: number;
  /** Wall-clock minutes from the start request to the stored model (data set, training, validation). */
  wallMinutes: number;
  pseudo?: unknown;
}

async function arm(
  ws: Workspace,
  req: TrainingStartRequest,
  holdout: { name: string; file: string }[],
  draftsDir: string,
  casesDir: string,
  log: (line: string) => void,
): Promise<ArmResult> {
  const service = new TrainingService(ws, forkLauncher());
  const t0 = performance.now();
  try {
    const run = await service.start(req, localActor(), () => undefined);
    log(
      `run ${run.id} started (${req.semiSupervised ? 'labelled + unlabelled, semi-supervised' : 'labelled only'})`,
    );
    const done = await service.wait(run.id);
    const wallMinutes = (performance.now() - t0) / 60000;
    if (done.status !== 'completed' || done.modelId === null)
      throw new Error(`run ${run.id} ${done.status}: ${done.error ?? 'no model'}`);
    const detail = service.detail(run.id);
    const recipe = (detail.trainingData['recipe'] ?? {}) as { keptEpoch?: number | null; pseudo?: unknown };
    const kept = detail.metrics.find((m) => m.epoch === recipe.keptEpoch) ?? detail.metrics.at(-1);
    const model = requireModel(ws, done.modelId);
    const volumes = await Promise.all(holdout.map(async (h) => (await readVolumes([h.file])).volumes[0]!));
    log(`run ${run.id}: model ${model.id} drafts ${holdout.length} held-out cases`);
    const { labels } = await inferVolumes(
      ws,
      forkLauncher(),
      model,
      volumes.map((v, i) => ({ kind: 'memory' as const, volume: v, name: holdout[i]!.name })),
      { ...(req.backend ? { backend: req.backend } : {}), ...(req.threads ? { threads: req.threads } : {}) },
    );
    fs.mkdirSync(draftsDir, { recursive: true });
    for (let i = 0; i < holdout.length; i++)
      await writeNifti(path.join(draftsDir, `${holdout[i]!.name}-model${model.id}.nii.gz`), {
        ...volumes[i]!,
        scalarType: 'uint8',
        data: labels[i]!,
        rescale: { slope: 1, intercept: 0 },
      });
    const score = await holdoutDice(casesDir, draftsDir);
    return {
      runId: run.id,
      modelId: model.id,
      status: done.status,
      holdoutDice: score.pooledDice,
      validationDice: kept?.validationDice ?? null,
      trainMinutes: detail.metrics.reduce((s, m) => s + m.seconds, 0) / 60,
      wallMinutes,
      ...(recipe.pseudo ? { pseudo: recipe.pseudo } : {}),
    };
  } finally {
    service.close();
  }
}

export async function runBenchSemiSupervised(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'cases',
      'labelled-fraction',
      'epochs',
      'seed',
      'min-confidence',
      'pseudo-rounds',
      'backend',
      'threads',
      'work',
    ],
    flags: ['json', 'last-epoch'],
  });
  const cases = optionString(args, 'cases');
  const fractionText = optionString(args, 'labelled-fraction');
  if (!cases || !fractionText || args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const fraction = Number(fractionText);
  if (!(fraction > 0 && fraction < 1))
    throw new InputError(undefined, '--labelled-fraction must be in (0, 1)');
  const epochs = positiveInt(optionString(args, 'epochs') ?? String(DEFAULT_EPOCHS), '--epochs');
  const seed = positiveInt(optionString(args, 'seed') ?? '1', '--seed');
  const minConfidence = optionString(args, 'min-confidence');
  const rounds = optionString(args, 'pseudo-rounds');
  const backend = optionString(args, 'backend') ?? 'auto';
  if (!isBackendRequest(backend))
    throw new InputError(
      undefined,
      `--backend must be auto, tensorflow, webgpu, wasm or cpu (got '${backend}')`,
    );
  const threads = optionString(args, 'threads');
  const root = path.resolve(cases);
  const trainDir = path.join(root, 'train');
  const holdoutDir = path.join(root, 'holdout');
  const train = readRows(trainDir);
  const held = readRows(holdoutDir);
  const chosen = new Set(
    labelledPatients(
      train.map((r) => patientOf(r.case)),
      fraction,
      seed,
    ),
  );
  const labelled = train.filter((r) => chosen.has(patientOf(r.case)));
  const unlabelled = train.filter((r) => !chosen.has(patientOf(r.case)));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const work = path.resolve(
    optionString(args, 'work') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'concord-semisup-')),
  );
  fs.mkdirSync(work, { recursive: true });
  if (fs.existsSync(path.join(work, 'ws')))
    throw new InputError(work, 'already holds a workspace (ws); give an empty --work folder');
  // One workspace: the labelled cases with their masks, the others as images only. Run (a) trains on the
  // labelled ones (the others have no target); run (b) adds the unlabelled ones.
  const manifest = path.join(work, 'manifest.json');
  fs.writeFileSync(
    manifest,
    JSON.stringify(
      train.map((r) => ({
        case: r.case,
        image: path.resolve(trainDir, r.image),
        masks: chosen.has(patientOf(r.case))
          ? Object.fromEntries(Object.entries(r.masks).map(([k, v]) => [k, path.resolve(trainDir, v)]))
          : {},
      })),
    ),
  );
  log(
    `${chosen.size} labelled patients (${labelled.length} cases), ${unlabelled.length} unlabelled cases; ${held.length} held-out cases`,
  );
  const ws = openWorkspace(path.join(work, 'ws'));
  try {
    const report = await importManifest(ws, { manifest, project: 'lidc', actor: localActor() });
    if (report.refused.length > 0)
      throw new InputError(
        manifest,
        `${report.refused.length} case(s) refused, e.g. ${report.refused[0]!.case}`,
      );
    const projectId = findProjectByName(ws.db, 'lidc')!.id;
    const base: TrainingStartRequest = {
      projectId,
      epochs,
      seed,
      backend,
      // One network in both arms, each refitted (the defaults): the comparison is the refit's data, the
      // labelled cases alone against them and the pseudo-labelled ones.
      members: 1,
      ...(threads ? { threads: positiveInt(threads, '--threads') } : {}),
      // The validated network keeps its last epoch instead of the best validated one: on the few
      // validation cases of a small labelled set the best-validated epoch can be chance
      // (bench/RESULTS-few-labels.md, "Unlabelled cases at the default scale").
      ...(args.options.has('last-epoch') ? { keepBest: false } : {}),
    };
    const holdout = held.map((r) => ({ name: r.case, file: path.resolve(holdoutDir, r.image) }));
    const a = await arm(ws, base, holdout, path.join(work, 'drafts-labelled'), holdoutDir, log);
    log(`(a) labelled only: held-out Dice ${a.holdoutDice.toFixed(4)}, ${a.trainMinutes.toFixed(1)} min`);
    const b = await arm(
      ws,
      {
        ...base,
        semiSupervised: true,
        ...(minConfidence ? { pseudoMinConfidence: Number(minConfidence) } : {}),
        ...(rounds ? { pseudoRounds: positiveInt(rounds, '--pseudo-rounds') } : {}),
      },
      holdout,
      path.join(work, 'drafts-semi'),
      holdoutDir,
      log,
    );
    log(`(b) + unlabelled: held-out Dice ${b.holdoutDice.toFixed(4)}, ${b.trainMinutes.toFixed(1)} min`);
    const out = {
      cases: root,
      labelledFraction: fraction,
      seed,
      epochs,
      kept: args.options.has('last-epoch') ? 'last' : 'best',
      labelledPatients: [...chosen],
      labelledCases: labelled.length,
      unlabelledCases: unlabelled.length,
      holdoutCases: held.length,
      labelledOnly: a,
      semiSupervised: b,
      diceGain: b.holdoutDice - a.holdoutDice,
      work,
    };
    if (args.options.has('json')) printJson(out);
    else
      process.stdout.write(
        `labelled only (${labelled.length} cases): held-out Dice ${a.holdoutDice.toFixed(4)}, ${a.trainMinutes.toFixed(1)} min\n` +
          `+ ${unlabelled.length} unlabelled, semi-supervised: held-out Dice ${b.holdoutDice.toFixed(4)}, ${b.trainMinutes.toFixed(1)} min\n`,
      );
    return 0;
  } finally {
    ws.close();
  }
}

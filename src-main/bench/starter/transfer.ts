// `concord bench transfer --cases DIR [--sizes 5,10,20] [--epochs E] [--seed N] [--starter PKG] [--flips]
//    [--json]`:
// does the starter model make small data sets usable? DIR is `bench lidc-cases --reserve 20`'s output. For
// each size n, a fresh workspace imports the first n reserved cases (patients the starter never saw) and
// trains twice with the product's trainer and recipe, E epochs each: from scratch (random weights, the
// starter's network shape) and fine-tuned from the starter (`baseModelId`, as "Start from" in the app);
// each model then drafts the held-out patients (the product's inference) and is scored as `bench holdout`
// scores (Dice pooled over every voxel against the raters' strict majority). The starter alone (no
// fine-tuning) is scored once as the first row. Minutes run from a run's start to its model (what a user
// waits), beside the epochs' own recorded time. The drafts here
// are made without test-time flips (each costs four forward passes a slice, and seven models draft the
// held-out patients): `--flips` drafts as each model's own setting says, as `concord infer` does.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import type { ModelInfo } from '../../core/model';
import { starterCardOf } from '../../core/training/starter-card';
import { getModel } from '../../db/repositories/models';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson, progressLine } from '../../host/cli/output';
import { starterPackage } from '../../host/starter-model';
import { importManifest } from '../../services/labelling/manifest-import';
import { verifyPackage } from '../../services/training/model-package';
import { ensureStarterModel } from '../../services/training/starter-model';
import { imageChannels } from '../../training/model/unet-config';
import { forkLauncher } from '../../services/training/trainer-launcher';
import { TrainingService } from '../../services/training/training-service';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { patientOf, readPart, scoreHoldout, type CaseEntry } from './holdout-drafts';

const USAGE =
  'usage: concord bench transfer --cases DIR [--sizes 5,10,20] [--epochs E] [--seed N] [--starter PKG] [--flips] [--json]';
const ACTOR = 'concord:bench';

export interface TransferOptions {
  cases: string;
  sizes: number[];
  epochs: number;
  seed: number;
  starter: string;
  /** Draft with each model's own test-time flips (otherwise none). */
  flips: boolean;
  json: boolean;
}

/** The options, checked before anything is read or trained; throws InputError with one line. */
export function parseTransferArgs(argv: string[]): TransferOptions {
  const args = parseArgs(argv, {
    values: ['cases', 'sizes', 'epochs', 'seed', 'starter'],
    flags: ['json', 'flips'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const cases = optionString(args, 'cases');
  if (!cases) throw new InputError(undefined, `--cases is required\n${USAGE}`);
  const sizesText = optionString(args, 'sizes') ?? '5,10,20';
  const sizes = sizesText.split(',').map((s) => {
    const n = Number(s);
    // Two cases at least: a run keeps a case apart for validation.
    if (!/^\d+$/.test(s.trim()) || n < 2)
      throw new InputError(
        undefined,
        `--sizes takes case counts of 2 or more, comma-separated (got '${sizesText}')`,
      );
    return n;
  });
  if (new Set(sizes).size !== sizes.length)
    throw new InputError(undefined, `--sizes repeats a size (got '${sizesText}')`);
  return {
    cases: path.resolve(cases),
    sizes: [...sizes].sort((a, b) => a - b),
    epochs: positiveInt(optionString(args, 'epochs') ?? '10', '--epochs'),
    seed: positiveInt(optionString(args, 'seed') ?? '1', '--seed'),
    starter: path.resolve(optionString(args, 'starter') ?? starterPackage()),
    flips: args.options.has('flips'),
    json: args.options.has('json'),
  };
}

/** The inputs, checked before minutes of training: the parts exist, the largest size fits the reserve, the
 *  starter's patients are neither held out nor reserved. */
export function checkTransferInputs(o: TransferOptions): { reserve: CaseEntry[]; holdout: CaseEntry[] } {
  const reserve = readPart(path.join(o.cases, 'reserve'));
  const holdout = readPart(path.join(o.cases, 'holdout'));
  const largest = o.sizes.at(-1)!;
  if (largest > reserve.length)
    throw new InputError(
      o.cases,
      `reserve/ holds ${reserve.length} cases; --sizes asks for ${largest} (bench lidc-cases --reserve ${largest})`,
    );
  if (!fs.existsSync(o.starter)) throw new InputError(o.starter, 'no such starter package');
  const card = starterCardOf(verifyPackage(o.starter).manifest.trainingData);
  if (!card) throw new InputError(o.starter, 'is not a starter model (its package has no starter card)');
  const apart = new Set([...reserve, ...holdout].map((c) => patientOf(c.case)));
  const seen = card.data.patients.filter((p) => apart.has(p));
  if (seen.length > 0)
    throw new InputError(
      o.starter,
      `was trained on ${seen.length} of these held-out or reserved patients (${seen.slice(0, 3).join(', ')}): the comparison would not be fair`,
    );
  return { reserve, holdout };
}

export interface TransferArm {
  dice: number;
  validationDice: number | null;
  /** From the run's start to its model in the registry (trainer start, data, every epoch's training and
   *  validation, the flips' check): what a user waits. */
  minutes: number;
  /** The epochs' own timing as the run records it (training steps only). */
  trainMinutes: number;
  modelId: number;
}

export interface TransferRow {
  size: number;
  trainSlices: number;
  scratch: TransferArm;
  starter: TransferArm;
}

/** A workspace with the first n reserved cases (absolute paths) and the starter in its registry. */
async function workspaceOf(
  o: TransferOptions,
  root: string,
  reserve: CaseEntry[],
  n: number,
): Promise<{ ws: Workspace; projectId: number; starter: ModelInfo; slices: number }> {
  const dir = path.join(root, `size-${n}`);
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(o.cases, 'reserve');
  const entries = reserve.slice(0, n).map((c) => ({
    case: c.case,
    image: path.join(base, c.image),
    masks: Object.fromEntries(Object.entries(c.masks).map(([k, v]) => [k, path.join(base, v)])),
  }));
  const manifest = path.join(dir, 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify(entries));
  const ws = openWorkspace(path.join(dir, 'ws'), { what: 'bench transfer' });
  const report = await importManifest(ws, { manifest, project: 'transfer', actor: ACTOR });
  if (report.refused.length > 0)
    throw new InputError(manifest, `case ${report.refused[0]!.case} refused: ${report.refused[0]!.reason}`);
  const starter = (await ensureStarterModel(ws, o.starter, ACTOR))!.model;
  const slices = ws.db.prepare('SELECT COALESCE(SUM(dim_k), 0) AS n FROM volumes').get() as { n: number };
  return { ws, projectId: report.projectId!, starter, slices: slices.n };
}

async function trainAndScore(
  ws: Workspace,
  o: TransferOptions,
  projectId: number,
  starter: ModelInfo,
  fromStarter: boolean,
  drafts: string,
  log: (line: string) => void,
): Promise<TransferArm> {
  const service = new TrainingService(ws, forkLauncher());
  try {
    // The same single network either way (the starter is one): scratch takes the starter's shape, the
    // fine-tune inherits it.
    const req = fromStarter
      ? { projectId, epochs: o.epochs, seed: o.seed, baseModelId: starter.id, members: 1 }
      : {
          projectId,
          epochs: o.epochs,
          seed: o.seed,
          members: 1,
          levels: starter.config.levels,
          base: starter.config.base,
          cropSize: starter.cropSize,
          neighbours: (imageChannels(starter.config) - 1) / 2,
          coordinates: starter.config.coordinates === true,
        };
    const run = await service.start(req, ACTOR, () => undefined);
    const done = await service.wait(run.id);
    if (done.status !== 'completed' || done.modelId === null)
      throw new Error(`run ${run.id} ${done.status}: ${done.error ?? 'no model'}`);
    const model = getModel(ws.db, done.modelId)!;
    const score = await scoreHoldout(
      ws,
      forkLauncher(),
      model,
      path.join(o.cases, 'holdout'),
      drafts,
      undefined,
      o.flips ? undefined : false,
    );
    const validationDice =
      typeof model.metrics['validationDice'] === 'number' ? model.metrics['validationDice'] : null;
    const arm = {
      dice: Number(score.pooledDice.toFixed(4)),
      validationDice,
      minutes: Number(
        ((Date.parse(done.finishedAt ?? '') - Date.parse(done.startedAt ?? '')) / 60000).toFixed(2),
      ),
      trainMinutes: Number((done.trainSeconds / 60).toFixed(2)),
      modelId: model.id,
    };
    log(
      `${fromStarter ? 'from the starter' : 'from scratch'}: held-out Dice ${arm.dice}, ${arm.minutes} min`,
    );
    return arm;
  } finally {
    service.close();
  }
}

export async function runBenchTransfer(argv: string[]): Promise<number> {
  const o = parseTransferArgs(argv);
  const { reserve, holdout } = checkTransferInputs(o);
  const root = fs.mkdtempSync(path.join(o.cases, 'transfer-'));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const started = Date.now();
  const rows: TransferRow[] = [];
  let starterDice: number | null = null;
  for (const n of o.sizes) {
    log(`${n} labelled cases:`);
    const { ws, projectId, starter, slices } = await workspaceOf(o, root, reserve, n);
    try {
      const drafts = (what: string): string => path.join(root, `size-${n}`, `drafts-${what}`);
      if (starterDice === null) {
        const bar = progressLine('starter drafts');
        const s = await scoreHoldout(
          ws,
          forkLauncher(),
          starter,
          path.join(o.cases, 'holdout'),
          drafts('starter'),
          (d, t) => bar(d / t, `case ${d + 1}/${t}`),
          o.flips ? undefined : false,
        );
        starterDice = Number(s.pooledDice.toFixed(4));
        log(`the starter alone: held-out Dice ${starterDice}`);
      }
      rows.push({
        size: n,
        trainSlices: slices,
        scratch: await trainAndScore(ws, o, projectId, starter, false, drafts('scratch'), log),
        starter: await trainAndScore(ws, o, projectId, starter, true, drafts('starter-tuned'), log),
      });
    } finally {
      ws.close();
    }
  }
  const result = {
    cases: o.cases,
    workspaces: root,
    epochs: o.epochs,
    seed: o.seed,
    flips: o.flips ? "each model's own" : 'none',
    holdout: { cases: holdout.length, patients: new Set(holdout.map((c) => patientOf(c.case))).size },
    starterAlone: starterDice,
    rows,
    minutes: Number(((Date.now() - started) / 60000).toFixed(1)),
  };
  if (o.json) printJson(result);
  else {
    process.stdout.write(
      `held-out Dice (${result.holdout.cases} cases), ${o.epochs} epochs; starter alone ${starterDice}\n`,
    );
    for (const r of rows)
      process.stdout.write(
        `${r.size} cases: scratch ${r.scratch.dice} (${r.scratch.minutes} min), from the starter ${r.starter.dice} (${r.starter.minutes} min)\n`,
      );
  }
  return 0;
}

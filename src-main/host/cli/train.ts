// `concord train --workspace <dir> --project <name>
//    [--target agreement|reference|vote|staple|annotator:<name>]
//    [--epochs n] [--base-model id|starter [--freeze-encoder]] [--backend auto|tensorflow|webgpu|wasm|cpu]
//    [--levels n] [--base n] [--crop n] [--batch n] [--lr x] [--seed n] [--validation f] [--threads n]
//    [--split-by case|subject (what the train/validation split keeps whole; default case)]
//    [--augment nnunet|none] [--neighbours h (2.5D)] [--no-coordinates] [--members n (networks averaged)]
//    [--foreground f] [--no-ema] [--no-tta]
//    [--last-epoch] [--matched-threshold (drafts at the target's threshold, not the one chosen on validation)]
//    [--no-refit (store the validated network, not the one trained again on every case)]
//    [--preset quick (one network, 3 levels, base 8: for quick drafts)] [--label v | --labels v1,v2,...]
//    [--semi-supervised [--pseudo-min-confidence c] [--pseudo-rounds n]]
//    [--resume <run-id> [--epochs n]] [--json]`
// The defaults are the recipe (services/training/run-config.ts): the raters' agreement, a moving average of
// the weights, 2.5D where volumes have several slices, coordinate planes (each pixel's place on its slice),
// a third of the crops on foreground, the best epoch kept, test-time flips where they pay, the drafts'
// threshold chosen on validation, and (one network) the refit: the same training again on every case once
// validation has chosen, that network stored; each option turns one of them off. --members n trains an
// ensemble of n networks (other seeds, their probabilities averaged). Every label the masks use is trained
// in one model (several: softmax over background and them, Dice per label reported); --labels picks a
// subset, --label one. --semi-supervised (one label) also learns from the project's unlabelled cases: the
// refit labels them, and a third training learns from them too (pseudo-labels weighted by confidence,
// data/pseudo-labels.ts); --pseudo-rounds n labels them n times, each student labelling them for the next.
// Trains in a forked trainer process, as the app does. Progress goes to stderr (one line per epoch, and a
// batch progress bar on a terminal); --json prints the run: id, backend, per-epoch metrics, per-case
// validation Dice and the model id. Ctrl+C cancels (the run stays resumable with --resume <run-id>).
import { InputError } from '../../core/errors';
import { findProjectByName } from '../../db/repositories/projects';
import type { EventChannel, Events, TrainingProgressEvent } from '@contract';
import { parseStartRequest } from '../../services/training/handlers';
import { forkLauncher } from '../../services/training/trainer-launcher';
import { TrainingService } from '../../services/training/training-service';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { ensureStarter } from '../starter-model';
import { QUICK_PRESET } from '../../training/engine/quick-params';
import { localActor } from '../../services/create-services';
import { optionString, parseArgs, positiveInt, requireOption } from './args';
import { printJson, progressLine } from './output';

const USAGE =
  'usage: concord train --workspace <dir> --project <name> [--target agreement|reference|vote|staple|annotator:<name>] ' +
  '[--epochs n] [--base-model id|starter] [--freeze-encoder] [--backend auto|tensorflow|webgpu|wasm|cpu] [--preset quick] [--split-by case|subject] ' +
  '[--neighbours h] [--no-coordinates] [--members n] [--foreground f] [--no-ema] [--no-tta] [--matched-threshold] [--last-epoch] [--no-refit] [--label v | --labels v1,v2]\n' +
  '  [--semi-supervised [--pseudo-min-confidence c] [--pseudo-rounds n]] [--json]\n' +
  '       concord train --workspace <dir> --resume <run-id> [--epochs n] [--json]';

function num(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v))
    throw new InputError(undefined, `${name} must be a number (got '${text}')`);
  return v;
}

/** --labels 1,3: label values, as given (the request checks them). */
function labelList(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((t) => num(t, '--labels')!);
}

/** " (label 1 0.91, label 2 0.84)" from Dice per label value, or nothing. */
function perLabel(d: Record<string, number> | undefined | null): string {
  return d
    ? ` (${Object.entries(d)
        .map(([v, x]) => `label ${v} ${x.toFixed(4)}`)
        .join(', ')})`
    : '';
}

/** `--base-model`: a registry id, or `starter` (the bundled starter model, added to the registry first
 *  when this workspace lacks it). */
async function baseModelId(ws: Workspace, text: string): Promise<number> {
  if (text !== 'starter') return positiveInt(text, '--base-model');
  const starter = await ensureStarter(ws, localActor());
  if (!starter) throw new InputError(undefined, 'this installation has no starter model');
  return starter.model.id;
}

function fmt(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

export async function runTrain(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'workspace',
      'project',
      'target',
      'epochs',
      'base-model',
      'backend',
      'levels',
      'base',
      'crop',
      'batch',
      'lr',
      'seed',
      'validation',
      'threads',
      'label',
      'labels',
      'resume',
      'augment',
      'neighbours',
      'preset',
      'foreground',
      'pseudo-min-confidence',
      'pseudo-rounds',
      'members',
      'split-by',
    ],
    flags: [
      'json',
      'freeze-encoder',
      'no-ema',
      'no-tta',
      'matched-threshold',
      'last-epoch',
      'semi-supervised',
      'no-coordinates',
      'no-refit',
    ],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const ws = openWorkspace(requireOption(args, 'workspace', 'train'));
  const service = new TrainingService(ws, forkLauncher());
  const bar = progressLine('training');
  const emit = <E extends EventChannel>(event: E, payload: Events[E]): void => {
    if (event !== 'training:progress') return;
    const p = payload as TrainingProgressEvent;
    if (p.kind === 'batch') {
      bar(
        (p.epoch * p.batches + p.batch + 1) / (p.epochs * p.batches),
        `epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss.toFixed(4)} ETA ${fmt(p.etaSeconds)}`,
      );
    } else {
      process.stderr.write(
        `epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(4)}, validation Dice ${p.validationDice?.toFixed(4) ?? 'n/a'}${perLabel(p.labelDice)}, ${p.imagesPerSecond.toFixed(1)} images/s, ETA ${fmt(p.etaSeconds)}\n`,
      );
    }
  };
  let runId = 0;
  const onSigint = (): void => {
    if (runId) service.cancel(runId);
  };
  process.on('SIGINT', onSigint);
  try {
    const resume = optionString(args, 'resume');
    if (resume !== undefined) {
      const epochs = optionString(args, 'epochs');
      runId = service.resume(
        positiveInt(resume, '--resume'),
        localActor(),
        emit,
        epochs === undefined ? undefined : positiveInt(epochs, '--epochs'),
      ).id;
    } else {
      const name = requireOption(args, 'project', 'train');
      const project = findProjectByName(ws.db, name);
      if (!project) throw new InputError(undefined, `no project named '${name}' in this workspace`);
      const base = optionString(args, 'base-model');
      // --preset quick: the small network quick drafts run fast with (training/engine/quick-params.ts);
      // --levels, --base and --members still win when given.
      const preset = optionString(args, 'preset');
      if (preset !== undefined && preset !== 'quick')
        throw new InputError(undefined, `--preset must be quick (got '${preset}')`);
      if (preset && base !== undefined)
        throw new InputError(undefined, '--preset quick sets the network; a base model brings its own');
      const shape = preset ? QUICK_PRESET : { levels: undefined, base: undefined, members: undefined };
      const req = parseStartRequest({
        projectId: project.id,
        target: optionString(args, 'target'),
        epochs: num(optionString(args, 'epochs'), '--epochs'),
        baseModelId: base === undefined ? undefined : await baseModelId(ws, base),
        freezeEncoder: args.options.has('freeze-encoder') ? true : undefined,
        backend: optionString(args, 'backend'),
        levels: num(optionString(args, 'levels'), '--levels') ?? shape.levels,
        base: num(optionString(args, 'base'), '--base') ?? shape.base,
        cropSize: num(optionString(args, 'crop'), '--crop'),
        batchSize: num(optionString(args, 'batch'), '--batch'),
        learningRate: num(optionString(args, 'lr'), '--lr'),
        seed: num(optionString(args, 'seed'), '--seed'),
        validationFraction: num(optionString(args, 'validation'), '--validation'),
        splitBy: optionString(args, 'split-by'),
        threads: num(optionString(args, 'threads'), '--threads'),
        label: num(optionString(args, 'label'), '--label'),
        labels: labelList(optionString(args, 'labels')),
        augmentation: optionString(args, 'augment'),
        neighbours: num(optionString(args, 'neighbours'), '--neighbours'),
        coordinates: args.options.has('no-coordinates') ? false : undefined,
        members: num(optionString(args, 'members'), '--members') ?? shape.members,
        foregroundFraction: num(optionString(args, 'foreground'), '--foreground'),
        ema: args.options.has('no-ema') ? false : undefined,
        tta: args.options.has('no-tta') ? false : undefined,
        calibrateThreshold: args.options.has('matched-threshold') ? false : undefined,
        keepBest: args.options.has('last-epoch') ? false : undefined,
        refit: args.options.has('no-refit') ? false : undefined,
        semiSupervised: args.options.has('semi-supervised') ? true : undefined,
        pseudoMinConfidence: num(optionString(args, 'pseudo-min-confidence'), '--pseudo-min-confidence'),
        pseudoRounds: num(optionString(args, 'pseudo-rounds'), '--pseudo-rounds'),
      });
      runId = (await service.start(req, localActor(), emit)).id;
    }
    process.stderr.write(`run ${runId}: training in a separate process (Ctrl+C cancels)\n`);
    const shared = service.info(runId).split.sharedSubjects ?? 0;
    if (shared > 0)
      process.stderr.write(
        `note: ${shared} validation case(s) are of a subject that also has training cases (--split-by subject keeps each subject on one side)\n`,
      );
    const run = await service.wait(runId);
    const detail = service.detail(runId);
    const recipe = (detail.trainingData['recipe'] ?? {}) as {
      keptEpoch?: number | null;
      refit?: { epochs: number; cases: number };
      labelDice?: Record<string, number>;
      ensemble?: {
        dice: number;
        caseDice: Record<string, number>;
        labelDice?: Record<string, number>;
        members: unknown[];
      };
    };
    const last = detail.metrics.find((m) => m.epoch === recipe.keptEpoch) ?? detail.metrics.at(-1);
    // An ensemble's figures are its own (its members' averaged probabilities), not one epoch's.
    const ens = recipe.ensemble;
    const labelDice = ens ? ens.labelDice : recipe.labelDice;
    const out = {
      runId,
      status: run.status,
      backend: run.backend,
      backendDevice: run.backendDevice,
      target: run.target,
      split: run.split,
      epochs: detail.metrics,
      // The kept epoch's Dice per validation case; how the weights were kept and are to be used.
      caseDice: ens ? ens.caseDice : last ? (detail.caseDice[String(last.epoch)] ?? {}) : {},
      // The labels the model segments (value, name) and, for several, the kept epoch's Dice per label.
      labels: detail.trainingData['labels'] ?? null,
      labelDice: labelDice ?? null,
      config: run.config,
      recipe: detail.trainingData['recipe'] ?? null,
      modelId: run.modelId,
      trainSeconds: run.trainSeconds,
      error: run.error,
    };
    if (args.options.has('json')) printJson(out);
    else if (run.status === 'completed')
      process.stdout.write(
        ens
          ? `run ${runId} completed on ${run.backend}: model ${run.modelId}, an ensemble of ${ens.members.length} networks, validation Dice ${ens.dice.toFixed(4)}${perLabel(labelDice)}\n`
          : recipe.refit
            ? `run ${runId} completed on ${run.backend}: model ${run.modelId}, trained again on every case (${recipe.refit.cases} cases, ${recipe.refit.epochs} epochs, the last stored); the validated network: epoch ${last ? last.epoch + 1 : 'n/a'}, validation Dice ${last?.validationDice?.toFixed(4) ?? 'n/a'}${perLabel(labelDice)}\n`
            : `run ${runId} completed on ${run.backend}: model ${run.modelId}, epoch ${last ? last.epoch + 1 : 'n/a'} kept, validation Dice ${last?.validationDice?.toFixed(4) ?? 'n/a'}${perLabel(labelDice)}\n`,
      );
    if (run.status === 'completed') return 0;
    if (run.status === 'cancelled') {
      process.stderr.write(
        `concord: run ${runId} cancelled; continue it with: concord train --workspace <dir> --resume ${runId}\n`,
      );
      return 2;
    }
    process.stderr.write(`concord: run ${runId} failed: ${run.error ?? 'unknown error'}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    service.close();
    ws.close();
  }
}

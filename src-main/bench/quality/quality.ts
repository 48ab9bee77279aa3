// `concord bench quality [--data DIR] [--epochs N] [--backend ...] [--json]`: trains the reference U-Net on
// the LIDC-IDRI nodule crops (majority vote of 4 radiologists) and reports the validation Dice on
// held-out patients and the training time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { isBackendRequest } from '../../training/backends/backend-report';
import { selectBackend } from '../../training/backends/select-backend';
import {
  augmentConfig,
  NNUNET_2D_DEFAULTS,
  type AugmentConfig,
  type AugmentOverrides,
} from '../../training/augment/augment-config';
import { runQualityBenchmark, type TrainingTarget } from './quality-benchmark';
import { writeLidcPack } from '../lidc/lidc-pack';
import { REFERENCE_UNET } from '../../training/model/unet-config';
import { appRoot } from '../../host/resources';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';

const USAGE =
  'usage: concord bench quality [--data DIR|PACK] [--epochs N] [--batch N] [--lr X] [--seed N] ' +
  '[--split-seed N] [--validation F] [--ties background|foreground] [--augment flips|nnunet|light|intensity|none] [--no-augment] ' +
  '[--foreground F] [--dice-weight X] [--ce-weight X] [--budget-seconds S] [--out-json FILE] ' +
  '[--train-subset N] [--crop N] [--patch N] [--tta] [--neighbours H] [--centre-channel] [--keep-centre R] [--ema D] [--target vote|agreement] [--threshold X] [--init he-normal|fan-in-uniform] [--levels N] [--base N] [--constant-lr] [--backend auto|...] [--threads N] [--allow-software-gpu] [--json]\n' +
  '       concord bench quality --write-pack DIR [--data DIR] [--ties ...] [--json]';

/** A preset whose augment/ pipeline follows one of the 8 symmetries of the square (data/slice-batches.ts). */
class Symmetrised {
  readonly config: AugmentConfig;
  constructor(overrides: AugmentOverrides) {
    this.config = augmentConfig(overrides);
  }
}

/** Augmentation presets: nnU-Net's 2D defaults; 'light' keeps their transforms at half the probability
 *  with rotation limited to +-30 degrees (for short runs of a few epochs); 'intensity' is the 8 flips/
 *  rotations of the square, then nnU-Net's brightness, contrast and gamma (not inverted) at their
 *  probabilities and nothing else (no resampling, noise, blur or low resolution); 'flips' the 8
 *  symmetries alone (the earlier recipe). */
function augmentPreset(name: string): AugmentConfig | 'flips' | 'none' | Symmetrised {
  if (name === 'flips' || name === 'none') return name;
  if (name === 'nnunet') return NNUNET_2D_DEFAULTS;
  if (name === 'light') {
    const d = NNUNET_2D_DEFAULTS;
    return augmentConfig({
      rotation: { p: 0.2, range: { lo: -Math.PI / 6, hi: Math.PI / 6 } },
      scaling: { p: 0.2, range: { lo: 0.85, hi: 1.15 } },
      noise: { p: d.noise.p / 2 },
      blur: { p: d.blur.p / 2 },
      brightness: { p: d.brightness.p / 2 },
      contrast: { p: d.contrast.p / 2 },
      gamma: { p: d.gamma.p / 2, pInverted: 0 },
      lowResolution: { p: d.lowResolution.p / 2 },
    });
  }
  if (name === 'intensity')
    return new Symmetrised({
      rotation: { p: 0 },
      scaling: { p: 0 },
      mirror: { pPerAxis: 0 }, // the symmetries before the pipeline mirror (and transpose)
      noise: { p: 0 },
      blur: { p: 0 },
      gamma: { pInverted: 0 },
      lowResolution: { p: 0 },
    });
  throw new InputError(
    undefined,
    `--augment must be flips, nnunet, light, intensity or none (got '${name}')`,
  );
}

function fraction(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(v >= 0 && v <= 1)) throw new InputError(undefined, `${what} must be a number in [0, 1]`);
  return v;
}

function nonNegative(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(v >= 0 && Number.isFinite(v))) throw new InputError(undefined, `${what} must be a number >= 0`);
  return v;
}

/** 2.5D neighbours on each side: 0 (2D) to 3, as `concord train --neighbours`. */
function neighboursOf(text: string | undefined): number {
  const h = Number(text ?? '0');
  if (!(Number.isInteger(h) && h >= 0 && h <= 3))
    throw new InputError(undefined, '--neighbours must be a whole number from 0 to 3');
  return h;
}

/** `--ema D`: the decay of the weights' moving average, in [0, 1). */
function emaDecay(text: string): number {
  const d = Number(text);
  if (!(d >= 0 && d < 1)) throw new InputError(undefined, '--ema must be a decay in [0, 1), e.g. 0.99');
  return d;
}

/** `--target`: the majority vote, or the share of raters marking each pixel (a soft target). */
function targetOf(text: string | undefined): TrainingTarget {
  const t = text ?? 'vote';
  if (t !== 'vote' && t !== 'agreement')
    throw new InputError(undefined, `--target must be vote or agreement (got '${t}')`);
  return t;
}

/** `--threshold X`: validation's probability threshold, in (0, 1). */
function thresholdOf(text: string): number {
  const v = Number(text);
  if (!(v > 0 && v < 1)) throw new InputError(undefined, '--threshold must be a number in (0, 1), e.g. 0.5');
  return v;
}

/** The crops with their CT images: ../shared/data (the repository's copy holds only the masks). */
function defaultData(): string {
  const root = appRoot();
  const candidates = [
    path.join(root, '..', 'shared', 'data', 'lidc_idri_slices_4raters_png'),
    path.join(root, 'resources', 'test-data', 'lidc_idri_slices_4raters_png'),
  ];
  const probe = path.join('fixtures_block_0001-0100', 'LIDC-IDRI-0001', 'nodule-0', 'images');
  return candidates.find((p) => fs.existsSync(path.join(p, probe))) ?? candidates[0]!;
}

export async function runBenchQuality(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'data',
      'epochs',
      'batch',
      'lr',
      'seed',
      'validation',
      'ties',
      'backend',
      'threads',
      'augment',
      'foreground',
      'dice-weight',
      'ce-weight',
      'budget-seconds',
      'out-json',
      'write-pack',
      'train-subset',
      'base',
      'levels',
      'crop',
      'patch',
      'neighbours',
      'keep-centre',
      'target',
      'threshold',
      'init',
      'split-seed',
      'ema',
    ],
    flags: ['json', 'no-augment', 'constant-lr', 'allow-software-gpu', 'tta', 'centre-channel'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const request = optionString(args, 'backend') ?? 'auto';
  if (!isBackendRequest(request)) throw new InputError(undefined, `unknown backend '${request}'\n${USAGE}`);
  const ties = optionString(args, 'ties') ?? 'background';
  if (ties !== 'background' && ties !== 'foreground')
    throw new InputError(undefined, '--ties must be background or foreground');
  const lr = Number(optionString(args, 'lr') ?? '0.001');
  const validation = Number(optionString(args, 'validation') ?? '0.2');
  if (!(lr > 0)) throw new InputError(undefined, '--lr must be a positive number');
  if (!(validation > 0 && validation < 1)) throw new InputError(undefined, '--validation must be in (0, 1)');
  const log = (line: string): void => {
    process.stderr.write(`bench quality: ${line}\n`);
  };
  const dataDir = optionString(args, 'data') ?? defaultData();
  const packDir = optionString(args, 'write-pack');
  if (packDir !== undefined) {
    // The compact pack a GPU machine reads (bench/gpu/gpu-quality.sh): images + one vote per slice.
    const t0 = performance.now();
    const { loadLidcSlices } = await import('../lidc/lidc-slices');
    const slices = await loadLidcSlices(dataDir, ties);
    const w = writeLidcPack(slices, packDir, { ties, source: path.basename(path.resolve(dataDir)) });
    const out = {
      pack: w.file,
      bytes: w.bytes,
      slices: w.slices,
      ties,
      checked: true,
      seconds: (performance.now() - t0) / 1000,
    };
    if (args.options.has('json')) printJson(out);
    else
      process.stdout.write(
        `wrote ${w.file}: ${w.slices} slices, ${(w.bytes / 1e6).toFixed(1)} MB (read back and checked equal)\n`,
      );
    return 0;
  }
  const augmentName = args.options.has('no-augment') ? 'none' : (optionString(args, 'augment') ?? 'flips');
  const preset = augmentPreset(augmentName);
  const budgetText = optionString(args, 'budget-seconds');
  const budgetSeconds = budgetText === undefined ? undefined : nonNegative(budgetText, '--budget-seconds', 0);
  const outJson = optionString(args, 'out-json');
  // Checked before the backend starts: a mistyped option costs nothing.
  const target = targetOf(optionString(args, 'target'));
  const thresholdText = optionString(args, 'threshold');
  const threshold = thresholdText === undefined ? undefined : thresholdOf(thresholdText);
  const splitSeedText = optionString(args, 'split-seed');
  const splitSeed = splitSeedText === undefined ? undefined : positiveInt(splitSeedText, '--split-seed');
  const init = optionString(args, 'init') ?? 'he-normal';
  if (init !== 'he-normal' && init !== 'fan-in-uniform')
    throw new InputError(undefined, `--init must be he-normal or fan-in-uniform (got '${init}')`);
  const threads = optionString(args, 'threads');
  const report = await selectBackend(request, {
    threads: threads ? positiveInt(threads, '--threads') : undefined,
    ...(args.options.has('allow-software-gpu') ? { allowSoftwareGpu: true } : {}),
  });
  log(`backend ${report.active}: ${report.device}`);
  const envelope = (r: object) => ({
    benchmark: 'quality',
    backend: { active: report.active, device: report.device, unavailable: report.unavailable },
    ...r,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version },
  });
  const result = await runQualityBenchmark({
    dataDir,
    epochs: positiveInt(optionString(args, 'epochs') ?? '20', '--epochs'),
    batchSize: positiveInt(optionString(args, 'batch') ?? '16', '--batch'),
    learningRate: lr,
    seed: positiveInt(optionString(args, 'seed') ?? '1', '--seed'),
    ...(splitSeed !== undefined ? { splitSeed } : {}),
    validationFraction: validation,
    augment: preset !== 'none',
    ...(preset instanceof Symmetrised
      ? { augmentation: preset.config, symmetries: true }
      : typeof preset === 'object'
        ? { augmentation: preset }
        : {}),
    augmentationName: augmentName,
    foregroundFraction: fraction(optionString(args, 'foreground'), '--foreground', 0),
    lossWeights: {
      dice: nonNegative(optionString(args, 'dice-weight'), '--dice-weight', 1),
      crossEntropy: nonNegative(optionString(args, 'ce-weight'), '--ce-weight', 1),
    },
    ...(budgetSeconds !== undefined ? { budgetSeconds } : {}),
    ...(outJson
      ? {
          onEpochResult: (partial: object) =>
            fs.writeFileSync(outJson, JSON.stringify(envelope(partial), null, 1) + '\n'),
        }
      : {}),
    cosine: !args.options.has('constant-lr'),
    ties,
    ...(optionString(args, 'train-subset')
      ? { trainSubset: positiveInt(optionString(args, 'train-subset')!, '--train-subset') }
      : {}),
    ...(optionString(args, 'crop') ? { crop: positiveInt(optionString(args, 'crop')!, '--crop') } : {}),
    ...(optionString(args, 'patch') ? { patch: positiveInt(optionString(args, 'patch')!, '--patch') } : {}),
    tta: args.options.has('tta'),
    neighbours: neighboursOf(optionString(args, 'neighbours')),
    centreChannel: args.options.has('centre-channel'),
    ...(optionString(args, 'ema') !== undefined
      ? { averageDecay: emaDecay(optionString(args, 'ema')!) }
      : {}),
    ...(optionString(args, 'keep-centre') !== undefined
      ? { keepCentre: nonNegative(optionString(args, 'keep-centre'), '--keep-centre', 0) }
      : {}),
    target,
    ...(threshold !== undefined ? { threshold } : {}),
    init,
    config: {
      ...REFERENCE_UNET,
      levels: positiveInt(optionString(args, 'levels') ?? String(REFERENCE_UNET.levels), '--levels'),
      base: positiveInt(optionString(args, 'base') ?? String(REFERENCE_UNET.base), '--base'),
    },
    log,
  });
  const out = envelope({ ...result, passes: result.final.validationDice >= 0.75 });
  if (outJson) fs.writeFileSync(outJson, JSON.stringify(out, null, 1) + '\n');
  if (args.options.has('json')) printJson(out);
  else
    process.stdout.write(
      `validation Dice (pooled, ${result.data.validationSlices} slices of ${result.data.validationPatients.length} held-out patients): ` +
        `${result.final.validationDice.toFixed(4)} after ${result.training.epochs} epochs ` +
        `(best ${result.best.validationDice.toFixed(4)} at epoch ${result.best.epoch})` +
        (result.final.withoutTta !== undefined
          ? ` with test-time augmentation (${result.final.withoutTta.toFixed(4)} without)`
          : '') +
        (result.final.unprocessedDice !== undefined
          ? `, ${result.final.unprocessedDice.toFixed(4)} before keep-centre; `
          : '; ') +
        `training ${(result.training.seconds / 60).toFixed(1)} min at ${result.training.imagesPerSecond.toFixed(2)} images/s\n`,
    );
  return 0;
}

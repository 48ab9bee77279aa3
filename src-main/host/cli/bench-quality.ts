// `concord bench quality [--data DIR] [--epochs N] [--backend ...] [--json]`: trains the reference U-Net on
// the LIDC-IDRI nodule crops (majority vote of 4 radiologists) and reports the validation Dice on
// held-out patients and the training time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { isBackendRequest } from '../../training/backends/backend-report';
import { selectBackend } from '../../training/backends/select-backend';
import { runQualityBenchmark } from '../../training/bench/quality-benchmark';
import { appRoot } from '../resources';
import { optionString, parseArgs, positiveInt } from './args';
import { printJson } from './output';

const USAGE =
  'usage: concord bench quality [--data DIR] [--epochs N] [--batch N] [--lr X] [--seed N] ' +
  '[--validation F] [--ties background|foreground] [--no-augment] [--constant-lr] [--backend auto|...] [--threads N] [--json]';

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
    values: ['data', 'epochs', 'batch', 'lr', 'seed', 'validation', 'ties', 'backend', 'threads'],
    flags: ['json', 'no-augment', 'constant-lr'],
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
  const threads = optionString(args, 'threads');
  const report = await selectBackend(request, {
    threads: threads ? positiveInt(threads, '--threads') : undefined,
  });
  const log = (line: string): void => {
    process.stderr.write(`bench quality: ${line}\n`);
  };
  log(`backend ${report.active}: ${report.device}`);
  const result = await runQualityBenchmark({
    dataDir: optionString(args, 'data') ?? defaultData(),
    epochs: positiveInt(optionString(args, 'epochs') ?? '20', '--epochs'),
    batchSize: positiveInt(optionString(args, 'batch') ?? '16', '--batch'),
    learningRate: lr,
    seed: positiveInt(optionString(args, 'seed') ?? '1', '--seed'),
    validationFraction: validation,
    augment: !args.options.has('no-augment'),
    cosine: !args.options.has('constant-lr'),
    ties,
    log,
  });
  const out = {
    benchmark: 'quality',
    backend: { active: report.active, device: report.device },
    ...result,
    passes: result.final.validationDice >= 0.75,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version },
  };
  if (args.options.has('json')) printJson(out);
  else
    process.stdout.write(
      `validation Dice (pooled, ${result.data.validationSlices} slices of ${result.data.validationPatients.length} held-out patients): ` +
        `${result.final.validationDice.toFixed(4)} after ${result.training.epochs} epochs ` +
        `(best ${result.best.validationDice.toFixed(4)} at epoch ${result.best.epoch}); ` +
        `training ${(result.training.seconds / 60).toFixed(1)} min at ${result.training.imagesPerSecond.toFixed(2)} images/s\n`,
    );
  return 0;
}

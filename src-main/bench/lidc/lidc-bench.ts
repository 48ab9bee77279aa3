// `concord bench lidc-cases --out DIR [--data DIR] [--split-seed N] [--validation F] [--reserve N] [--json]` and
// `concord bench holdout --cases DIR/holdout --drafts DIR [--json]`: the LIDC nodule crops as cases for the
// product (a manifest of the training patients to import; the held-out patients apart), and the pooled Dice
// of a model's drafts of the held-out patients against the radiologists' strict majority. Together with
// `concord import --manifest`, `train` and `infer`, they measure what a user gets (bench/README.md).
import path from 'node:path';
import { InputError } from '../../core/errors';
import { appRoot } from '../../host/resources';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';
import { writeLidcCases } from './lidc-cases';
import { holdoutDice } from './holdout-dice';

const CASES_USAGE =
  'usage: concord bench lidc-cases --out DIR [--data DIR] [--split-seed N] [--validation F] [--reserve N] [--json]';
const HOLDOUT_USAGE = 'usage: concord bench holdout --cases DIR --drafts DIR [--json]';

export async function runBenchLidcCases(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['out', 'data', 'split-seed', 'validation', 'reserve'],
    flags: ['json'],
  });
  const out = optionString(args, 'out');
  if (!out || args.positionals.length > 0) throw new InputError(undefined, CASES_USAGE);
  const validation = Number(optionString(args, 'validation') ?? '0.2');
  if (!(validation > 0 && validation < 1)) throw new InputError(undefined, '--validation must be in (0, 1)');
  const data =
    optionString(args, 'data') ??
    path.join(appRoot(), '..', 'shared', 'data', 'lidc_idri_slices_4raters_png');
  const r = await writeLidcCases(data, path.resolve(out), {
    splitSeed: positiveInt(optionString(args, 'split-seed') ?? '1', '--split-seed'),
    validation,
    reserve: positiveIntOrZero(optionString(args, 'reserve') ?? '0', '--reserve'),
    onCase: (line) => process.stderr.write(`${line}\n`),
  });
  if (args.options.has('json')) printJson(r);
  else
    process.stdout.write(
      `${r.trainCases} training cases (${r.slices.train} slices): ${path.join(r.out, 'train', 'manifest.json')}\n` +
        `${r.holdoutCases} held-out cases (${r.slices.holdout} slices, ${r.holdoutPatients.length} patients): ${path.join(r.out, 'holdout')}\n` +
        (r.reserveCases
          ? `${r.reserveCases} reserved cases (${r.slices.reserve} slices, ${r.reservePatients.length} patients): ${path.join(r.out, 'reserve')}\n`
          : ''),
    );
  return 0;
}

function positiveIntOrZero(text: string, what: string): number {
  return text === '0' ? 0 : positiveInt(text, what);
}

export async function runBenchHoldout(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['cases', 'drafts'], flags: ['json'] });
  const cases = optionString(args, 'cases');
  const drafts = optionString(args, 'drafts');
  if (!cases || !drafts || args.positionals.length > 0) throw new InputError(undefined, HOLDOUT_USAGE);
  const r = await holdoutDice(path.resolve(cases), path.resolve(drafts));
  if (args.options.has('json')) printJson(r);
  else
    process.stdout.write(
      `pooled Dice ${r.pooledDice.toFixed(4)} over ${r.cases} cases, ${r.slices} slices (strict majority of the raters)\n`,
    );
  return 0;
}

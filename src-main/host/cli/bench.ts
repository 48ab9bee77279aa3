// `concord bench <import|view|masks|brush|bundle|consensus|train|kernels|quality|infer|lidc-cases|holdout|
// semi-supervised|starter-model|transfer|audit>`: the CLI's door to the benchmarks, which live apart from the product in
// src-main/bench (its README.md lists them). This file only picks the sub-command; each benchmark parses
// its own options. The training and consensus benchmarks are imported when asked for, so tfjs loads only
// for them.
import { InputError } from '../../core/errors';
import { benchChild, runBenchImport } from '../../bench/import';
import { runBenchView } from '../../bench/view';
import { runBenchBrush } from '../../bench/brush';
import { runBenchMasks } from '../../bench/masks';
import { parseArgs } from './args';

export async function runBench(argv: string[]): Promise<number> {
  const rest = argv.slice(1);
  if (argv[0] === 'train') return (await import('../../bench/training/train')).runBenchTrain(rest);
  if (argv[0] === 'kernels') return (await import('../../bench/training/kernels')).runBenchKernels(rest);
  if (argv[0] === 'quality') return (await import('../../bench/quality/quality')).runBenchQuality(rest);
  if (argv[0] === 'infer') return (await import('../../bench/training/infer')).runBenchInfer(rest);
  if (argv[0] === 'lidc-cases') return (await import('../../bench/lidc/lidc-bench')).runBenchLidcCases(rest);
  if (argv[0] === 'starter-model')
    return (await import('../../bench/starter/starter-model')).runBenchStarterModel(rest);
  if (argv[0] === 'transfer') return (await import('../../bench/starter/transfer')).runBenchTransfer(rest);
  if (argv[0] === 'holdout') return (await import('../../bench/lidc/lidc-bench')).runBenchHoldout(rest);
  if (argv[0] === 'semi-supervised')
    return (await import('../../bench/lidc/semi-supervised')).runBenchSemiSupervised(rest);
  if (argv[0] === 'consensus')
    return (await import('../../bench/consensus/consensus')).runBenchConsensus(rest);
  // The child process of one `bench consensus` measurement.
  if (argv[0] === 'consensus-child')
    return (await import('../../bench/consensus/consensus')).benchConsensusChild(rest);
  if (argv[0] === 'masks') return runBenchMasks(rest);
  if (argv[0] === 'audit') return (await import('../../bench/audit')).runBenchAudit(rest);
  if (argv[0] === 'bundle') return (await import('../../bench/bundle')).runBenchBundle(rest);
  if (argv[0] === 'view') return runBenchView(rest);
  const args = parseArgs(argv, { values: ['runs'], flags: ['json', 'keep'] });
  // The child process of one `bench import` measurement.
  if (args.positionals[0] === 'child') return benchChild(args.positionals.slice(1));
  if (args.positionals[0] === 'brush') return runBenchBrush(argv.filter((a) => a !== 'brush'));
  if (args.positionals[0] === 'masks') return runBenchMasks(argv.filter((a) => a !== 'masks'));
  if (args.positionals[0] !== 'import') {
    throw new InputError(undefined, 'usage: concord bench <import|view|masks|brush> [--json] [--runs N]');
  }
  return runBenchImport(args);
}

// `concord bench kernels [--batch N] [--threads N] [--budget-ms MS] [--skip-tfjs-cpu] [--json]`: each
// convolution kernel of a training step on the reference U-Net's layer shapes, tfjs's cpu and wasm
// kernels beside Concord's WebAssembly SIMD kernels (1 thread and all threads).
import os from 'node:os';
import { InputError } from '../../core/errors';
import { benchmarkKernels, type KernelTiming } from './kernel-benchmark';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';

function table(rows: KernelTiming[]): string {
  const impls = Object.keys(rows[0]?.ms ?? {});
  const head = [
    'layer'.padEnd(36),
    'kernel'.padEnd(24),
    'GFLOP'.padStart(6),
    ...impls.map((k) => k.padStart(18)),
  ];
  const lines = [head.join(' '), '  (ms, GFLOP/s in brackets; speed-up = tfjs / Concord all threads)'];
  for (const r of rows) {
    const cells = impls.map((k) => {
      const ms = r.ms[k];
      return (ms === null || ms === undefined ? '—' : `${ms} (${r.gflops[k]})`).padStart(18);
    });
    const up = [
      r.speedupOverTfjsCpu ? `x${r.speedupOverTfjsCpu} vs cpu` : '',
      r.speedupOverTfjsWasm ? `x${r.speedupOverTfjsWasm} vs wasm` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      [r.layer.padEnd(36), r.kernel.padEnd(24), String(r.gflop).padStart(6), ...cells, ' ', up].join(' '),
    );
  }
  return lines.join('\n');
}

export async function runBenchKernels(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['batch', 'threads', 'budget-ms'],
    flags: ['json', 'skip-tfjs-cpu'],
  });
  if (args.positionals.length > 0)
    throw new InputError(
      undefined,
      'usage: concord bench kernels [--batch N] [--threads N] [--budget-ms MS] [--skip-tfjs-cpu] [--json]',
    );
  const threads = optionString(args, 'threads');
  const rows = await benchmarkKernels({
    batch: positiveInt(optionString(args, 'batch') ?? '4', '--batch'),
    threads: threads ? positiveInt(threads, '--threads') : 0,
    budgetMs: positiveInt(optionString(args, 'budget-ms') ?? '1500', '--budget-ms'),
    skipTfjsCpu: args.options.has('skip-tfjs-cpu'),
  });
  const out = {
    benchmark: 'kernels',
    rows,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version },
  };
  if (args.options.has('json')) printJson(out);
  else process.stdout.write(table(rows) + '\n');
  return 0;
}

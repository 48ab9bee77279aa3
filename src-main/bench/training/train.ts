// `concord bench train [--backend auto|tensorflow|webgpu|wasm|cpu] [--json] ...`: training speed of the
// reference U-Net (128x128, base 16, batch 16, ~0.48 M parameters) and of the small variant (64x64, base 8,
// batch 4, ~0.12 M), in images per second, beside PyTorch training the same network in the same run, on
// the CPU with as many threads as Concord's convolution pool (PyTorch's default here is one).
import os from 'node:os';
import { InputError } from '../../core/errors';
import { isBackendRequest, type BackendReport } from '../../training/backends/backend-report';
import { selectBackend } from '../../training/backends/select-backend';
import {
  benchmarkTraining,
  REFERENCE_SPEC,
  SMALL_SPEC,
  TINY_SPEC,
  type TrainBenchResult,
  type TrainBenchSpec,
} from './train-benchmark';
import { runTorchPeer, type TorchPeer } from './torch-peer';
import { appRoot } from '../../host/resources';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';

const USAGE =
  'usage: concord bench train [--backend auto|tensorflow|webgpu|wasm|cpu] [--variants reference,small,tiny] ' +
  '[--seconds S] [--min-steps N] [--warmup N] [--threads N] [--no-peer] [--peer-device auto|cpu|cuda] ' +
  '[--batch N] [--loss-every N] ' +
  '[--torch-steps N] [--profile] [--no-fast-kernels] [--allow-software-gpu] [--json]';

const VARIANTS: Record<string, TrainBenchSpec> = {
  reference: REFERENCE_SPEC,
  small: SMALL_SPEC,
  tiny: TINY_SPEC,
};

function parseVariants(text: string): TrainBenchSpec[] {
  return text.split(',').map((name) => {
    const v = VARIANTS[name.trim()];
    if (!v) throw new InputError(undefined, `unknown variant '${name}' (reference, small, tiny)`);
    return v;
  });
}

function describe(report: BackendReport, results: TrainBenchResult[], peer: TorchPeer | null): string {
  const lines = [`backend: ${report.active} — ${report.device}`];
  const load = os.loadavg()[0]!.toFixed(1);
  lines.push(`load average ${load} on ${os.cpus().length} CPUs`);
  for (const u of report.unavailable) lines.push(`  not ${u.backend}: ${u.reason}`);
  for (const r of results) {
    const torch =
      peer && 'figures' in peer
        ? peer.figures.find((f) => f.size === r.size && f.base === r.base)
        : undefined;
    lines.push(
      `${r.name}: ${r.size}x${r.size}, base ${r.base}, batch ${r.batch}, ${r.params} params: ` +
        `${r.imagesPerSecond.toFixed(2)} images/s (${r.steps} steps, ${r.secPerStep.toFixed(3)} s/step, ` +
        `${r.imagesPerCpuSecond.toFixed(2)} images per CPU second)` +
        (torch
          ? `; PyTorch ${peer && 'device' in peer ? peer.device : ''}` +
            `${torch.threads ? `, ${torch.threads} threads` : ''}: ${torch.img_per_s} images/s` +
            (torch.img_per_cpu_s ? ` (${torch.img_per_cpu_s} per CPU second)` : '')
          : ''),
    );
    if (r.gpuCommandsPerStep)
      lines.push(
        `    per step: ${r.gpuCommandsPerStep.dispatches.toFixed(0)} GPU dispatches, ` +
          `${r.gpuCommandsPerStep.submits.toFixed(1)} queue submits`,
      );
    for (const k of r.profile?.slice(0, 12) ?? [])
      lines.push(`    ${k.kernel.padEnd(24)} ${k.ms} ms x${k.calls}`);
  }
  if (peer && 'absent' in peer) lines.push(`PyTorch peer absent: ${peer.absent}`);
  return lines.join('\n');
}

export async function runBenchTrain(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'backend',
      'variants',
      'seconds',
      'min-steps',
      'warmup',
      'threads',
      'peer-device',
      'torch-steps',
      'seed',
      'batch',
      'loss-every',
    ],
    flags: ['json', 'no-peer', 'profile', 'no-fast-kernels', 'allow-software-gpu'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const request = optionString(args, 'backend') ?? 'auto';
  if (!isBackendRequest(request)) throw new InputError(undefined, `unknown backend '${request}'\n${USAGE}`);
  const peerDevice = optionString(args, 'peer-device') ?? 'auto';
  if (peerDevice !== 'auto' && peerDevice !== 'cpu' && peerDevice !== 'cuda')
    throw new InputError(undefined, `--peer-device must be auto, cpu or cuda`);
  const batchText = optionString(args, 'batch');
  // --batch N: every variant at batch N (PyTorch's peer too), e.g. the webgpu trainer's default batch.
  const variants = parseVariants(optionString(args, 'variants') ?? 'reference,small').map((s) =>
    batchText ? { ...s, batch: positiveInt(batchText, '--batch') } : s,
  );
  const lossEvery = positiveInt(optionString(args, 'loss-every') ?? '1', '--loss-every');
  const threadsText = optionString(args, 'threads');
  const report = await selectBackend(request, {
    threads: threadsText ? positiveInt(threadsText, '--threads') : undefined,
    fastKernels: !args.options.has('no-fast-kernels'),
    allowSoftwareGpu: args.options.has('allow-software-gpu'),
  });
  if (!args.options.has('json')) process.stderr.write(`backend: ${report.active} — ${report.device}\n`);
  const minSeconds = Number(optionString(args, 'seconds') ?? '10');
  if (!(minSeconds >= 0)) throw new InputError(undefined, '--seconds must be a number >= 0');
  const results: TrainBenchResult[] = [];
  for (const spec of variants) {
    results.push(
      await benchmarkTraining(spec, {
        warmupSteps: positiveInt(optionString(args, 'warmup') ?? '2', '--warmup'),
        minSteps: positiveInt(optionString(args, 'min-steps') ?? '3', '--min-steps'),
        minSeconds,
        maxSteps: 10_000,
        seed: positiveInt(optionString(args, 'seed') ?? '1', '--seed'),
        lossEvery,
        profile: args.options.has('profile'),
        log: (line) => process.stderr.write(`bench train: ${line}\n`),
      }),
    );
  }
  let peer: TorchPeer | null = null;
  if (!args.options.has('no-peer')) {
    // PyTorch on the same kind of device as the active backend: a GPU backend is compared with CUDA.
    const gpuBackend = report.active === 'webgpu' || report.detail['isUsingGpuDevice'] === true;
    const device = peerDevice === 'auto' ? (gpuBackend ? 'auto' : 'cpu') : peerDevice;
    const torchSteps = optionString(args, 'torch-steps');
    const concordThreads =
      typeof report.detail['threads'] === 'number' ? report.detail['threads'] : undefined;
    peer = runTorchPeer(
      appRoot(),
      variants.map((s) => ({
        ...s,
        steps: torchSteps
          ? positiveInt(torchSteps, '--torch-steps')
          : device === 'cpu'
            ? Math.max(3, Math.round(80 / s.batch))
            : 50,
      })),
      device,
      device === 'cuda' ? undefined : concordThreads,
    );
  }
  const comparison = results.map((r) => {
    const t =
      peer && 'figures' in peer
        ? peer.figures.find((f) => f.size === r.size && f.base === r.base)
        : undefined;
    return {
      name: r.name,
      concordImagesPerSecond: Math.round(r.imagesPerSecond * 100) / 100,
      torchImagesPerSecond: t ? t.img_per_s : null,
      concordOverTorch: t ? Math.round((r.imagesPerSecond / t.img_per_s) * 1000) / 1000 : null,
      // Per CPU second (every thread of each process): the work itself, without the wait for a core.
      concordImagesPerCpuSecond: Math.round(r.imagesPerCpuSecond * 100) / 100,
      torchImagesPerCpuSecond: t?.img_per_cpu_s ?? null,
      concordOverTorchCpu: t?.img_per_cpu_s
        ? Math.round((r.imagesPerCpuSecond / t.img_per_cpu_s) * 1000) / 1000
        : null,
      concordThreads: typeof report.detail['threads'] === 'number' ? report.detail['threads'] : null,
      torchThreads: t?.threads ?? null,
      paramsMatch: t ? t.params === r.params : null,
    };
  });
  const out = {
    benchmark: 'train',
    backend: report,
    results,
    peer,
    comparison,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      node: process.version,
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
  };
  if (args.options.has('json')) printJson(out);
  else process.stdout.write(describe(report, results, peer) + '\n');
  return 0;
}

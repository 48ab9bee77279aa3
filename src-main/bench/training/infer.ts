// `concord bench infer [--backend ...] [--slices N] [--batch N] [--size N] [--threads N] [--no-peer] [--json]`:
// inference speed of the reference U-Net on 512x512 CT slices (slices per second through the volume
// inference an AI draft uses), beside PyTorch's forward pass of the same network in the same run
// (resources/bench/torch_unet.py with the `infer` flag; CPU unless the backend is a GPU one).
import os from 'node:os';
import { InputError } from '../../core/errors';
import { isBackendRequest } from '../../training/backends/backend-report';
import { selectBackend } from '../../training/backends/select-backend';
import { benchmarkInference } from './infer-benchmark';
import { runTorchPeer, type TorchPeer } from './torch-peer';
import { REFERENCE_UNET } from '../../training/model/unet-config';
import { appRoot } from '../../host/resources';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';

const USAGE =
  'usage: concord bench infer [--backend auto|tensorflow|webgpu|wasm|cpu] [--slices N] [--batch N] [--size N] ' +
  '[--warmup N] [--threads N] [--no-peer] [--peer-device auto|cpu|cuda] [--torch-steps N] [--allow-software-gpu] [--json]';

export async function runBenchInfer(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['backend', 'slices', 'batch', 'size', 'warmup', 'threads', 'peer-device', 'torch-steps'],
    flags: ['json', 'no-peer', 'allow-software-gpu'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const request = optionString(args, 'backend') ?? 'auto';
  if (!isBackendRequest(request)) throw new InputError(undefined, `unknown backend '${request}'\n${USAGE}`);
  const peerDevice = optionString(args, 'peer-device') ?? 'auto';
  if (peerDevice !== 'auto' && peerDevice !== 'cpu' && peerDevice !== 'cuda')
    throw new InputError(undefined, '--peer-device must be auto, cpu or cuda');
  const size = positiveInt(optionString(args, 'size') ?? '512', '--size');
  if (size % 8 !== 0) throw new InputError(undefined, '--size must be a multiple of 8');
  const slices = positiveInt(optionString(args, 'slices') ?? '8', '--slices');
  const batchSize = positiveInt(optionString(args, 'batch') ?? '2', '--batch');
  const warmupText = optionString(args, 'warmup');
  const warmupSlices = warmupText === '0' ? 0 : positiveInt(warmupText ?? String(batchSize), '--warmup');
  const threads = optionString(args, 'threads');
  const report = await selectBackend(request, {
    threads: threads ? positiveInt(threads, '--threads') : undefined,
    allowSoftwareGpu: args.options.has('allow-software-gpu'),
  });
  const log = (line: string): void => {
    process.stderr.write(`bench infer: ${line}\n`);
  };
  log(`backend ${report.active}: ${report.device}`);
  const result = await benchmarkInference({ size, slices, batchSize, warmupSlices, seed: 1, log });
  let peer: TorchPeer | null = null;
  if (!args.options.has('no-peer')) {
    const gpuBackend = report.active === 'webgpu' || report.detail['isUsingGpuDevice'] === true;
    const device = peerDevice === 'auto' ? (gpuBackend ? 'auto' : 'cpu') : peerDevice;
    const steps = positiveInt(
      optionString(args, 'torch-steps') ?? (device === 'cpu' ? '4' : '50'),
      '--torch-steps',
    );
    log(`PyTorch peer (${device}): ${steps} forward passes of batch ${batchSize}`);
    peer = runTorchPeer(
      appRoot(),
      [{ size, base: REFERENCE_UNET.base, batch: batchSize, steps, mode: 'infer' }],
      device,
    );
  }
  const torch = peer && 'figures' in peer ? peer.figures[0] : undefined;
  const out = {
    benchmark: 'infer',
    backend: { active: report.active, device: report.device, unavailable: report.unavailable },
    result,
    peer,
    comparison: {
      concordSlicesPerSecond: Math.round(result.slicesPerSecond * 100) / 100,
      torchSlicesPerSecond: torch ? torch.img_per_s : null,
      concordOverTorch: torch ? Math.round((result.slicesPerSecond / torch.img_per_s) * 1000) / 1000 : null,
      paramsMatch: torch ? torch.params === result.params : null,
      target: 20,
      meetsTarget: result.slicesPerSecond >= 20,
    },
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version },
  };
  if (args.options.has('json')) printJson(out);
  else
    process.stdout.write(
      `${result.size}x${result.size}, ${result.params} params, batch ${result.batchSize}: ` +
        `${result.slicesPerSecond.toFixed(2)} slices/s (${result.gflopPerSlice.toFixed(1)} GFLOP a slice, ` +
        `${((result.slicesPerSecond * result.gflopPerSlice) | 0).toString()} GFLOP/s)` +
        (torch
          ? `; PyTorch ${torch.backend}: ${torch.img_per_s} slices/s`
          : peer && 'absent' in peer
            ? `; PyTorch absent: ${peer.absent}`
            : '') +
        '\n',
    );
  return 0;
}

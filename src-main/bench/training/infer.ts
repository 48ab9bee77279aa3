// `concord bench infer [--backend ...] [--slices N] [--batch N] [--size N] [--threads N] [--no-peer] [--json]`:
// inference speed of the reference U-Net on 512x512 CT slices (slices per second through the volume
// inference an AI draft uses), beside PyTorch's forward pass of the same network in the same run
// (resources/bench/torch_unet.py with the `infer` flag; CPU unless the backend is a GPU one). On the CPU
// the peer runs on as many threads as Concord's convolution pool (--threads, else one per core); both
// counts are printed. `--quick` times the quick draft's path instead (engine/quick-infer.ts); `--volume
// FILE` runs on a real CT (its slices repeated back and forth up to --slices); `--quick-dice` trains a
// model on the LIDC crops and states the quick path's Dice beside the full inference's (quick-dice.ts).
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { isBackendRequest } from '../../training/backends/backend-report';
import { selectBackend } from '../../training/backends/select-backend';
import { benchmarkInference } from './infer-benchmark';
import { loadRealCt, runQuickDice } from './infer-quick';
import { bodyThresholdOf, QUICK_SCALE } from '../../training/engine/quick-infer';
import { QUICK_PRESET } from '../../training/engine/quick-params';
import { DEFAULT_CT_WINDOW } from '../../training/process/normalise';
import { runTorchPeer, type TorchPeer } from './torch-peer';
import { REFERENCE_UNET } from '../../training/model/unet-config';
import { appRoot } from '../../host/resources';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';

const USAGE =
  'usage: concord bench infer [--backend auto|tensorflow|webgpu|wasm|cpu] [--slices N] [--batch N] [--size N] ' +
  '[--warmup N] [--threads N] [--no-peer] [--peer-device auto|cpu|cuda] [--torch-steps N] [--allow-software-gpu] ' +
  '[--quick [--scale S]] [--preset quick] [--volume FILE] [--quick-dice [--data DIR] [--budget-seconds S] [--train-slices N]] [--json]';

export async function runBenchInfer(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'backend',
      'slices',
      'batch',
      'size',
      'warmup',
      'threads',
      'peer-device',
      'torch-steps',
      'scale',
      'volume',
      'data',
      'budget-seconds',
      'train-slices',
      'preset',
    ],
    flags: ['json', 'no-peer', 'allow-software-gpu', 'quick', 'quick-dice'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const request = optionString(args, 'backend') ?? 'auto';
  if (!isBackendRequest(request)) throw new InputError(undefined, `unknown backend '${request}'\n${USAGE}`);
  const peerDevice = optionString(args, 'peer-device') ?? 'auto';
  if (peerDevice !== 'auto' && peerDevice !== 'cpu' && peerDevice !== 'cuda')
    throw new InputError(undefined, '--peer-device must be auto, cpu or cuda');
  const quick = args.options.has('quick');
  const preset = optionString(args, 'preset');
  if (preset !== undefined && preset !== 'quick')
    throw new InputError(undefined, `--preset must be quick (got '${preset}')`);
  const config = preset
    ? { ...REFERENCE_UNET, levels: QUICK_PRESET.levels, base: QUICK_PRESET.base }
    : REFERENCE_UNET;
  const scaleText = optionString(args, 'scale');
  const scale = scaleText === undefined ? QUICK_SCALE : Number(scaleText);
  if (scaleText !== undefined && !quick) throw new InputError(undefined, '--scale goes with --quick');
  if (!(scale > 0 && scale <= 1))
    throw new InputError(undefined, `--scale must be in (0, 1] (got '${scaleText}')`);
  const slices = positiveInt(optionString(args, 'slices') ?? '8', '--slices');
  const volumeFile = optionString(args, 'volume');
  // A real CT is read before the backend starts, so a bad file is refused at once.
  const real = volumeFile ? await loadRealCt(path.resolve(volumeFile), slices, DEFAULT_CT_WINDOW) : null;
  const size = real ? real.size : positiveInt(optionString(args, 'size') ?? '512', '--size');
  if (!real && size % 8 !== 0) throw new InputError(undefined, '--size must be a multiple of 8');
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
  const concordThreads = typeof report.detail['threads'] === 'number' ? report.detail['threads'] : null;
  if (args.options.has('quick-dice'))
    return runQuickDice(args, { json: args.options.has('json'), scale, backend: report, log });
  if (real) log(`volume ${volumeFile}: ${real.description}`);
  const result = await benchmarkInference({
    size,
    slices,
    batchSize,
    warmupSlices,
    seed: 1,
    log,
    config,
    ...(real ? { volume: real.data } : {}),
    ...(quick ? { quick: { scale, bodyThreshold: bodyThresholdOf(DEFAULT_CT_WINDOW)! } } : {}),
  });
  let peer: TorchPeer | null = null;
  // The peer runs the reference network on whole slices: beside the quick path or preset it would compare
  // different work, so it runs for the full inference only.
  if (!args.options.has('no-peer') && !quick && !preset) {
    const gpuBackend = report.active === 'webgpu' || report.detail['isUsingGpuDevice'] === true;
    const device = peerDevice === 'auto' ? (gpuBackend ? 'auto' : 'cpu') : peerDevice;
    const steps = positiveInt(
      optionString(args, 'torch-steps') ?? (device === 'cpu' ? '4' : '50'),
      '--torch-steps',
    );
    // The peer's CPU threads: Concord's convolution pool's (a GPU backend reports none: PyTorch's default).
    const peerThreads = device === 'cuda' ? undefined : (concordThreads ?? undefined);
    log(
      `PyTorch peer (${device}${peerThreads ? `, ${peerThreads} threads` : ''}): ${steps} forward passes of batch ${batchSize}`,
    );
    peer = runTorchPeer(
      appRoot(),
      [{ size, base: REFERENCE_UNET.base, batch: batchSize, steps, mode: 'infer' }],
      device,
      peerThreads,
    );
  }
  const torch = peer && 'figures' in peer ? peer.figures[0] : undefined;
  const out = {
    benchmark: 'infer',
    backend: { active: report.active, device: report.device, unavailable: report.unavailable },
    volume: real ? { file: volumeFile, description: real.description } : 'synthetic',
    result,
    peer,
    comparison: {
      concordSlicesPerSecond: Math.round(result.slicesPerSecond * 100) / 100,
      concordThreads,
      torchSlicesPerSecond: torch ? torch.img_per_s : null,
      torchThreads: peer && 'threads' in peer ? peer.threads : null,
      concordOverTorch: torch ? Math.round((result.slicesPerSecond / torch.img_per_s) * 1000) / 1000 : null,
      paramsMatch: torch ? torch.params === result.params : null,
      // The full path is held to PyTorch at the same threads; the peer runs the full-size forward pass, so
      // beside the quick path the ratio only says how much the quick path saves.
      target: quick ? '300 slices in under 30 s' : 'concordOverTorch >= 1.0 at the same thread count',
      meetsTarget: quick
        ? 300 / result.slicesPerSecond < 30
        : torch
          ? result.slicesPerSecond >= torch.img_per_s
          : null,
    },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      node: process.version,
      loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
  };
  if (args.options.has('json')) printJson(out);
  else
    process.stdout.write(
      `${result.size}x${result.size}${result.quick ? ` quick (scale ${result.quick.scale}, box ${result.quick.box.i1 - result.quick.box.i0}x${result.quick.box.j1 - result.quick.box.j0} -> ${result.quick.reduced.join('x')})` : ''}, ` +
        `${result.params} params, batch ${result.batchSize}, ${concordThreads ?? '?'} threads: ` +
        `${result.slicesPerSecond.toFixed(2)} slices/s (${result.gflopPerSlice.toFixed(1)} GFLOP a slice, ` +
        `${((result.slicesPerSecond * result.gflopPerSlice) | 0).toString()} GFLOP/s)` +
        (torch
          ? `; PyTorch ${torch.backend}, ${peer && 'threads' in peer ? (peer.threads ?? '?') : '?'} threads: ${torch.img_per_s} slices/s`
          : peer && 'absent' in peer
            ? `; PyTorch absent: ${peer.absent}`
            : '') +
        `; load average ${os
          .loadavg()
          .map((v) => v.toFixed(2))
          .join(', ')}\n`,
    );
  return 0;
}

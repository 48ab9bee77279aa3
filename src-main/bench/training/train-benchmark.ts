// Measures training speed on the active tfjs backend: the U-Net on random normal images with target
// (image > 0), exactly the workload of torch_unet.py, with Adam (1e-3) and Concord's Dice + cross-entropy
// loss. A few warm-up steps (shader compilation, kernel caches, thread start) are not timed; then steps
// run until both a minimum count and a minimum duration are reached, each step waiting for its loss (or,
// with lossEvery N, every Nth step for its own, as the product's trainer does on a GPU).
import { tf } from '../../training/backends/tfjs';
import { adam, trainStep } from '../../training/engine/train-step';
import { UNet } from '../../training/model/unet';
import { paramCount, REFERENCE_UNET, type UNetConfig } from '../../training/model/unet-config';
import { SeededRandom } from '../../training/model/seeded-random';
import { countGpuCommands, type GpuCommandCounts } from '../../training/kernels/webgpu/gpu-commands';

export interface TrainBenchSpec {
  name: string;
  size: number;
  base: number;
  batch: number;
}

export const REFERENCE_SPEC: TrainBenchSpec = { name: 'reference', size: 128, base: 16, batch: 16 };
export const SMALL_SPEC: TrainBenchSpec = { name: 'small', size: 64, base: 8, batch: 4 };
/** For rehearsals on CPU-emulated GPUs and for tests: seconds, not minutes, per step there. */
export const TINY_SPEC: TrainBenchSpec = { name: 'tiny', size: 32, base: 4, batch: 2 };

export interface TrainBenchOptions {
  warmupSteps: number;
  minSteps: number;
  minSeconds: number;
  maxSteps: number;
  seed: number;
  /** Read the loss back every this many timed steps (default 1); the last step is always read. */
  lossEvery?: number;
  /** Also time one step under tf.profile and report the slowest kernels. */
  profile: boolean;
  /** One line per phase (for stderr: a run stopped by a time limit still says how far it got). */
  log?: (line: string) => void;
}

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

export interface TrainBenchResult extends TrainBenchSpec {
  params: number;
  lossEvery: number;
  steps: number;
  secPerStep: number;
  imagesPerSecond: number;
  /** The process's CPU seconds a step (process.cpuUsage: user + system, every thread, workers included)
   *  and images per CPU second: on a machine shared with other work, wall time also counts the time
   *  spent waiting for a core, CPU time only the work. */
  cpuSecPerStep: number;
  imagesPerCpuSecond: number;
  firstLoss: number;
  lastLoss: number;
  warmupSeconds: number;
  /** On webgpu: GPU compute dispatches and queue submissions per timed step
   *  (training/kernels/webgpu/gpu-commands.ts). */
  gpuCommandsPerStep?: GpuCommandCounts;
  profile?: KernelTime[];
}

function randomBatch(spec: TrainBenchSpec, seed: number): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const rnd = new SeededRandom(seed);
  const n = spec.batch * spec.size * spec.size;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rnd.normal();
    y[i] = x[i]! > 0 ? 1 : 0;
  }
  const shape: [number, number, number, number] = [spec.batch, spec.size, spec.size, 1];
  return { x: tf.tensor4d(x, shape), y: tf.tensor4d(y, shape) };
}

async function profileStep(step: () => tf.Scalar): Promise<KernelTime[]> {
  const info = await tf.profile(async () => {
    const l = step();
    await l.data();
    l.dispose();
  });
  const byName = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const t = byName.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
    t.calls++;
    const ms = await k.kernelTimeMs;
    t.ms += typeof ms === 'number' ? ms : 0;
    byName.set(k.name, t);
  }
  return [...byName.values()]
    .sort((a, b) => b.ms - a.ms)
    .map((t) => ({ ...t, ms: Math.round(t.ms * 10) / 10 }));
}

export async function benchmarkTraining(
  spec: TrainBenchSpec,
  o: TrainBenchOptions,
): Promise<TrainBenchResult> {
  const config: UNetConfig = { ...REFERENCE_UNET, base: spec.base };
  const model = UNet.create(config, o.seed);
  const optimizer = adam(1e-3);
  const batch = randomBatch(spec, o.seed + 1);
  const step = (): tf.Scalar => trainStep(model, optimizer, batch);
  try {
    const tw = performance.now();
    let firstLoss = NaN;
    for (let i = 0; i < o.warmupSteps; i++) {
      const l = step();
      const v = (await l.data())[0]!;
      if (i === 0) firstLoss = v;
      l.dispose();
    }
    const warmupSeconds = (performance.now() - tw) / 1000;
    o.log?.(
      `${spec.name}: ${o.warmupSteps} warm-up steps in ${warmupSeconds.toFixed(1)} s, loss ${firstLoss.toFixed(4)}`,
    );
    let steps = 0;
    let lastLoss = NaN;
    const every = Math.max(1, o.lossEvery ?? 1);
    // The newest step's loss, not yet read (reading it waits for every step before it too).
    let unread: tf.Scalar | null = null;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const counter = countGpuCommands();
    while (steps < o.maxSteps && (steps < o.minSteps || performance.now() - t0 < o.minSeconds * 1000)) {
      unread?.dispose();
      unread = step();
      steps++;
      if (steps % every === 0) {
        lastLoss = (await unread.data())[0]!;
        unread.dispose();
        unread = null;
      }
    }
    if (unread) {
      lastLoss = (await unread.data())[0]!;
      unread.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const commands = counter?.stop();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const result: TrainBenchResult = {
      ...spec,
      params: paramCount(config),
      lossEvery: every,
      steps,
      secPerStep: seconds / steps,
      imagesPerSecond: (spec.batch * steps) / seconds,
      cpuSecPerStep: cpuSeconds / steps,
      imagesPerCpuSecond: (spec.batch * steps) / cpuSeconds,
      firstLoss,
      lastLoss,
      warmupSeconds,
      ...(commands && {
        gpuCommandsPerStep: { dispatches: commands.dispatches / steps, submits: commands.submits / steps },
      }),
    };
    o.log?.(`${spec.name}: ${steps} steps, ${result.imagesPerSecond.toFixed(2)} images/s`);
    if (o.profile) {
      result.profile = await profileStep(step);
      o.log?.(`${spec.name}: profiled one step`);
    }
    return result;
  } finally {
    batch.x.dispose();
    batch.y.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

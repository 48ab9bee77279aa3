// Per-kernel micro-benchmark: each convolution kernel of a training step (forward, input gradient,
// filter gradient) on the reference U-Net's layer shapes, timed for tfjs's cpu kernels (scalar
// JavaScript, the naive baseline), tfjs's wasm kernels (XNNPACK where the kernel exists) and Concord's
// WebAssembly SIMD kernels on 1 thread and on all threads. Results in ms and GFLOP/s (2 flops per
// multiply-add), with speed-ups over the tfjs kernels.
import { tf } from '../../training/backends/tfjs';
import { activateCpu } from '../../training/backends/cpu-backend';
import { activateWasm } from '../../training/backends/wasm-backend';
import { ConvGemmPool, defaultThreads } from '../../training/kernels/conv-gemm-pool';
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
  type ConvGeometry,
} from '../../training/kernels/conv-engine';
import { convBiasReluBackward } from '../../training/kernels/conv-bias-relu-backward';
import { geometryFromConvInfo } from '../../training/kernels/conv-geometry';
import { SeededRandom } from '../../training/model/seeded-random';

export type KernelName =
  'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter' | 'ConcordConvBiasReluGrad';

interface Layer {
  name: string;
  /** The forward convolution: input [B, H, W, inC], filter [k, k, inC, outC]. */
  h: number;
  inC: number;
  outC: number;
  k: number;
  stride: number;
  pad: 'same' | 'valid';
  /** A transposed convolution (the up-sampling): its forward is Conv2DBackpropInput. */
  transposed?: boolean;
}

/** The distinct convolution shapes of the reference network (128x128, base 16). */
export const REFERENCE_LAYERS: Layer[] = [
  { name: 'enc0.conv1 128x128 16->16 3x3', h: 128, inC: 16, outC: 16, k: 3, stride: 1, pad: 'same' },
  { name: 'dec0.conv0 128x128 32->16 3x3', h: 128, inC: 32, outC: 16, k: 3, stride: 1, pad: 'same' },
  { name: 'enc2.conv1 32x32 64->64 3x3', h: 32, inC: 64, outC: 64, k: 3, stride: 1, pad: 'same' },
  { name: 'enc3.conv1 16x16 128->128 3x3', h: 16, inC: 128, outC: 128, k: 3, stride: 1, pad: 'same' },
  // up0 as tfjs sees it: a stride-2 2x2 convolution from the 128x128x16 output to the 64x64x32 input.
  {
    name: 'up0 64->128 32->16 2x2/2 transposed',
    h: 128,
    inC: 16,
    outC: 32,
    k: 2,
    stride: 2,
    pad: 'valid',
    transposed: true,
  },
];

export interface KernelTiming {
  layer: string;
  kernel: KernelName;
  gflop: number;
  ms: Record<string, number | null>;
  gflops: Record<string, number | null>;
  speedupOverTfjsCpu: number | null;
  speedupOverTfjsWasm: number | null;
  /** Why an implementation has no figure (e.g. tfjs wasm has no Conv2DBackpropFilter). */
  notes: string[];
}

function random(n: number, seed: number): Float32Array {
  const r = new SeededRandom(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r.normal();
  return a;
}

/** Median time of fn over runs that add up to about `budgetMs` (at least one, at most 20). */
function time(fn: () => void, budgetMs: number): number {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  const runs = Math.max(1, Math.min(20, Math.floor(budgetMs / Math.max(first, 1e-3))));
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

interface Tensors {
  g: ConvGeometry;
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  y: Float32Array;
}

function tensorsFor(layer: Layer, batch: number): Tensors {
  const info = tf.backend_util.computeConv2DInfo(
    [batch, layer.h, layer.h, layer.inC],
    [layer.k, layer.k, layer.inC, layer.outC],
    layer.stride,
    1,
    layer.pad,
  );
  const g = geometryFromConvInfo(info)!;
  const yn = g.batch * g.outH * g.outW * g.outC;
  return {
    g,
    x: random(g.batch * g.inH * g.inW * g.inC, 1),
    w: random(g.fh * g.fw * g.inC * g.outC, 2),
    dy: random(yn, 3),
    y: random(yn, 4),
  };
}

/** The kernels a training step runs for this layer, with their multiply-adds. */
function kernelsOf(layer: Layer, t: Tensors): { kernel: KernelName; macs: number }[] {
  const { g } = t;
  const macs = g.batch * g.outH * g.outW * g.fh * g.fw * g.inC * g.outC;
  // A transposed convolution runs Conv2DBackpropInput forward and Conv2D + filter gradient backward;
  // a 3x3 ReLU layer on the fast path runs FusedConv2D forward and the fused gradient backward.
  const ks: { kernel: KernelName; macs: number }[] = [
    { kernel: 'Conv2D', macs },
    { kernel: 'Conv2DBackpropInput', macs },
    { kernel: 'Conv2DBackpropFilter', macs },
  ];
  if (!layer.transposed) ks.push({ kernel: 'ConcordConvBiasReluGrad', macs: 2 * macs });
  return ks;
}

function runTfjs(kernel: KernelName, layer: Layer, t: Tensors): { run: () => void; dispose: () => void } {
  const { g } = t;
  const xShape: [number, number, number, number] = [g.batch, g.inH, g.inW, g.inC];
  const wShape: [number, number, number, number] = [g.fh, g.fw, g.inC, g.outC];
  const x = tf.tensor4d(t.x, xShape);
  const w = tf.tensor4d(t.w, wShape);
  const dy = tf.tensor4d(t.dy, [g.batch, g.outH, g.outW, g.outC]);
  const attrs = { strides: layer.stride, pad: layer.pad, dataFormat: 'NHWC' };
  return {
    run: () => {
      const out =
        kernel === 'Conv2D'
          ? tf.engine().runKernel('Conv2D', { x, filter: w }, { ...attrs, dilations: 1 })
          : kernel === 'Conv2DBackpropInput'
            ? tf
                .engine()
                .runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape })
            : tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: wShape });
      (out as tf.Tensor).dataSync();
      (out as tf.Tensor).dispose();
    },
    dispose: () => tf.dispose([x, w, dy]),
  };
}

function runConcord(kernel: KernelName, pool: ConvGemmPool, t: Tensors): () => void {
  const { g } = t;
  const b = new Float32Array(g.outC);
  const out = {
    dx: new Float32Array(t.x.length),
    dw: new Float32Array(t.w.length),
    db: new Float32Array(g.outC),
  };
  switch (kernel) {
    case 'Conv2D':
      return () => conv2dForward(pool, g, t.x, t.w, b, true);
    case 'Conv2DBackpropInput':
      return () => conv2dBackpropInput(pool, g, t.dy, t.w);
    case 'Conv2DBackpropFilter':
      return () => conv2dBackpropFilter(pool, g, t.x, t.dy);
    case 'ConcordConvBiasReluGrad':
      return () => convBiasReluBackward(pool, g, t.x, t.w, t.y, t.dy, out);
  }
}

export interface KernelBenchOptions {
  batch: number;
  threads: number;
  /** Time budget per measurement, ms (the naive kernels run once when slower than that). */
  budgetMs: number;
  /** Skip tfjs's cpu kernels (slow: seconds per call at batch 4). */
  skipTfjsCpu: boolean;
  layers?: Layer[];
}

export async function benchmarkKernels(o: KernelBenchOptions): Promise<KernelTiming[]> {
  const layers = o.layers ?? REFERENCE_LAYERS;
  const rows: KernelTiming[] = [];
  const pools = {
    concord1: await ConvGemmPool.create(1),
    concordN: await ConvGemmPool.create(o.threads > 0 ? o.threads : defaultThreads()),
  };
  try {
    for (const layer of layers) {
      const t = tensorsFor(layer, o.batch);
      for (const { kernel, macs } of kernelsOf(layer, t)) {
        const ms: Record<string, number | null> = {};
        const notes: string[] = [];
        const tfjsKernel = kernel === 'ConcordConvBiasReluGrad' ? null : kernel;
        for (const backend of ['cpu', 'wasm'] as const) {
          const key = `tfjs-${backend}`;
          ms[key] = null;
          if (!tfjsKernel) continue;
          if (backend === 'cpu' && o.skipTfjsCpu) {
            notes.push('tfjs-cpu skipped (--skip-tfjs-cpu)');
            continue;
          }
          await (backend === 'cpu'
            ? activateCpu({ fastKernels: false })
            : activateWasm({ fastKernels: false }));
          if (!tf.getKernel(tfjsKernel, backend)) {
            notes.push(`tfjs ${backend} has no ${tfjsKernel} kernel`);
            continue;
          }
          const r = runTfjs(tfjsKernel, layer, t);
          ms[key] = time(r.run, o.budgetMs);
          r.dispose();
        }
        ms['concord-1-thread'] = time(runConcord(kernel, pools.concord1, t), o.budgetMs);
        ms[`concord-${pools.concordN.threads}-threads`] = time(
          runConcord(kernel, pools.concordN, t),
          o.budgetMs,
        );
        const gflop = (2 * macs) / 1e9;
        const gflops = Object.fromEntries(
          Object.entries(ms).map(([k, v]) => [
            k,
            v === null ? null : Math.round((gflop / (v / 1000)) * 100) / 100,
          ]),
        );
        const best = ms[`concord-${pools.concordN.threads}-threads`]!;
        rows.push({
          layer: layer.name,
          kernel,
          gflop: Math.round(gflop * 1000) / 1000,
          ms: Object.fromEntries(
            Object.entries(ms).map(([k, v]) => [k, v === null ? null : Math.round(v * 10) / 10]),
          ),
          gflops,
          speedupOverTfjsCpu: ms['tfjs-cpu'] ? Math.round((ms['tfjs-cpu'] / best) * 10) / 10 : null,
          speedupOverTfjsWasm: ms['tfjs-wasm'] ? Math.round((ms['tfjs-wasm'] / best) * 10) / 10 : null,
          notes,
        });
      }
    }
  } finally {
    await pools.concord1.dispose();
    await pools.concordN.dispose();
  }
  return rows;
}

// Registers Concord's kernels with tfjs for the `cpu` and `wasm` backends, in place of tfjs's own:
//  - convolutions (Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter) on the WebAssembly SIMD
//    kernels of conv-engine.ts, plus ConcordConvBiasReluGrad for the fused op of fused-conv-op.ts;
//  - memory-bound layout kernels (max-pool 2x2 and its gradient, channel concat/split, bias sums) as
//    single loops (layout-kernels.ts);
//  - on wasm, Identity: tfjs's wasm kernel copies the tensor, and tfjs-core runs it for every tensor a
//    gradient saves (Engine.clone: ~100 copies of activations a U-Net step, 14% of its time); tensors are
//    immutable, so the copy shares the data instead, as tfjs's cpu backend and both backends' Reshape do.
// Why: tfjs's cpu kernels are scalar JavaScript (about a thousand times slower than PyTorch on the same
// CPU), and its wasm backend has no Conv2DBackpropFilter at all, so it cannot train a convolution.
// A case the kernels do not cover (dilation, NCHW, a PReLU epilogue, a strided input gradient whose stride
// is not its filter size, a reduction over other axes...) goes to the backend's original kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ConvGemmPool, type HostHeap } from './conv-gemm-pool';
import {
  backpropInputSupported,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
  type ConvGeometry,
} from './conv-engine';
import { convBiasReluBackward, fusedBackwardSupported } from './conv-bias-relu-backward';
import { CONV_BIAS_RELU_GRAD } from './fused-conv-op';
import { ADAM_UPDATE, adamUpdate, type AdamUpdateAttrs } from './adam-kernel';
import { geometryFromConvInfo } from './conv-geometry';
import { fastBinary, fastBinaryShape, type BinaryOp } from './elementwise-kernels';
import { concatChannels, maxPool2x2, maxPool2x2Grad, splitChannels, sumRows } from './layout-kernels';

export type FastKernelBackend = 'cpu' | 'wasm';
/** Convolution kernels, on both backends. */
export const CONV_KERNEL_NAMES = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  CONV_BIAS_RELU_GRAD,
] as const;
/** Memory-bound kernels (layout-kernels.ts): where the backend's own are slow. wasm keeps its XNNPACK
 *  MaxPool, which is fast. */
export const LAYOUT_KERNEL_NAMES: Record<FastKernelBackend, string[]> = {
  cpu: ['MaxPool', 'MaxPoolGrad', 'Concat', 'SplitV', 'Sum', 'Add', 'Sub', 'Multiply', 'RealDiv'],
  wasm: ['MaxPoolGrad', 'Concat', 'SplitV', 'Sum', 'Identity'],
};

/** How a kernel reads float32 tensors and makes outputs on one backend, without extra copies. A kernel
 *  makes all its outputs first and takes views after: on wasm, making an output may grow the heap and
 *  detach views taken before. */
interface BackendIO {
  read(backend: unknown, t: TensorInfo): Float32Array;
  make(backend: unknown, shape: number[]): TensorInfo;
}

interface CpuBackendLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  incRef(dataId: object): void;
}

const size = (shape: number[]): number => shape.reduce((a, s) => a * s, 1);

const IO: Record<FastKernelBackend, BackendIO> = {
  cpu: {
    read: (b, t) => (b as CpuBackendLike).data.get(t.dataId).values as Float32Array,
    make: (b, shape) => (b as CpuBackendLike).makeTensorInfo(shape, 'float32', new Float32Array(size(shape))),
  },
  wasm: {
    read: (b, t) => (b as WasmBackendLike).typedArrayFromHeap(t),
    make: (b, shape) => (b as WasmBackendLike).makeOutput(shape, 'float32'),
  },
};

interface Installed {
  pool: ConvGemmPool;
  sharedHeap: boolean;
  originals: Map<string, KernelConfig | undefined>;
  fallbacks: Map<string, number>;
}
const installed = new Map<FastKernelBackend, Installed>();

function float32(...ts: TensorInfo[]): boolean {
  return ts.every((t) => t.dtype === 'float32');
}

type Attrs = Record<string, unknown>;

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs): ConvGeometry | null {
  if (attrs['dataFormat'] === 'NCHW') return null;
  const dil = attrs['dilations'] ?? 1;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs['strides'] as number | [number, number],
    dil as number | [number, number],
    attrs['pad'] as 'same' | 'valid',
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
  );
  return geometryFromConvInfo(info);
}

function makeKernels(name: FastKernelBackend, state: Installed): KernelConfig[] {
  const io = IO[name];
  const { pool } = state;
  const fallback = (kernelName: string, args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const orig = state.originals.get(kernelName);
    if (!orig) throw new Error(`${kernelName} on ${name}: geometry not supported by Concord's kernels`);
    state.fallbacks.set(kernelName, (state.fallbacks.get(kernelName) ?? 0) + 1);
    return orig.kernelFunc(args);
  };
  const outShape = (g: ConvGeometry): number[] => [g.batch, g.outH, g.outW, g.outC];
  /** One output of `shape`, written by fill (which reads its inputs only then). */
  const output = (b: unknown, shape: number[], fill: (out: Float32Array) => void): TensorInfo => {
    const t = io.make(b, shape);
    fill(io.read(b, t));
    return t;
  };

  const conv2d: KernelFunc = (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const g = float32(x, filter) ? convInfo(x.shape, filter.shape, args.attrs as Attrs) : null;
    if (!g) return fallback('Conv2D', args);
    return output(args.backend, outShape(g), (out) =>
      conv2dForward(pool, g, io.read(args.backend, x), io.read(args.backend, filter), null, false, out),
    );
  };

  const fusedConv2d: KernelFunc = (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const attrs = args.attrs as Attrs;
    const act = attrs['activation'];
    const ok =
      x &&
      filter &&
      !preluActivationWeights &&
      (act === 'linear' || act === 'relu') &&
      float32(x, filter) &&
      (!bias || (bias.dtype === 'float32' && bias.shape.reduce((a, s) => a * s, 1) === filter.shape[3]));
    const g = ok ? convInfo(x.shape, filter.shape, attrs) : null;
    if (!g || !x || !filter) return fallback('FusedConv2D', args);
    return output(args.backend, outShape(g), (out) =>
      conv2dForward(
        pool,
        g,
        io.read(args.backend, x),
        io.read(args.backend, filter),
        bias ? io.read(args.backend, bias) : null,
        act === 'relu',
        out,
      ),
    );
  };

  const backpropInput: KernelFunc = (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as Attrs;
    const g = float32(dy, filter) ? convInfo(attrs['inputShape'] as number[], filter.shape, attrs) : null;
    if (!g || !backpropInputSupported(g)) return fallback('Conv2DBackpropInput', args);
    return output(args.backend, [g.batch, g.inH, g.inW, g.inC], (out) =>
      conv2dBackpropInput(pool, g, io.read(args.backend, dy), io.read(args.backend, filter), out),
    );
  };

  const backpropFilter: KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as Attrs;
    const g = float32(x, dy) ? convInfo(x.shape, attrs['filterShape'] as number[], attrs) : null;
    if (!g) return fallback('Conv2DBackpropFilter', args);
    return output(args.backend, [g.fh, g.fw, g.inC, g.outC], (out) =>
      conv2dBackpropFilter(pool, g, io.read(args.backend, x), io.read(args.backend, dy), out),
    );
  };

  // Gradients of relu(conv(x, w) + b) in one kernel (fused-conv-op.ts): outputs [dx, dw, db].
  const convBiasReluGrad: KernelFunc = (args) => {
    const { x, filter, y, dy } = args.inputs as Record<string, TensorInfo>;
    const g = x && filter && y && dy ? convInfo(x.shape, filter.shape, args.attrs as Attrs) : null;
    if (!g || !fusedBackwardSupported(g) || !float32(x!, filter!, y!, dy!))
      throw new Error(`${CONV_BIAS_RELU_GRAD}: only float32 NHWC stride-1 convolutions`);
    const b = args.backend;
    const dx = io.make(b, [g.batch, g.inH, g.inW, g.inC]);
    const dw = io.make(b, [g.fh, g.fw, g.inC, g.outC]);
    const db = io.make(b, [g.outC]);
    // Views are taken only now: on wasm, making the outputs may have moved the heap.
    // inputGradient false (fused-conv-op.ts, a network's first layer): dx is zeros, its convolution skipped.
    const inputGradient = (args.attrs as Attrs)['inputGradient'] !== false;
    convBiasReluBackward(
      pool,
      g,
      io.read(b, x!),
      io.read(b, filter!),
      io.read(b, y!),
      io.read(b, dy!),
      { dx: io.read(b, dx), dw: io.read(b, dw), db: io.read(b, db) },
      inputGradient,
    );
    return [dx, dw, db];
  };

  /** 2x2 stride-2 unpadded pooling of a float32 NHWC tensor, or null. */
  const pool2x2 = (x: TensorInfo, attrs: Attrs): boolean => {
    const two = (v: unknown): boolean => v === 2 || (Array.isArray(v) && v[0] === 2 && v[1] === 2);
    const pad = attrs['pad'];
    return (
      x.dtype === 'float32' &&
      x.shape.length === 4 &&
      two(attrs['filterSize']) &&
      two(attrs['strides']) &&
      (pad === 'valid' || pad === 0)
    );
  };
  const maxPool: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (!pool2x2(x, args.attrs as Attrs)) return fallback('MaxPool', args);
    const [B, H, W, C] = x.shape as [number, number, number, number];
    return output(args.backend, [B, Math.floor(H / 2), Math.floor(W / 2), C], (y) =>
      maxPool2x2(io.read(args.backend, x), B, H, W, C, y),
    );
  };
  const maxPoolGrad: KernelFunc = (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    if (!pool2x2(input, args.attrs as Attrs) || dy.dtype !== 'float32') return fallback('MaxPoolGrad', args);
    const [B, H, W, C] = input.shape as [number, number, number, number];
    return output(args.backend, input.shape, (dx) =>
      maxPool2x2Grad(pool, io.read(args.backend, input), io.read(args.backend, dy), B, H, W, C, dx),
    );
  };
  /** The last-axis form of a channel concat/split: [pixels, width] views, or null. */
  const lastAxis = (shape: number[], axis: unknown): boolean => {
    const a = Array.isArray(axis) ? axis[0] : axis;
    return typeof a === 'number' && shape.length >= 1 && (a === -1 || a === shape.length - 1);
  };
  const concat: KernelFunc = (args) => {
    const parts = Object.values(args.inputs) as TensorInfo[];
    const first = parts[0];
    const lead = (t: TensorInfo): string => t.shape.slice(0, -1).join(',');
    const ok =
      first &&
      parts.length >= 2 &&
      lastAxis(first.shape, (args.attrs as Attrs)['axis']) &&
      parts.every(
        (t) => t.dtype === 'float32' && t.shape.length === first.shape.length && lead(t) === lead(first),
      );
    if (!ok) return fallback('Concat', args);
    const widths = parts.map((t) => t.shape[t.shape.length - 1]!);
    const pixels = size(first.shape.slice(0, -1));
    const shape = [...first.shape.slice(0, -1), widths.reduce((a, b) => a + b, 0)];
    return output(args.backend, shape, (out) =>
      concatChannels(
        pool,
        parts.map((t) => io.read(args.backend, t)),
        widths,
        pixels,
        out,
      ),
    );
  };
  const splitV: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as Attrs;
    if (x.dtype !== 'float32' || !lastAxis(x.shape, attrs['axis'])) return fallback('SplitV', args);
    const axis = x.shape.length - 1;
    const widths = tf.backend_util.prepareSplitSize(
      x as tf.Tensor,
      attrs['numOrSizeSplits'] as number[],
      axis,
    );
    const outs = widths.map((w) => io.make(args.backend, [...x.shape.slice(0, -1), w]));
    splitChannels(
      pool,
      io.read(args.backend, x),
      widths,
      size(x.shape.slice(0, -1)),
      outs.map((t) => io.read(args.backend, t)),
    );
    return outs;
  };
  const sum: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as Attrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape).sort((a, b) => a - b);
    // Only "every axis but the last" (a bias gradient); any other reduction is the backend's.
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return fallback('Sum', args);
    const C = x.shape[rank - 1]!;
    const shape = attrs['keepDims'] ? [...Array(rank - 1).fill(1), C] : [C];
    return output(args.backend, shape, (out) =>
      sumRows(pool, io.read(args.backend, x), size(x.shape) / C, C, out),
    );
  };
  /** Float32 arithmetic with equal shapes, a single value or a last-axis vector (elementwise-kernels.ts). */
  const binary =
    (op: BinaryOp): KernelFunc =>
    (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const shape = a.dtype === 'float32' && b.dtype === 'float32' ? fastBinaryShape(a.shape, b.shape) : null;
      if (!shape) return fallback(op, args);
      return output(args.backend, shape, (out) =>
        fastBinary(op, io.read(args.backend, a), io.read(args.backend, b), out),
      );
    };
  /** A second reference to the same data (no copy); strings keep the backend's kernel. */
  const identity: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return fallback('Identity', args);
    (args.backend as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  const layout: Record<string, KernelFunc> = {
    Identity: identity,
    Add: binary('Add'),
    Sub: binary('Sub'),
    Multiply: binary('Multiply'),
    RealDiv: binary('RealDiv'),
    MaxPool: maxPool,
    MaxPoolGrad: maxPoolGrad,
    Concat: concat,
    SplitV: splitV,
    Sum: sum,
  };

  // Adam's update of one variable (adam-kernel.ts): outputs [w, m, v].
  const adam: KernelFunc = (args) => {
    const { w, m, v, g } = args.inputs as Record<string, TensorInfo>;
    if (!w || !m || !v || !g || !float32(w, m, v, g)) throw new Error(`${ADAM_UPDATE}: float32 w, m, v, g`);
    const b = args.backend;
    const outs = [w, m, v].map(() => io.make(b, w.shape));
    const [w2, m2, v2] = outs.map((t) => io.read(b, t)) as [Float32Array, Float32Array, Float32Array];
    const ins = { w: io.read(b, w), m: io.read(b, m), v: io.read(b, v), g: io.read(b, g) };
    adamUpdate(pool, ins, { w: w2, m: m2, v: v2 }, args.attrs as unknown as AdamUpdateAttrs);
    return outs;
  };

  return [
    ...LAYOUT_KERNEL_NAMES[name].map((k) => ({ kernelName: k, backendName: name, kernelFunc: layout[k]! })),
    { kernelName: ADAM_UPDATE, backendName: name, kernelFunc: adam },
    { kernelName: CONV_BIAS_RELU_GRAD, backendName: name, kernelFunc: convBiasReluGrad },
    { kernelName: 'Conv2D', backendName: name, kernelFunc: conv2d },
    { kernelName: 'FusedConv2D', backendName: name, kernelFunc: fusedConv2d },
    { kernelName: 'Conv2DBackpropInput', backendName: name, kernelFunc: backpropInput },
    { kernelName: 'Conv2DBackpropFilter', backendName: name, kernelFunc: backpropFilter },
  ];
}

export interface FastKernelsInfo {
  backend: FastKernelBackend;
  threads: number;
  kernels: string[];
  /** tfjs kernels the backend lacked before (e.g. Conv2DBackpropFilter on wasm). */
  supplied: string[];
  /** Whether the pool runs on the backend's heap (its tensors used in place, not copied). */
  sharedHeap: boolean;
}

/** Replaces the backend's convolution kernels with Concord's (idempotent). Starts the thread pool, on
 *  `host` (the wasm backend's shared heap) when given. */
export async function installFastKernels(
  backend: FastKernelBackend,
  threads?: number,
  host: HostHeap | null = null,
): Promise<FastKernelsInfo> {
  let state = installed.get(backend);
  if (!state) {
    const pool = await ConvGemmPool.create(threads, host);
    const st: Installed = { pool, originals: new Map(), fallbacks: new Map(), sharedHeap: host !== null };
    for (const config of makeKernels(backend, st)) {
      const orig = tf.getKernel(config.kernelName, backend);
      st.originals.set(config.kernelName, orig);
      if (orig) tf.unregisterKernel(config.kernelName, backend);
      tf.registerKernel(config);
    }
    installed.set(backend, st);
    state = st;
  }
  const names = [...state.originals.keys()];
  return {
    backend,
    threads: state.pool.threads,
    kernels: names,
    supplied: names.filter((k) => k !== CONV_BIAS_RELU_GRAD && k !== ADAM_UPDATE && !state.originals.get(k)),
    sharedHeap: state.sharedHeap,
  };
}

/** How often each kernel fell back to the backend's original since install. */
export function fastKernelFallbacks(backend: FastKernelBackend): Record<string, number> {
  return Object.fromEntries(installed.get(backend)?.fallbacks ?? []);
}

/** Restores the backend's original kernels and stops the thread pool. */
export async function uninstallFastKernels(backend: FastKernelBackend): Promise<void> {
  const state = installed.get(backend);
  if (!state) return;
  installed.delete(backend);
  for (const [k, orig] of state.originals) {
    tf.unregisterKernel(k, backend);
    if (orig) tf.registerKernel(orig);
  }
  await state.pool.dispose();
}

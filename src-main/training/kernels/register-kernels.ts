// Registers the WebAssembly SIMD convolution kernels (conv-engine.ts) with tfjs for the `cpu` and `wasm`
// backends, in place of tfjs's own Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter.
// Why: tfjs's cpu kernels are scalar JavaScript (about a thousand times slower than PyTorch on the same
// CPU), and the wasm backend has no Conv2DBackpropFilter at all, so it cannot train a convolution.
// A geometry the fast kernels do not cover (dilation, NCHW, a PReLU epilogue, a strided input gradient
// whose stride is not its filter size) goes to the backend's original kernel, where there is one.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ConvGemmPool } from './conv-gemm-pool';
import {
  backpropInputSupported,
  convBiasReluBackward,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
  fusedBackwardSupported,
  type ConvGeometry,
} from './conv-engine';
import { CONV_BIAS_RELU_GRAD } from './fused-conv-op';
import { geometryFromConvInfo } from './conv-geometry';

export type FastKernelBackend = 'cpu' | 'wasm';
export const FAST_KERNEL_NAMES = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  CONV_BIAS_RELU_GRAD,
] as const;

/** How a kernel reads float32 inputs and makes an output on one backend, without extra copies. */
interface BackendIO {
  read(backend: unknown, t: TensorInfo): Float32Array;
  /** Makes a float32 output of `shape` and lets `fill` write it (reads happen inside fill, after the
   *  output exists: on wasm, making an output may grow the heap and detach earlier views). */
  output(backend: unknown, shape: number[], fill: (out: Float32Array) => void): TensorInfo;
}

interface CpuBackendLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

const IO: Record<FastKernelBackend, BackendIO> = {
  cpu: {
    read: (b, t) => (b as CpuBackendLike).data.get(t.dataId).values as Float32Array,
    output: (b, shape, fill) => {
      const values = new Float32Array(shape.reduce((a, s) => a * s, 1));
      fill(values);
      return (b as CpuBackendLike).makeTensorInfo(shape, 'float32', values);
    },
  },
  wasm: {
    read: (b, t) => (b as WasmBackendLike).typedArrayFromHeap(t),
    output: (b, shape, fill) => {
      const out = (b as WasmBackendLike).makeOutput(shape, 'float32');
      fill((b as WasmBackendLike).typedArrayFromHeap(out));
      return out;
    },
  },
};

interface Installed {
  pool: ConvGemmPool;
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

  const conv2d: KernelFunc = (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const g = float32(x, filter) ? convInfo(x.shape, filter.shape, args.attrs as Attrs) : null;
    if (!g) return fallback('Conv2D', args);
    return io.output(args.backend, outShape(g), (out) =>
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
    return io.output(args.backend, outShape(g), (out) =>
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
    return io.output(args.backend, [g.batch, g.inH, g.inW, g.inC], (out) =>
      conv2dBackpropInput(pool, g, io.read(args.backend, dy), io.read(args.backend, filter), out),
    );
  };

  const backpropFilter: KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as Attrs;
    const g = float32(x, dy) ? convInfo(x.shape, attrs['filterShape'] as number[], attrs) : null;
    if (!g) return fallback('Conv2DBackpropFilter', args);
    return io.output(args.backend, [g.fh, g.fw, g.inC, g.outC], (out) =>
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
    const dx = io.output(b, [g.batch, g.inH, g.inW, g.inC], () => undefined);
    const dw = io.output(b, [g.fh, g.fw, g.inC, g.outC], () => undefined);
    const db = io.output(b, [g.outC], () => undefined);
    // Views are taken only now: on wasm, making the outputs may have moved the heap.
    convBiasReluBackward(pool, g, io.read(b, x!), io.read(b, filter!), io.read(b, y!), io.read(b, dy!), {
      dx: io.read(b, dx),
      dw: io.read(b, dw),
      db: io.read(b, db),
    });
    return [dx, dw, db];
  };

  return [
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
}

/** Replaces the backend's convolution kernels with Concord's (idempotent). Starts the thread pool. */
export async function installFastKernels(
  backend: FastKernelBackend,
  threads?: number,
): Promise<FastKernelsInfo> {
  let state = installed.get(backend);
  if (!state) {
    const pool = await ConvGemmPool.create(threads);
    state = { pool, originals: new Map(), fallbacks: new Map() };
    for (const k of FAST_KERNEL_NAMES) {
      const orig = tf.getKernel(k, backend);
      state.originals.set(k, orig);
      if (orig) tf.unregisterKernel(k, backend);
    }
    for (const config of makeKernels(backend, state)) tf.registerKernel(config);
    installed.set(backend, state);
  }
  return {
    backend,
    threads: state.pool.threads,
    kernels: [...FAST_KERNEL_NAMES],
    supplied: FAST_KERNEL_NAMES.filter((k) => k !== CONV_BIAS_RELU_GRAD && !state.originals.get(k)),
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
  for (const k of FAST_KERNEL_NAMES) {
    tf.unregisterKernel(k, backend);
    const orig = state.originals.get(k);
    if (orig) tf.registerKernel(orig);
  }
  await state.pool.dispose();
}

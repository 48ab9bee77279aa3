// A pool of threads running the conv-gemm WebAssembly module (wasm/conv_gemm.c) on one shared memory:
// the calling thread plus `threads - 1` worker_threads. A job is a range of output rows cut into chunks;
// every thread takes chunks from one atomic counter, so the work balances itself and the main thread is
// never idle. The memory is also a bump arena: each convolution call resets it, places its padded
// inputs, packed weights and outputs, runs, and copies its result out before the next call.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CONV_GEMM_WASM_BASE64 } from './wasm/conv-gemm-wasm';
import { CONV_GEMM_WORKER_SOURCE } from './conv-gemm-worker-source';

/** Indices into the control array shared with the workers (see conv-gemm-worker-source.ts). */
const LAYOUT = {
  GEN: 0,
  PENDING: 1,
  NEXT: 2,
  OP: 3,
  PARAMS: 4,
  ROWS: 5,
  CHUNKS: 6,
  DW_BASE: 7,
  DW_STRIDE: 8,
  ERROR: 9,
  OP_FWD: 1,
  OP_DW: 2,
  OP_QUIT: 99,
  /** Milliseconds a thread waits before it looks at the counters again (a lost wake-up costs this much). */
  WAIT_MS: 20,
} as const;

/** A job whose workers have not finished after this long is reported as stuck (ms of waiting). */
const STUCK_MS = 10 * 60_000;

const PAGE = 65536;
/** Bytes below the arena: thread i's 64 KiB stack ends at (i + 1) * 64 KiB (the module's own stack is
 *  the first, placed there by `--stack-first`). */
const STACKS_BYTES = 16 * PAGE;
const MAX_THREADS = 15;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit; only what is used is committed

interface Exports {
  conv_fwd(params: number, r0: number, r1: number): void;
  conv_dw(params: number, r0: number, r1: number, dw: number): void;
  sum_partials(dst: number, src: number, n: number, count: number, stride: number): void;
  relu_grad_pad(...args: number[]): void;
  max_pool_grad_2x2(x: number, dy: number, dx: number, B: number, H: number, W: number, C: number): void;
  copy_channels(...args: number[]): void;
}

let compiled: WebAssembly.Module | null = null;
function wasmModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(Buffer.from(CONV_GEMM_WASM_BASE64, 'base64'));
  return compiled;
}

export class ConvGemmPool {
  readonly threads: number;
  readonly memory: WebAssembly.Memory;
  private readonly ex: Exports;
  private readonly ctrl: Int32Array;
  private readonly workers: Worker[];
  private top = STACKS_BYTES;
  private disposed = false;

  private constructor(
    threads: number,
    memory: WebAssembly.Memory,
    ex: Exports,
    ctrl: Int32Array,
    workers: Worker[],
  ) {
    this.threads = threads;
    this.memory = memory;
    this.ex = ex;
    this.ctrl = ctrl;
    this.workers = workers;
  }

  /** Starts `threads - 1` workers (default: one per CPU the process may use) and waits until each has
   *  instantiated the module, so the first job never waits for a thread to boot. */
  static async create(threads = defaultThreads()): Promise<ConvGemmPool> {
    const n = Math.max(1, Math.min(MAX_THREADS, Math.floor(threads)));
    const memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
    const module = wasmModule();
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const ex = instance.exports as unknown as Exports;
    const ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 1; i < n; i++) {
      const w = new Worker(CONV_GEMM_WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctrlBuffer: ctrl.buffer, stackTop: (i + 1) * PAGE, layout: LAYOUT },
      });
      ready.push(
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
      );
      workers.push(w);
    }
    await Promise.all(ready);
    // A worker blocked in Atomics.wait must not keep the process alive once the caller is done.
    for (const w of workers) w.unref();
    return new ConvGemmPool(n, memory, ex, ctrl, workers);
  }

  /** Frees the arena (every pointer handed out before becomes invalid). */
  reset(): void {
    this.top = STACKS_BYTES;
  }

  /** Reserves `bytes` (64-byte aligned) in the arena, growing the shared memory when needed; returns the
   *  byte offset. Views on `memory.buffer` taken before a call to alloc may be stale: take them after. */
  alloc(bytes: number): number {
    const p = this.top;
    this.top = (p + bytes + 63) & ~63;
    const need = Math.ceil(this.top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) this.memory.grow(need);
    return p;
  }

  f32(offsetBytes: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offsetBytes, length);
  }

  i32(offsetBytes: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, offsetBytes, length);
  }

  /** Runs conv_fwd over rows [0, rows) of the parameter block at `params`, on all threads. */
  forward(params: number, rows: number): void {
    this.run(LAYOUT.OP_FWD, params, rows, Math.min(rows, 8 * this.threads), 0, 0);
  }

  /** Runs conv_dw over rows [0, rows) in `chunks` chunks, chunk i accumulating into the zeroed partial at
   *  dwBase + i * dwStride bytes. The chunking depends on the caller only, not on the thread count. */
  filterGrad(params: number, rows: number, chunks: number, dwBase: number, dwStride: number): void {
    this.run(LAYOUT.OP_DW, params, rows, chunks, dwBase, dwStride);
  }

  sumPartials(dst: number, src: number, n: number, count: number, strideFloats: number): void {
    this.ex.sum_partials(dst, src, n, count, strideFloats);
  }

  /** relu_grad_pad of conv_gemm.c on the calling thread (memory-bound: one pass, SIMD). Pointers are
   *  arena byte offsets; db receives C doubles. */
  reluGradPad(
    y: number,
    dy: number,
    shape: { B: number; H: number; W: number; C: number },
    g: number,
    pad: { Hg: number; Wg: number; N8: number; top: number; left: number },
    db: number,
    rowsum: number,
  ): void {
    const { B, H, W, C } = shape;
    this.ex.relu_grad_pad(y, dy, B, H, W, C, g, pad.Hg, pad.Wg, pad.N8, pad.top, pad.left, db, rowsum);
  }

  /** max_pool_grad_2x2 of conv_gemm.c on the calling thread; pointers are arena byte offsets. */
  maxPoolGrad2x2(x: number, dy: number, dx: number, B: number, H: number, W: number, C: number): void {
    this.ex.max_pool_grad_2x2(x, dy, dx, B, H, W, C);
  }

  /** copy_channels of conv_gemm.c: `width` channels of `pixels` pixels from src (row stride, channel
   *  offset) to dst; pointers are arena byte offsets, strides and offsets in floats. */
  copyChannels(
    dst: { at: number; stride: number; off: number },
    src: { at: number; stride: number; off: number },
    width: number,
    pixels: number,
  ): void {
    this.ex.copy_channels(dst.at, dst.stride, dst.off, src.at, src.stride, src.off, width, pixels);
  }

  private run(
    op: number,
    params: number,
    rows: number,
    chunks: number,
    dwBase: number,
    dwStride: number,
  ): void {
    if (this.disposed) throw new Error('conv-gemm pool used after dispose');
    if (rows <= 0) return;
    const c = this.ctrl;
    const L = LAYOUT;
    c[L.OP] = op;
    c[L.PARAMS] = params;
    c[L.ROWS] = rows;
    c[L.CHUNKS] = chunks;
    c[L.DW_BASE] = dwBase;
    c[L.DW_STRIDE] = dwStride;
    c[L.ERROR] = 0;
    Atomics.store(c, L.NEXT, 0);
    const nWorkers = this.workers.length;
    if (nWorkers > 0) {
      Atomics.store(c, L.PENDING, nWorkers);
      Atomics.add(c, L.GEN, 1);
      Atomics.notify(c, L.GEN);
    }
    let failure: unknown = null;
    try {
      for (;;) {
        const i = Atomics.add(c, L.NEXT, 1);
        if (i >= chunks) break;
        const r0 = Math.floor((i * rows) / chunks);
        const r1 = Math.floor(((i + 1) * rows) / chunks);
        if (op === L.OP_FWD) this.ex.conv_fwd(params, r0, r1);
        else this.ex.conv_dw(params, r0, r1, dwBase + i * dwStride);
      }
    } catch (e) {
      // Stop handing out chunks, but still wait: the workers must be idle before the arena is reused.
      Atomics.store(c, L.NEXT, chunks);
      failure = e;
    }
    let waited = 0;
    for (;;) {
      const pending = Atomics.load(c, L.PENDING);
      if (pending === 0 || nWorkers === 0) break;
      if (Atomics.wait(c, L.PENDING, pending, L.WAIT_MS) !== 'timed-out') continue;
      // Wake the workers again (a notify can be lost), and give up on a job that never ends.
      Atomics.notify(c, L.GEN);
      waited += L.WAIT_MS;
      if (waited > STUCK_MS)
        throw new Error(
          `conv-gemm pool: ${pending} worker(s) did not finish a job in ${STUCK_MS / 60_000} minutes`,
        );
    }
    if (failure) throw failure;
    if (c[L.ERROR]) throw new Error('conv-gemm worker failed (out-of-bounds access in the kernel?)');
  }

  /** Stops the workers. The pool cannot be used afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // Held again while they stop: awaiting only unref'd workers would let the process exit mid-await.
    for (const w of this.workers) w.ref();
    const c = this.ctrl;
    c[LAYOUT.OP] = LAYOUT.OP_QUIT;
    Atomics.add(c, LAYOUT.GEN, 1);
    Atomics.notify(c, LAYOUT.GEN);
    await Promise.all(this.workers.map((w) => new Promise((r) => w.once('exit', r))));
  }
}

/** One thread per CPU this process may use (cgroup- and affinity-aware where Node knows it). */
export function defaultThreads(): number {
  const env = Number(process.env['CONCORD_TRAIN_THREADS']);
  if (Number.isInteger(env) && env > 0) return env;
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

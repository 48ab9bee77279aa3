// A pool of threads running Concord's WebAssembly module (wasm/*.c) on one shared memory:
// the calling thread plus `threads - 1` worker_threads. A job is a range of output rows cut into chunks;
// every thread takes chunks from one atomic counter, so the work balances itself and the main thread is
// never idle. The memory is also a bump arena: each convolution call resets it, places its padded
// inputs, packed weights and outputs, runs, and copies its result out before the next call.
//
// Two kinds of memory. By default the pool owns its memory and the arena is a bump pointer above the
// threads' stacks. Given a host heap instead (tfjs's wasm backend whose heap was made shared, see
// ../backends/wasm-shared-heap.ts), the module runs on the backend's own memory: the stacks and the arena
// come from the host's malloc, and a tensor of the backend is read and written where it lies (offsetOf),
// so a convolution copies nothing but the padding.
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
  OP_PAD: 3,
  OP_COPY: 4,
  OP_RELU: 5,
  OP_POOL_GRAD: 6,
  OP_SUM: 7,
  OP_WINO: 8,
  OP_WINO_DW: 9,
  OP_WINO_FILTER: 10,
  OP_ADAM: 11,
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
  __stack_pointer: WebAssembly.Global;
  conv_fwd(params: number, r0: number, r1: number): void;
  conv_dw(params: number, r0: number, r1: number, dw: number): void;
  sum_partials(dst: number, src: number, n: number, count: number, stride: number): void;
  relu_grad_rows(params: number, r0: number, r1: number, db: number): void;
  pad_rows(params: number, r0: number, r1: number): void;
  copy_rows(params: number, p0: number, p1: number): void;
  max_pool_grad_rows(params: number, r0: number, r1: number): void;
  sum_rows(params: number, r0: number, r1: number, sum: number): void;
  wino_fwd(params: number, t0: number, t1: number, scratch: number): void;
  wino_dw(params: number, t0: number, t1: number, block: number): void;
  wino_dw_filter(du: number, C: number, N: number, dw: number, m: number): void;
  wino_filter(params: number, c0: number, c1: number): void;
  adam_update(params: number, q0: number, q1: number): void;
}

/** Below this many floats a copy runs on the calling thread alone: waking the workers costs more. */
const SERIAL_COPY_FLOATS = 1 << 16;

let compiled: WebAssembly.Module | null = null;
function wasmModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(Buffer.from(CONV_GEMM_WASM_BASE64, 'base64'));
  return compiled;
}

/** Another module's shared memory and its allocator, for the pool to run on (see the header). */
export interface HostHeap {
  memory: WebAssembly.Memory;
  /** Byte offset of a fresh block of at least `bytes`, or 0 when there is no room. */
  malloc(bytes: number): number;
  free(ptr: number): void;
}

export class ConvGemmPool {
  readonly threads: number;
  readonly memory: WebAssembly.Memory;
  private readonly ex: Exports;
  private readonly ctrl: Int32Array;
  private readonly workers: Worker[];
  private readonly host: HostHeap | null;
  /** Host mode: the stacks' block, and the arena's blocks since the last reset. */
  private readonly stacks: number;
  private blocks: number[] = [];
  /** Every buffer object seen for `memory` (growing a shared memory gives a new one; views on the old
   *  ones stay valid), so offsetOf knows a view taken before a growth. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top = STACKS_BYTES;
  private disposed = false;

  private constructor(
    threads: number,
    memory: WebAssembly.Memory,
    ex: Exports,
    ctrl: Int32Array,
    workers: Worker[],
    host: HostHeap | null,
    stacks: number,
  ) {
    this.threads = threads;
    this.memory = memory;
    this.ex = ex;
    this.ctrl = ctrl;
    this.workers = workers;
    this.host = host;
    this.stacks = stacks;
  }

  /** Starts `threads - 1` workers (default: one per CPU the process may use) and waits until each has
   *  instantiated the module, so the first job never waits for a thread to boot. With `host`, the pool
   *  runs on the host's memory and allocator (see the header). */
  static async create(threads = defaultThreads(), host: HostHeap | null = null): Promise<ConvGemmPool> {
    const n = Math.max(1, Math.min(MAX_THREADS, Math.floor(threads)));
    const memory = host?.memory ?? new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
    // Thread i's stack ends at stackTop(i): in the host's heap, or below the arena of the pool's own memory.
    let stacks = 0;
    if (host) {
      stacks = host.malloc(n * PAGE + 16);
      if (!stacks) throw new Error("conv-gemm pool: no room for the threads' stacks in the host heap");
    }
    const stackTop = (i: number): number => (host ? (stacks + 15) & ~15 : 0) + (i + 1) * PAGE;
    const module = wasmModule();
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const ex = instance.exports as unknown as Exports;
    if (host) ex.__stack_pointer.value = stackTop(0);
    const ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 1; i < n; i++) {
      const w = new Worker(CONV_GEMM_WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctrlBuffer: ctrl.buffer, stackTop: stackTop(i), layout: LAYOUT },
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
    return new ConvGemmPool(n, memory, ex, ctrl, workers, host, stacks);
  }

  /** Frees the arena (every pointer handed out before becomes invalid). */
  reset(): void {
    this.top = STACKS_BYTES;
    if (this.host) for (const p of this.blocks.splice(0)) this.host.free(p);
    this.buffers.add(this.memory.buffer);
  }

  /** The byte offset of `a` when it is a view of this pool's memory (a host tensor, in host mode), else
   *  null: then the caller copies it into the arena. */
  offsetOf(a: Float32Array): number | null {
    if (!this.host) return null;
    this.buffers.add(this.memory.buffer);
    return this.buffers.has(a.buffer) ? a.byteOffset : null;
  }

  /** Reserves `bytes` (64-byte aligned) in the arena, growing the shared memory when needed; returns the
   *  byte offset. Views on `memory.buffer` taken before a call to alloc may be stale: take them after. */
  alloc(bytes: number): number {
    if (this.host) {
      const block = this.host.malloc(bytes + 64);
      if (!block) throw new Error(`conv-gemm pool: no room for ${bytes} bytes in the host heap`);
      this.blocks.push(block);
      this.buffers.add(this.memory.buffer);
      return (block + 63) & ~63;
    }
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
    this.run(LAYOUT.OP_FWD, params, rows, Math.min(rows, 32 * this.threads), 0, 0);
  }

  /** Runs conv_dw over rows [0, rows) in `chunks` chunks, chunk i accumulating into the zeroed partial at
   *  dwBase + i * dwStride bytes. The chunking depends on the caller only, not on the thread count. */
  filterGrad(params: number, rows: number, chunks: number, dwBase: number, dwStride: number): void {
    this.run(LAYOUT.OP_DW, params, rows, chunks, dwBase, dwStride);
  }

  sumPartials(dst: number, src: number, n: number, count: number, strideFloats: number): void {
    this.ex.sum_partials(dst, src, n, count, strideFloats);
  }

  /** relu_grad_rows of conv_gemm.c over rows [0, rows) of the padded gradient, in `chunks` chunks (fixed
   *  by the caller, so the sums do not depend on the thread count), chunk i writing its bias-gradient
   *  partial (doubles) at dbBase + i * dbStride bytes. */
  reluGradRows(params: number, rows: number, chunks: number, dbBase: number, dbStride: number): void {
    this.run(LAYOUT.OP_RELU, params, rows, chunks, dbBase, dbStride);
  }

  /** pad_rows of conv_gemm.c over destination rows [0, rows), `floats` floats written in all. */
  padRows(params: number, rows: number, floats: number): void {
    this.run(LAYOUT.OP_PAD, params, rows, this.copyChunks(rows, floats), 0, 0);
  }

  /** copy_rows of conv_gemm.c over pixels [0, pixels), `floats` floats written in all. */
  copyRows(params: number, pixels: number, floats: number): void {
    this.run(LAYOUT.OP_COPY, params, pixels, this.copyChunks(pixels, floats), 0, 0);
  }

  /** copy_rows of conv_gemm.c: `width` channels of `pixels` pixels from src (row stride, channel offset)
   *  to dst, then zeros up to `fill` channels; pointers are arena byte offsets, strides and offsets in
   *  floats. On all threads when it is large. */
  copyChannels(
    dst: { at: number; stride: number; off: number },
    src: { at: number; stride: number; off: number },
    width: number,
    pixels: number,
    fill = width,
  ): void {
    // CopyParams of conv_gemm.c: dst, dstStride, dstOff, src, srcStride, srcOff, width, fill.
    const values = [dst.at, dst.stride, dst.off, src.at, src.stride, src.off, width, fill];
    const params = this.alloc(values.length * 4);
    this.i32(params, values.length).set(values);
    this.copyRows(params, pixels, pixels * fill);
  }

  /** max_pool_grad_rows of conv_gemm.c over output rows [0, rows), `floats` floats written in all. */
  maxPoolGradRows(params: number, rows: number, floats: number): void {
    this.run(LAYOUT.OP_POOL_GRAD, params, rows, this.copyChunks(rows, floats), 0, 0);
  }

  /** sum_rows of conv_gemm.c over rows [0, rows) in `chunks` chunks (fixed by the caller), chunk i
   *  writing its sums (doubles) at sumBase + i * sumStride bytes. */
  sumRows(params: number, rows: number, chunks: number, sumBase: number, sumStride: number): void {
    this.run(LAYOUT.OP_SUM, params, rows, chunks, sumBase, sumStride);
  }

  /** wino_fwd of winograd.c over tiles [0, tiles) in `chunks` chunks, chunk i using the scratch block at
   *  scratchBase + i * scratchStride bytes (conv-winograd.ts). */
  winograd(params: number, tiles: number, chunks: number, scratchBase: number, scratchStride: number): void {
    this.run(LAYOUT.OP_WINO, params, tiles, chunks, scratchBase, scratchStride);
  }

  /** wino_dw of winograd.c over tiles [0, tiles) in `chunks` chunks (fixed by the caller), chunk i
   *  writing its partial dU and using its scratch in the block at blockBase + i * blockStride bytes. */
  winogradDw(params: number, tiles: number, chunks: number, blockBase: number, blockStride: number): void {
    this.run(LAYOUT.OP_WINO_DW, params, tiles, chunks, blockBase, blockStride);
  }

  /** wino_filter of winograd.c over input channels [0, C), `floats` floats written in all. */
  winogradFilter(params: number, C: number, floats: number): void {
    this.run(LAYOUT.OP_WINO_FILTER, params, C, this.copyChunks(C, floats), 0, 0);
  }

  /** wino_dw_filter of winograd.c on the calling thread: dU [a^2][C][N] -> dW [9][C][N] for tiles of m. */
  winogradDwFilter(du: number, C: number, N: number, dw: number, m: number): void {
    this.ex.wino_dw_filter(du, C, N, dw, m);
  }

  /** adam_update of optimizer.c over the `n` elements of one tensor (in quads of 4), on all threads
   *  when it is large. */
  adamUpdate(params: number, n: number): void {
    const quads = Math.ceil(n / 4);
    this.run(LAYOUT.OP_ADAM, params, quads, this.copyChunks(quads, 7 * n), 0, 0);
  }

  /** Chunks for a memory-bound copy: one (the calling thread alone) when it is small. */
  private copyChunks(rows: number, floats: number): number {
    return floats < SERIAL_COPY_FLOATS ? 1 : Math.min(rows, 4 * this.threads);
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
    // One chunk: the calling thread does it, and the workers sleep on.
    const nWorkers = chunks > 1 ? this.workers.length : 0;
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
        this.chunk(op, params, r0, r1, dwBase + i * dwStride);
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

  private chunk(op: number, params: number, r0: number, r1: number, partial: number): void {
    const L = LAYOUT;
    if (op === L.OP_FWD) this.ex.conv_fwd(params, r0, r1);
    else if (op === L.OP_DW) this.ex.conv_dw(params, r0, r1, partial);
    else if (op === L.OP_PAD) this.ex.pad_rows(params, r0, r1);
    else if (op === L.OP_COPY) this.ex.copy_rows(params, r0, r1);
    else if (op === L.OP_RELU) this.ex.relu_grad_rows(params, r0, r1, partial);
    else if (op === L.OP_POOL_GRAD) this.ex.max_pool_grad_rows(params, r0, r1);
    else if (op === L.OP_SUM) this.ex.sum_rows(params, r0, r1, partial);
    else if (op === L.OP_WINO) this.ex.wino_fwd(params, r0, r1, partial);
    else if (op === L.OP_WINO_DW) this.ex.wino_dw(params, r0, r1, partial);
    else if (op === L.OP_WINO_FILTER) this.ex.wino_filter(params, r0, r1);
    else if (op === L.OP_ADAM) this.ex.adam_update(params, r0, r1);
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
    if (this.host) {
      this.reset();
      this.host.free(this.stacks);
    }
  }
}

/** One thread per CPU this process may use (cgroup- and affinity-aware where Node knows it). */
export function defaultThreads(): number {
  const env = Number(process.env['CONCORD_TRAIN_THREADS']);
  if (Number.isInteger(env) && env > 0) return env;
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

// Mask encoding and decoding (workspace/mask-codec.ts) off the main loop. A whole-mask save (a snapshot:
// imports, derived masks, and a stroke every so often, services/masks/mask-store.ts) encodes the whole mask
// (a 512x512x300 mask is 75 MiB of labels): 10-100 ms for a mask of a few nodules, seconds for a noisy one
// (stored raw + deflate). On the Electron main loop or the web host's event loop that stalls every
// other window's requests, so the app hosts run the codec in a small pool of worker threads.
//
// * MaskCodec is what the mask store uses; `inThreadCodec` runs on the calling thread (the CLI, which serves
//   no one else, and tests); MaskCodecPool runs in workers.
// * Small masks (under 2^20 voxels, ~1 ms) are encoded in-thread: a worker round trip would cost more.
// * Labels: a view on a SharedArrayBuffer is shared with the worker, not copied; an array the caller owns
//   (the store's cached heads) is moved there and back with `move`; others are copied into shared memory a
//   slice at a time (postMessage would copy them in one piece, holding the event loop). The
//   caller must not change the labels until the promise settles (the store serialises commits per
//   annotation, so it never does).
// * Decoded labels come back in a SharedArrayBuffer the worker allocated: no copy on the way back. A delta
//   revision is decoded as one request: its snapshot and the deltas after it (workspace/mask-codec-delta.ts),
//   all applied in the worker.
// * A stroke's delta (one patch) is encoded in-thread unless its box holds IN_THREAD_MAX_VOXELS or more.
// * A worker that dies fails its request and is replaced; close() terminates them all.
//
// Where the worker is: the build emits out/main/mask-codec-worker.js (an entry of electron.vite.config.ts),
// next to this module's bundle or one folder up. From source (vitest) there is none: tests bundle
// mask-codec-worker.ts with esbuild and pass its path; the hosts ask for the built one and fail loudly.
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UnsupportedError } from '../core/errors';
import type { Vec3 } from '../core/geometry/affine';
import type { MaskPatch } from '../core/labelling/patch';
import { encodeMaskCounted, MaskCodecError } from '../workspace/mask-codec';
import { decodeMaskChain, encodeMaskDelta } from '../workspace/mask-codec-delta';
import type { CodecRequest, CodecResponse } from './mask-codec-protocol';

export interface Encoded {
  bytes: Uint8Array;
  counts: Float64Array;
  /** The labels to use from now on: `labels` itself, or (after `move`) the same buffer handed back. */
  labels: Uint8Array;
}

/**
 * Thrown by encode/decode when they fail; with `move`, `labels` is the caller's array handed back, or null
 * when it was lost with a dead worker (the caller must then drop it).
 */
export class CodecFailure extends Error {
  constructor(
    override readonly cause: Error,
    readonly labels: Uint8Array | null,
  ) {
    super(cause.message);
    this.name = cause.name;
  }
}

export interface MaskCodec {
  /**
   * The stored form of `labels` (i fastest) and the voxel count of each label 0..255. `move`: the caller
   * owns `labels` and lets the codec move its buffer to a worker and back (no copy); `labels` is then
   * detached until the promise settles, and the caller continues with the returned `labels`.
   */
  encode(labels: Uint8Array, dims: Vec3, options?: { move?: boolean }): Promise<Encoded>;
  /**
   * The labels of a stored mask, checked against `dims`, with `deltas` (stored patches, oldest first)
   * applied over them; throws MaskCodecError when damaged.
   */
  decode(bytes: Uint8Array, dims: Vec3, deltas?: readonly Uint8Array[]): Promise<Uint8Array>;
  /** The stored form of one patch over a mask of `dims` (workspace/mask-codec-delta.ts). */
  encodeDelta(patch: MaskPatch, dims: Vec3): Promise<Uint8Array>;
  /** Releases threads, if any. */
  close?(): Promise<void>;
}

export const inThreadCodec: MaskCodec = {
  encode: (labels, dims) => Promise.resolve().then(() => ({ ...encodeMaskCounted(labels, dims), labels })),
  decode: (bytes, dims, deltas = []) => Promise.resolve().then(() => decodeMaskChain(bytes, deltas, dims)),
  encodeDelta: (patch, dims) => Promise.resolve().then(() => encodeMaskDelta(patch, dims)),
};

/** Bytes copied between two turns of the event loop by copyToShared (about a millisecond's work). */
const COPY_SLICE_BYTES = 4 * 2 ** 20;

/** A copy of `labels` in a SharedArrayBuffer, made COPY_SLICE_BYTES at a time, yielding in between. */
export async function copyToShared(labels: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(new SharedArrayBuffer(labels.length));
  for (let at = 0; at < labels.length; at += COPY_SLICE_BYTES) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    out.set(labels.subarray(at, Math.min(labels.length, at + COPY_SLICE_BYTES)), at);
  }
  return out;
}

/** Masks with fewer voxels than this are encoded and decoded on the calling thread. */
export const IN_THREAD_MAX_VOXELS = 2 ** 20;

const WORKER_NAME = 'mask-codec-worker.js';

/** The built worker script, or UnsupportedError saying how to get one. */
export function builtMaskCodecWorker(): string {
  for (const url of [
    new URL(`./${WORKER_NAME}`, import.meta.url),
    new URL(`../${WORKER_NAME}`, import.meta.url),
  ]) {
    if (url.protocol !== 'file:') continue;
    const file = fileURLToPath(url);
    if (fs.existsSync(file)) return file;
  }
  throw new UnsupportedError(
    `the mask codec worker is not built (no ${WORKER_NAME} next to ${fileURLToPath(import.meta.url)}); run npm run build`,
  );
}

interface Pending {
  request: CodecRequest;
  transfer: ArrayBuffer[];
  resolve(r: CodecResponse): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

function rebuild(error: { name: string; message: string }): Error {
  if (error.name === 'MaskCodecError') return new MaskCodecError(error.message);
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}

export class MaskCodecPool implements MaskCodec {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Requests answered by a worker (for tests and the bench: proof the work left the calling thread). */
  workerRequests = 0;

  constructor(
    private readonly workerFile: string,
    readonly size = Math.max(1, Math.min(2, os.availableParallelism() - 1)),
  ) {
    if (!fs.existsSync(workerFile)) throw new UnsupportedError(`no mask codec worker at ${workerFile}`);
  }

  /** A pool on the built worker (the app hosts). */
  static fromBuild(size?: number): MaskCodecPool {
    return new MaskCodecPool(builtMaskCodecWorker(), size);
  }

  encode(labels: Uint8Array, dims: Vec3, options: { move?: boolean } = {}): Promise<Encoded> {
    if (labels.length < IN_THREAD_MAX_VOXELS) return inThreadCodec.encode(labels, dims);
    const shared = labels.buffer instanceof SharedArrayBuffer;
    const whole = labels.byteOffset === 0 && labels.byteLength === labels.buffer.byteLength;
    const move = options.move === true && !shared && whole;
    // Neither shared nor movable (a caller's array): copy it into shared memory a slice at a time, so
    // that the copy does not hold the event loop either (postMessage would copy it in one go).
    const sending = shared || move ? Promise.resolve(labels) : copyToShared(labels);
    return sending
      .then((toSend) =>
        this.submit(
          { id: this.nextId++, op: 'encode', labels: toSend, dims, transferred: move },
          move ? [labels.buffer as ArrayBuffer] : [],
        ),
      )
      .then(
        (r) => {
          if (r.op !== 'encode') throw new Error(`mask codec worker answered ${r.op} to encode`);
          return { bytes: r.bytes, counts: r.counts, labels: move ? r.labels! : labels };
        },
        (e: unknown) => {
          const back = e instanceof CodecFailure ? e.labels : null;
          throw new CodecFailure(e instanceof CodecFailure ? e.cause : (e as Error), move ? back : labels);
        },
      );
  }

  decode(bytes: Uint8Array, dims: Vec3, deltas: readonly Uint8Array[] = []): Promise<Uint8Array> {
    if (dims[0] * dims[1] * dims[2] < IN_THREAD_MAX_VOXELS) return inThreadCodec.decode(bytes, dims, deltas);
    return this.submit({ id: this.nextId++, op: 'decode', bytes, deltas: [...deltas], dims }, []).then(
      (r) => {
        if (r.op !== 'decode') throw new Error(`mask codec worker answered ${r.op} to decode`);
        return r.labels;
      },
      (e: unknown) => {
        throw e instanceof CodecFailure ? e.cause : e;
      },
    );
  }

  encodeDelta(patch: MaskPatch, dims: Vec3): Promise<Uint8Array> {
    if (patch.data.length < IN_THREAD_MAX_VOXELS) return inThreadCodec.encodeDelta(patch, dims);
    return this.submit(
      { id: this.nextId++, op: 'encodeDelta', box: patch.box, data: patch.data, dims },
      [],
    ).then(
      (r) => {
        if (r.op !== 'encodeDelta') throw new Error(`mask codec worker answered ${r.op} to encodeDelta`);
        return r.bytes;
      },
      (e: unknown) => {
        throw e instanceof CodecFailure ? e.cause : e;
      },
    );
  }

  /** Terminates the workers; queued and running requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('the mask codec pool was closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private submit(request: CodecRequest, transfer: ArrayBuffer[]): Promise<CodecResponse> {
    if (this.closed) return Promise.reject(new Error('the mask codec pool was closed'));
    return new Promise<CodecResponse>((resolve, reject) => {
      this.queue.push({
        request,
        transfer,
        resolve: (r) =>
          r.op === 'failed' ? reject(new CodecFailure(rebuild(r.error), r.labels)) : resolve(r),
        reject: (e) => reject(new CodecFailure(e, null)),
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.busy === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.busy = job;
      // A worker with a request keeps the process alive until it answers; an idle one does not.
      slot.worker.ref();
      slot.worker.postMessage(job.request, job.transfer);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerFile);
    worker.unref();
    const slot: Slot = { worker, busy: null };
    worker.on('message', (r: CodecResponse) => {
      const job = slot.busy;
      slot.busy = null;
      worker.unref();
      if (job && job.request.id === r.id) {
        this.workerRequests++;
        job.resolve(r);
      }
      this.pump();
    });
    const fail = (e: Error) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      slot.busy?.reject(e);
      slot.busy = null;
      void worker.terminate();
      if (!this.closed) this.pump();
    };
    worker.on('error', (e) => fail(e));
    worker.on('exit', (code) => fail(new Error(`mask codec worker exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }
}

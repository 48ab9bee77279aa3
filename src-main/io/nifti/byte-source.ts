// Sequential byte sources over a file that may be gzip-compressed (decided by the gzip magic 1f 8b, not the
// extension). The reader asks for exact byte counts: the header, a skip to vox_offset, then the voxel block
// straight into its final buffer. Nothing ever inflates more than one chunk past what the header announced,
// so a gzip bomb costs one chunk of memory (GZIP_CHUNK_BYTES), never its decompressed size.

import type { FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CancelledError, InputError } from '../../core/errors';
import { openRegularFile } from '../regular-file';
import { resourceFailureOf } from '../resource-failure';
import { fileError } from './file-errors';

/** Output chunk of the inflater: large enough that per-chunk overhead vanishes, small enough to be noise. */
const GZIP_CHUNK_BYTES = 1 << 20;
/** Read size for uncompressed files (straight into the destination buffer). */
const RAW_CHUNK_BYTES = 16 << 20;

export type ProgressSink = (bytesDone: number) => void;

export interface ByteSource {
  readonly path: string;
  readonly compressed: boolean;
  /** File size in bytes when uncompressed (known before reading); undefined for gzip. */
  readonly size: number | undefined;
  /** Bytes of (decompressed) content consumed so far. */
  readonly position: number;
  /** The next n bytes, or InputError ("truncated ...") when the content ends first. */
  readExact(n: number, what: string): Promise<Uint8Array>;
  skip(n: number, what: string): Promise<void>;
  /** Fills `target` completely from the next bytes. */
  fill(target: Uint8Array, what: string, progress?: ProgressSink, signal?: AbortSignal): Promise<void>;
  /** Whether content remains after the position (gzip: inflates at most one more chunk to find out). */
  hasMore(): Promise<boolean>;
  close(): Promise<void>;
}

/** The content ended before the bytes asked for (a plain InputError to callers; the type lets them reword it). */
export class TruncatedError extends InputError {}

function truncated(path: string, what: string, got: number, wanted: number): InputError {
  return new TruncatedError(path, `file is truncated: expected ${wanted} bytes of ${what}, found ${got}`);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('NIfTI read');
}

/** Opens `path` for sequential reading; gzip content is inflated on the fly. */
export async function openByteSource(path: string): Promise<ByteSource> {
  let handle: FileHandle;
  try {
    // A FIFO, socket or device is refused before it is opened (an open of a FIFO would block).
    handle = await openRegularFile(path);
  } catch (e) {
    throw fileError(e, path);
  }
  try {
    const stat = await handle.stat();
    const magic = new Uint8Array(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    if (bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b) return new GzipSource(path, handle);
    return new RawSource(path, handle, stat.size);
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw fileError(e, path);
  }
}

class RawSource implements ByteSource {
  readonly compressed = false;
  position = 0;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async readExact(n: number, what: string): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    await this.fill(out, what);
    return out;
  }

  async skip(n: number, what: string): Promise<void> {
    if (this.position + n > this.size) throw truncated(this.path, what, this.size - this.position, n);
    this.position += n;
  }

  async fill(target: Uint8Array, what: string, progress?: ProgressSink, signal?: AbortSignal): Promise<void> {
    const n = target.length;
    let done = 0;
    while (done < n) {
      throwIfAborted(signal);
      const want = Math.min(RAW_CHUNK_BYTES, n - done);
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(target, done, want, this.position));
      } catch (e) {
        throw fileError(e, this.path);
      }
      if (bytesRead === 0) throw truncated(this.path, what, done, n);
      done += bytesRead;
      this.position += bytesRead;
      progress?.(done);
    }
  }

  async hasMore(): Promise<boolean> {
    return this.position < this.size;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

class GzipSource implements ByteSource {
  readonly compressed = true;
  readonly size = undefined;
  position = 0;
  private leftover: Uint8Array = new Uint8Array(0);
  private ended = false;
  private readonly gunzip: Readable;
  private readonly chunks: AsyncIterator<Buffer>;

  /** Reads from `handle` (the file already checked to be regular), which the stream closes. */
  constructor(
    readonly path: string,
    handle: FileHandle,
  ) {
    const file = handle.createReadStream({ start: 0, highWaterMark: GZIP_CHUNK_BYTES });
    const gunzip = createGunzip({ chunkSize: GZIP_CHUNK_BYTES });
    // pipeline forwards a read error of the file into the inflater, where next() reports it; the callback
    // only keeps a late error (after close) from going unhandled.
    pipeline(file, gunzip, () => undefined);
    this.gunzip = gunzip;
    this.chunks = this.gunzip[Symbol.asyncIterator]();
  }

  /** The next inflated chunk, or null at the end of the gzip data. */
  private async pull(): Promise<Uint8Array | null> {
    if (this.ended) return null;
    let r: IteratorResult<Buffer>;
    try {
      r = await this.chunks.next();
    } catch (e) {
      this.ended = true;
      throw gzipError(e, this.path);
    }
    if (r.done) {
      this.ended = true;
      return null;
    }
    return r.value;
  }

  async readExact(n: number, what: string): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    await this.fill(out, what);
    return out;
  }

  async skip(n: number, what: string): Promise<void> {
    let done = 0;
    while (done < n) {
      const chunk = this.leftover.length > 0 ? this.leftover : await this.pull();
      if (!chunk) throw truncated(this.path, what, done, n);
      const take = Math.min(chunk.length, n - done);
      this.leftover = chunk.subarray(take);
      done += take;
      this.position += take;
    }
  }

  async fill(target: Uint8Array, what: string, progress?: ProgressSink, signal?: AbortSignal): Promise<void> {
    const n = target.length;
    let done = 0;
    while (done < n) {
      throwIfAborted(signal);
      const chunk = this.leftover.length > 0 ? this.leftover : await this.pull();
      if (!chunk) throw truncated(this.path, what, done, n);
      const take = Math.min(chunk.length, n - done);
      target.set(take === chunk.length ? chunk : chunk.subarray(0, take), done);
      this.leftover = chunk.subarray(take);
      done += take;
      this.position += take;
      progress?.(done);
    }
  }

  async hasMore(): Promise<boolean> {
    while (this.leftover.length === 0) {
      const chunk = await this.pull();
      if (!chunk) return false;
      this.leftover = chunk;
    }
    return true;
  }

  async close(): Promise<void> {
    this.ended = true;
    this.leftover = new Uint8Array(0);
    this.gunzip.destroy();
  }
}

/** zlib / stream errors as InputError: corrupt or truncated gzip data, or the file error behind them. */
function gzipError(e: unknown, path: string): unknown {
  if (e instanceof InputError || e instanceof CancelledError) return e;
  // zlib out of memory (Z_MEM_ERROR) is no corruption: readNifti reports it as a resource failure.
  if (resourceFailureOf(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    const message = e instanceof Error ? e.message : String(e);
    if (code === 'Z_BUF_ERROR') return new InputError(path, `gzip data is truncated (${message})`);
    return new InputError(path, `gzip data is corrupt (${message})`);
  }
  return fileError(e, path);
}

// Writes a file so that it appears complete or not at all: the bytes go to a temporary file in the same
// folder (same file system, so rename is atomic), which is fsynced, closed and renamed over the target; the
// folder is then fsynced so the rename itself survives a power cut. On any failure or cancellation the
// temporary file is removed and the target is untouched.

import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CancelledError } from '../../core/errors';
import { fileError } from './file-errors';

export interface AtomicWriteOptions {
  /** Compress with gzip at this level (1..9); undefined writes the bytes as they are. */
  gzipLevel?: number;
  signal?: AbortSignal;
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/** fsync of the folder: makes the rename durable. Not supported everywhere (Windows); best effort. */
async function syncFolder(folder: string): Promise<void> {
  let dir: FileHandle | undefined;
  try {
    dir = await open(folder, 'r');
    await dir.sync();
  } catch {
    // Platforms that cannot open or fsync a folder: the rename is still atomic, only its durability is weaker.
  } finally {
    await dir?.close().catch(() => undefined);
  }
}

export async function atomicWrite(
  file: string,
  chunks: () => Iterable<Uint8Array>,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const folder = path.dirname(file);
  const temp = path.join(
    folder,
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx');
  } catch (e) {
    throw fileError(e, file);
  }
  let written = false;
  try {
    if (opts.gzipLevel === undefined) {
      for (const chunk of chunks()) {
        if (opts.signal?.aborted) throw new CancelledError('NIfTI write');
        await writeAll(handle, chunk);
      }
    } else {
      await pipeline(
        Readable.from(chunks()),
        createGzip({ level: opts.gzipLevel, chunkSize: 1 << 20 }),
        async (compressed: AsyncIterable<Buffer>) => {
          for await (const chunk of compressed) await writeAll(handle, chunk);
        },
        ...(opts.signal ? [{ signal: opts.signal }] : []),
      );
    }
    await handle.sync();
    written = true;
  } catch (e) {
    if (opts.signal?.aborted) throw new CancelledError('NIfTI write');
    throw fileError(e, file);
  } finally {
    await handle.close().catch(() => undefined);
    if (!written) await unlink(temp).catch(() => undefined);
  }
  try {
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw fileError(e, file);
  }
  await syncFolder(folder);
}

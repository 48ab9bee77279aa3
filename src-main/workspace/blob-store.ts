// Content-addressed files for voxel data: blobs/<sha[0..2]>/<sha256>. A blob is written to a temp file in
// the workspace's tmp/ folder (same file system), fsynced, renamed into place and the folder fsynced, so a
// crash leaves either no blob or a complete one, never a partial file under its final name.
// Blobs are immutable; writing bytes that already exist is a no-op.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ResourceError } from '../core/errors';

export interface StoredBlob {
  sha256: string;
  byteLength: number;
  /** True when identical bytes were already stored. */
  existed: boolean;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class BlobStore {
  constructor(
    readonly dir: string,
    readonly tmpDir: string,
  ) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  has(sha256: string, byteLength?: number): boolean {
    try {
      const st = fs.statSync(this.pathOf(sha256));
      return byteLength === undefined || st.size === byteLength;
    } catch {
      return false;
    }
  }

  /** Throws ResourceError when the workspace's disk cannot take `bytes` more and keep its reserve. */
  async assertSpace(bytes: number): Promise<void> {
    const st = await fsp.statfs(this.dir);
    const why = spaceProblem(bytes, Number(st.bavail) * Number(st.bsize));
    if (why) throw new ResourceError(why);
  }

  /**
   * Stores bytes under their sha256. The write to a temp file is issued first, so that hashing (and the
   * caller's `whileWriting` work, e.g. statistics) runs on this thread while the file system writes.
   * Identical bytes already stored are kept and the temp file dropped.
   */
  async put(bytes: Uint8Array, options: { whileWriting?: () => void } = {}): Promise<StoredBlob> {
    const byteLength = bytes.byteLength;
    await this.assertSpace(byteLength);
    const tmp = path.join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`);
    let handle: fsp.FileHandle | undefined;
    let sha256: string;
    try {
      handle = await fsp.open(tmp, 'wx', 0o600);
      const writing = writeAll(handle, bytes);
      // Do not leave a rejected promise unobserved while the hash runs.
      writing.catch(() => undefined);
      sha256 = sha256Hex(bytes);
      options.whileWriting?.();
      await writing;
      if (this.has(sha256, byteLength)) {
        // The caller is about to record a row referencing the existing file: make it young, so that
        // blob collection (blob-gc.ts), which only removes files older than its grace period, keeps it.
        const at = new Date();
        fs.utimesSync(this.pathOf(sha256), at, at);
        await handle.close();
        handle = undefined;
        await fsp.rm(tmp, { force: true });
        return { sha256, byteLength, existed: true };
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      const final = this.pathOf(sha256);
      // A new shard folder is itself an entry of blobs/: sync that too, or a power cut could lose the
      // folder (and the blob in it) although its row committed.
      const newShard = await fsp.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
      await fsp.rename(tmp, final);
      await syncDir(path.dirname(final));
      if (newShard !== undefined) await syncDir(this.dir);
    } catch (e) {
      await handle?.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') {
        throw new ResourceError(DISK_FULL);
      }
      throw e;
    }
    return { sha256, byteLength, existed: false };
  }

  /**
   * A blob whose bytes stream in (a bundle member): written to a temp file in tmp/ and hashed in the same
   * pass, so a large member is neither held in memory nor read twice. Nothing appears under blobs/ until
   * `commitStaged`, so a caller can check every piece of a larger whole before any of it is stored, and drop
   * them all (`discard`) when one fails. A process killed meanwhile leaves only a `.part` file in tmp/,
   * removed when the workspace next opens.
   */
  async stage(): Promise<StagedBlob> {
    const tmp = path.join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`);
    return new StagedBlob(tmp, await fsp.open(tmp, 'wx', 0o600));
  }

  /**
   * Moves staged blobs, all ended, under their names: each file fsynced (a few at a time), renamed into
   * place, then each folder that gained an entry fsynced once. Their names are the sha256 the staged
   * writer computed from the very bytes it wrote, so the store stays content-addressed. `progress` gets the
   * fraction of blobs placed.
   */
  async commitStaged(
    staged: StagedBlob[],
    progress: (fraction: number) => void = () => undefined,
  ): Promise<void> {
    const SYNCING = 8;
    let next = 0;
    let done = 0;
    const shards = new Set<string>();
    let newShard = false;
    const worker = async (): Promise<void> => {
      while (next < staged.length) {
        const s = staged[next++]!;
        const final = this.pathOf(s.sha256);
        if (this.has(s.sha256, s.size)) {
          // Stored meanwhile (another import): keep that file (it may be open), made young as put() does,
          // so that blob collection (blob-gc.ts, grace period) keeps it for the rows about to refer to it.
          const at = new Date();
          await fsp.utimes(final, at, at);
          await s.discard();
        } else {
          await s.sync();
          if ((await fsp.mkdir(path.dirname(final), { recursive: true, mode: 0o700 })) !== undefined)
            newShard = true;
          await fsp.rename(s.tmp, final);
          shards.add(path.dirname(final));
        }
        progress(++done / (staged.length || 1));
      }
    };
    await Promise.all(Array.from({ length: Math.min(SYNCING, staged.length) }, worker));
    await Promise.all([...shards].map(syncDir));
    if (newShard) await syncDir(this.dir);
  }

  /** Reads a whole blob and checks its sha256 (throws when the file was altered or damaged). */
  async read(sha256: string): Promise<Buffer> {
    const file = this.pathOf(sha256);
    const bytes = await fsp.readFile(file);
    if (sha256Hex(bytes) !== sha256) {
      throw new Error(`blob ${sha256} is damaged: its content no longer matches its checksum`);
    }
    return bytes;
  }

  /** Size in bytes, or throws when missing. */
  size(sha256: string): number {
    return fs.statSync(this.pathOf(sha256)).size;
  }
}

/**
 * One blob being written as its bytes arrive (BlobStore.stage): `write` each chunk in order (the hash runs
 * while the file system writes), then `end` for its sha256 and size; `discard` drops it at any point.
 */
export class StagedBlob {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private digest: string | null = null;
  private handle: fsp.FileHandle | undefined;

  constructor(
    readonly tmp: string,
    handle: fsp.FileHandle,
  ) {
    this.handle = handle;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.handle || this.digest !== null) throw new Error('write to a staged blob that has ended');
    const writing = writeAll(this.handle, chunk);
    writing.catch(() => undefined);
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    try {
      await writing;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new ResourceError(DISK_FULL);
      throw e;
    }
  }

  /** All bytes written: closes the file (not yet fsynced: commitStaged does that) and says what it holds. */
  async end(): Promise<{ sha256: string; bytes: number }> {
    if (this.digest === null) {
      this.digest = this.hash.digest('hex');
      const h = this.handle;
      this.handle = undefined;
      await h?.close();
    }
    return { sha256: this.digest, bytes: this.bytes };
  }

  get sha256(): string {
    if (this.digest === null) throw new Error('a staged blob has no name before it ends');
    return this.digest;
  }

  /** Bytes written so far (all of them once ended). */
  get size(): number {
    return this.bytes;
  }

  /** Flushes the ended file to disk (opened again for writing: Windows flushes only a writable handle). */
  async sync(): Promise<void> {
    const h = await fsp.open(this.tmp, 'r+');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  }

  async discard(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close().catch(() => undefined);
    await fsp.rm(this.tmp, { force: true });
  }
}

/** Writes all bytes, in pieces of at most 1 GiB (one write call takes under 2 GiB). */
async function writeAll(handle: fsp.FileHandle, bytes: Uint8Array): Promise<void> {
  const piece = 2 ** 30;
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, Math.min(bytes.byteLength - offset, piece));
    offset += bytesWritten;
  }
}

async function syncDir(dir: string): Promise<void> {
  const h = await fsp.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Disk space kept free on the workspace's disk for SQLite's journal and the database's own growth, so a
 *  full disk refuses a new file before it can stop a save of what is already there. */
export const DISK_RESERVE_BYTES = 64 * 2 ** 20;

/** What a write that hit a full disk says (the file was removed: nothing was written). */
export const DISK_FULL =
  'the disk holding the workspace is full: nothing was saved; free some space and try again';

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** Why `bytes` more do not fit with `free` bytes free (keeping the reserve), or null when they do. */
export function spaceProblem(bytes: number, free: number): string | null {
  if (bytes + DISK_RESERVE_BYTES <= free) return null;
  return `not enough disk space for the workspace: this needs ${mib(bytes)} plus the ${mib(DISK_RESERVE_BYTES)} Concord keeps free for the database, and ${mib(free)} are free; nothing was saved, free some space and try again`;
}

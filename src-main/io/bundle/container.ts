// The bundle file: an uncompressed tar (POSIX ustar, tar-stream) holding, in this order,
//   manifest.json   the manifest (manifest.ts), canonical JSON
//   manifest.sig    the exporting workspace's Ed25519 signature of manifest.json's bytes (64 bytes)
//   blobs/<sha256>  one member per blob the manifest lists, named by the sha256 of its bytes
// Nothing else: a reader refuses any other entry, a member listed twice, one the manifest does not list or
// whose bytes do not hash to its name. Tar because any machine can list and unpack it (tar -tvf) and it
// streams: neither end ever holds the whole bundle in memory. Masks inside are already deflated by the
// mask codec; voxel data is stored raw, as in the workspace.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InputError } from '../../core/errors';
import { MANIFEST_NAME, MAX_MANIFEST_BYTES, SIGNATURE_NAME } from './manifest';

/** Bytes per read: large reads keep the per-chunk cost of the tar streams small on images of 100+ MiB. */
const READ_CHUNK = 4 * 2 ** 20;
/** Members up to this size (bytes) are read whole when writing a bundle. */
const SMALL_MEMBER = 2 ** 20;

export interface MemberSource {
  name: string;
  /** The file holding the member's bytes (a workspace blob). */
  file: string;
  bytes: number;
}

/**
 * Writes a bundle to `out` (through `out.part`, renamed when complete, so a killed export leaves no bundle
 * that looks whole). `progress` gets the fraction of member bytes written.
 */
export async function writeBundle(
  out: string,
  manifest: Uint8Array,
  signature: Uint8Array,
  members: MemberSource[],
  progress: (fraction: number) => void = () => undefined,
): Promise<number> {
  const part = `${out}.part`;
  const pack = tar.pack();
  const sink = fs.createWriteStream(part, { mode: 0o600 });
  const written = pipeline(pack, sink);
  written.catch(() => undefined);
  try {
    const mtime = new Date(0);
    const small = (name: string, bytes: Uint8Array) =>
      new Promise<void>((resolve, reject) =>
        pack.entry({ name, size: bytes.byteLength, mtime, mode: 0o600 }, Buffer.from(bytes), (e) =>
          e ? reject(e) : resolve(),
        ),
      );
    await small(MANIFEST_NAME, manifest);
    await small(SIGNATURE_NAME, signature);
    const total = members.reduce((n, m) => n + m.bytes, 0) || 1;
    let done = 0;
    for (const m of members) {
      if (m.bytes <= SMALL_MEMBER) {
        // Most members are masks of a few KiB: one read each, not a read stream (whose set-up costs more
        // than the bytes, hundreds of times over in a history).
        const data = await fsp.readFile(m.file);
        if (data.length !== m.bytes)
          throw new Error(`${m.file} holds ${data.length} bytes, not the ${m.bytes} its row says`);
        await small(m.name, data);
        done += m.bytes;
        progress(done / total);
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name: m.name, size: m.bytes, mtime, mode: 0o600 }, (e) =>
          e ? reject(e) : resolve(),
        );
        pipeline(fs.createReadStream(m.file, { highWaterMark: READ_CHUNK }), entry).catch(reject);
      });
      done += m.bytes;
      progress(done / total);
    }
    pack.finalize();
    await written;
    await fsp.rename(part, out);
  } catch (e) {
    pack.destroy();
    await written.catch(() => undefined);
    await fsp.rm(part, { force: true });
    throw e;
  }
  return (await fsp.stat(out)).size;
}

async function readAll(stream: Readable, limit: number, file: string, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) throw new InputError(file, `not a valid Concord bundle: ${what} is too large`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export interface BundleHead {
  manifest: Buffer;
  signature: Buffer;
}

/** What the head says the bundle holds: member name -> its sha256 (hex) and size in bytes. */
export type ExpectedMembers = Map<string, { sha256: string; bytes: number }>;

/**
 * Where a member's bytes go as they stream, hashed in the same pass (a staged workspace blob, or only a
 * hash): `write` each chunk in order, then `end` for the sha256 and size of what was written.
 */
export interface MemberSink {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<{ sha256: string; bytes: number }>;
}

/** A sink that keeps nothing: hashes only. */
function hashOnly(): MemberSink {
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    write: (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
      return Promise.resolve();
    },
    end: () => Promise.resolve({ sha256: hash.digest('hex'), bytes }),
  };
}

/**
 * Reads a bundle's entries in order, in one pass: the manifest and its signature, handed to `onHead` (which
 * checks them and says which members it expects), then every member, streamed into the sink `sinkFor(name)`
 * gives (else only hashed) and checked against what `onHead` expected once it has all been read. Throws
 * InputError on anything out of place; errors thrown by `onHead` or a sink pass through unchanged. The
 * caller owns the sinks: when this throws, what they wrote is the caller's to drop.
 */
export async function readBundle(
  file: string,
  onHead: (head: BundleHead) => ExpectedMembers | Promise<ExpectedMembers>,
  sinkFor: (name: string) => MemberSink | null | Promise<MemberSink | null> = () => null,
  progress: (fraction: number) => void = () => undefined,
): Promise<void> {
  let size: number;
  try {
    size = (await fsp.stat(file)).size;
  } catch {
    throw new InputError(file, 'the bundle file cannot be read');
  }
  const extract = tar.extract();
  const source = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
  let read = 0;
  source.on('data', (d: Buffer | string) => {
    read += d.length;
    progress(Math.min(1, read / (size || 1)));
  });
  const feeding = pipeline(source, extract);
  feeding.catch(() => undefined);
  // Errors of the caller's callbacks (a refused signer, a full disk) are not the bundle's fault.
  const theirs = new WeakSet<object>();
  const call = async <T>(f: () => T | Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof Object) theirs.add(e);
      throw e;
    }
  };
  let manifest: Buffer | null = null;
  let expected: ExpectedMembers | null = null;
  const seen = new Set<string>();
  let index = 0;
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (type !== 'file')
        throw new InputError(file, `not a valid Concord bundle: '${name}' is not a plain file`);
      if (index === 0) {
        if (name !== MANIFEST_NAME)
          throw new InputError(file, 'not a Concord bundle: it does not start with a manifest');
        manifest = await readAll(entry, MAX_MANIFEST_BYTES, file, 'the manifest');
      } else if (index === 1) {
        if (name !== SIGNATURE_NAME)
          throw new InputError(file, 'the bundle is not signed (no manifest.sig after the manifest)');
        const signature = await readAll(entry, 1024, file, 'the signature');
        const head = { manifest: manifest!, signature };
        expected = await call(() => onHead(head));
      } else {
        const want = expected!.get(name);
        if (!want)
          throw new InputError(file, `the bundle holds '${name}', which its signed manifest does not list`);
        if (seen.has(name)) throw new InputError(file, `the bundle holds '${name}' twice`);
        seen.add(name);
        const sink = (await call(() => sinkFor(name))) ?? hashOnly();
        let n = 0;
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          // A member longer than its manifest says fails here, before the rest of it is written anywhere.
          if ((n += chunk.length) > want.bytes) break;
          await call(() => sink.write(chunk));
        }
        const got = await call(() => sink.end());
        if (n !== want.bytes || got.bytes !== want.bytes || got.sha256 !== want.sha256)
          throw new InputError(
            file,
            `'${name}' does not match its checksum in the signed manifest: the bundle was altered or damaged`,
          );
      }
      index++;
    }
    await feeding;
  } catch (e) {
    source.destroy();
    extract.destroy();
    if (e instanceof InputError || (e instanceof Object && theirs.has(e))) throw e;
    throw new InputError(file, `not a readable Concord bundle (${(e as Error).message})`);
  }
  if (index < 2)
    throw new InputError(
      file,
      index === 0 ? 'not a Concord bundle: it is empty' : 'the bundle is not signed',
    );
  for (const name of expected!.keys()) {
    if (!seen.has(name))
      throw new InputError(file, `the bundle lacks '${name}', which its signed manifest lists`);
  }
}

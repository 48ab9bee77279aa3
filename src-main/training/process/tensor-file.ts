// One binary container for everything the trainer reads and writes: checkpoints, model weights and the
// training data set. Layout (little-endian):
//   bytes 0..7   magic "CNCDTNS1"
//   bytes 8..11  uint32 length L of the JSON header (UTF-8)
//   bytes 12..   the header: { meta: <any JSON>, tensors: [{ name, dtype, shape, offset, length }] }
//   then, from the first multiple of 8 after the header, each tensor's bytes at `offset` (relative to
//   that data start), `length` bytes, float32 or uint8, row-major in `shape` order.
// Written to a temporary file, fsynced and renamed into place, so a reader never sees half a file.
import fs from 'node:fs';
import path from 'node:path';

const MAGIC = 'CNCDTNS1';

export type TensorData = Float32Array | Uint8Array;

export interface NamedTensor {
  name: string;
  shape: number[];
  values: TensorData;
}

interface Entry {
  name: string;
  dtype: 'float32' | 'uint8';
  shape: number[];
  offset: number;
  length: number;
}

export function encodeTensorFile(meta: unknown, tensors: NamedTensor[]): Buffer {
  let offset = 0;
  const entries: Entry[] = tensors.map((t) => {
    const e: Entry = {
      name: t.name,
      dtype: t.values instanceof Float32Array ? 'float32' : 'uint8',
      shape: t.shape,
      offset,
      length: t.values.byteLength,
    };
    offset += Math.ceil(t.values.byteLength / 8) * 8;
    return e;
  });
  const header = Buffer.from(JSON.stringify({ meta, tensors: entries }), 'utf8');
  const dataStart = Math.ceil((12 + header.length) / 8) * 8;
  const out = Buffer.alloc(dataStart + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  tensors.forEach((t, i) => {
    const src = Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    src.copy(out, dataStart + entries[i]!.offset);
  });
  return out;
}

/** Parses a container; throws Error with a one-line reason when it is not one or is truncated. */
export function decodeTensorFile<M = unknown>(bytes: Uint8Array): { meta: M; tensors: NamedTensor[] } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a Concord tensor file');
  const len = buf.readUInt32LE(8);
  if (12 + len > buf.length) throw new Error('tensor file truncated (header)');
  let header: { meta: M; tensors: Entry[] };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + len)) as { meta: M; tensors: Entry[] };
  } catch {
    throw new Error('tensor file header is not JSON');
  }
  const dataStart = Math.ceil((12 + len) / 8) * 8;
  const tensors = header.tensors.map((e) => {
    const start = dataStart + e.offset;
    if (start + e.length > buf.length) throw new Error(`tensor file truncated (tensor ${e.name})`);
    const n = e.shape.reduce((a, b) => a * b, 1);
    const size = e.dtype === 'float32' ? 4 : 1;
    if (n * size !== e.length) throw new Error(`tensor ${e.name}: shape ${e.shape.join('x')} does not fit`);
    // Copy into a fresh, aligned buffer (the file's may be pooled or unaligned).
    const copy = new Uint8Array(e.length);
    copy.set(buf.subarray(start, start + e.length));
    const values = e.dtype === 'float32' ? new Float32Array(copy.buffer) : copy;
    return { name: e.name, shape: e.shape, values };
  });
  return { meta: header.meta, tensors };
}

/** Writes bytes to `file` atomically: a temporary file beside it, fsynced, then renamed over it. */
export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.byteLength) off += fs.writeSync(fd, bytes, off, bytes.byteLength - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  // The rename itself is durable once the folder is synced.
  try {
    const dfd = fs.openSync(path.dirname(file), 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch {
    // some file systems do not sync folders; the rename is still atomic
  }
}

export function readTensorFile<M = unknown>(file: string): { meta: M; tensors: NamedTensor[] } {
  return decodeTensorFile<M>(fs.readFileSync(file));
}

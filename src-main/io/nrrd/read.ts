// readNrrd: an NRRD image (.nrrd with the data inline, or .nhdr + a detached data file), raw, gzip or ascii,
// either byte order, as Concord's ImageVolume (index i fastest, LPS mm; geometry.ts says which spaces).
// readNrrdSamples: the same checks, every sample of every axis (a Slicer segmentation's layers too), for the
// mask import.
//
// Order, as in the NIfTI reader: header (within 1 MiB) -> sizes and type checked -> voxel limit and
// allocation check -> data file located (inside the header's folder) -> payload read or inflated into one
// buffer (bounded by the size the header announces) -> byte swap in place -> typed view. Bad input is one
// InputError line naming the file; nothing is returned half read.
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { CancelledError, InputError } from '../../core/errors';
import { BYTES_PER_SCALAR, voxelView, type ImageVolume, type VoxelArray } from '../../core/volume/types';
import { assertAllocatable, assertVoxelLimit, maxVoxelsOf } from '../limits';
import { fileError } from '../nifti/file-errors';
import { HOST_LITTLE_ENDIAN, swapBytesInPlace } from '../nifti/voxels';
import type { ReadOptions } from '../read-options';
import { nrrdGeometry, spatialAxes } from './geometry';
import { MAX_HEADER_BYTES, parseNrrdHeader, type NrrdHeader } from './header';

const gunzip = promisify(zlib.gunzip);

export interface NrrdSamples {
  header: NrrdHeader;
  /** Every sample, axis 0 fastest (for an image: i + j*nx + k*nx*ny). */
  data: VoxelArray;
  /** The header file, and the detached data file when there is one. */
  files: string[];
}

async function readRange(file: string, start: number, length: number | undefined): Promise<Buffer> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    throw fileError(e, file);
  }
  try {
    const size = (await handle.stat()).size;
    const n = Math.max(0, length === undefined ? size - start : Math.min(length, size - start));
    const buf = Buffer.alloc(n);
    let done = 0;
    while (done < n) {
      const { bytesRead } = await handle.read(buf, done, n - done, start + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buf.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/** The detached data file, which must lie inside the header's folder (no '..', no link leading out). */
async function locateDataFile(headerFile: string, name: string): Promise<string> {
  const folder = path.dirname(headerFile);
  const target = path.resolve(folder, name);
  const outside = (p: string, root: string) => {
    const rel = path.relative(root, p);
    return rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  };
  if (outside(target, folder)) {
    throw new InputError(
      headerFile,
      `the data file '${name}' lies outside the header's folder; Concord reads data files beside their header only`,
    );
  }
  let real: string;
  try {
    real = await fs.realpath(target);
  } catch (e) {
    throw fileError(e, target);
  }
  if (outside(real, await fs.realpath(folder))) {
    throw new InputError(
      headerFile,
      `the data file '${name}' leads outside the header's folder (a link); Concord reads data files beside their header only`,
    );
  }
  return real;
}

/** Offset of the byte after `lines` newlines from `start` (line skip of a detached raw file). */
async function skipLines(file: string, lines: number): Promise<number> {
  if (lines === 0) return 0;
  const head = await readRange(file, 0, MAX_HEADER_BYTES);
  let seen = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 10 && ++seen === lines) return i + 1;
  throw new InputError(
    file,
    `line skip ${lines}: the data file has fewer lines in its first ${MAX_HEADER_BYTES} bytes`,
  );
}

function truncated(file: string, expected: number, found: number): InputError {
  return new InputError(
    file,
    `truncated: the header announces ${expected} bytes of samples, the data hold ${found}`,
  );
}

async function payload(file: string, dataFile: string, h: NrrdHeader, expected: number): Promise<Buffer> {
  // Where the data begin: after the header (inline) or after `line skip` lines of the data file. A byte skip
  // counts raw bytes from there, or, for gzip, bytes of the inflated data (the NRRD format's rule).
  const dataStart = dataFile === file ? h.headerBytes : await skipLines(dataFile, h.lineSkip);
  if (h.encoding === 'raw') {
    const start = dataStart + Math.max(0, h.byteSkip);
    if (h.byteSkip === -1) {
      // The samples are the last `expected` bytes of the file.
      const size = (await fs.stat(dataFile)).size;
      if (size - dataStart < expected) throw truncated(dataFile, expected, Math.max(0, size - dataStart));
      return readRange(dataFile, size - expected, expected);
    }
    const bytes = await readRange(dataFile, start, expected);
    if (bytes.length < expected) throw truncated(dataFile, expected, bytes.length);
    return bytes;
  }
  const compressedOrText = await readRange(dataFile, dataStart, undefined);
  if (h.encoding === 'ascii') return asciiSamples(dataFile, compressedOrText, h, expected);
  let inflated: Buffer;
  try {
    // Bounded by what the header announces (plus its byte skip): a gzip bomb stops there.
    inflated = await gunzip(compressedOrText, {
      maxOutputLength: Math.max(1, expected + Math.max(0, h.byteSkip)),
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputError(
        dataFile,
        `the gzip data hold more than the ${expected} bytes of samples the header announces`,
      );
    }
    if (code === 'Z_BUF_ERROR') throw new InputError(dataFile, 'truncated: the gzip data end early');
    throw new InputError(dataFile, `corrupt gzip data (${(e as Error).message})`);
  }
  const samples = inflated.subarray(Math.max(0, h.byteSkip));
  if (samples.length < expected) throw truncated(dataFile, expected, samples.length);
  return samples.subarray(0, expected);
}

/** ascii encoding: whitespace-separated numbers, as many as the sizes say, into host-order bytes. */
function asciiSamples(file: string, text: Buffer, h: NrrdHeader, expected: number): Buffer {
  const count = expected / BYTES_PER_SCALAR[h.scalarType];
  const words = text
    .toString('latin1')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length < count)
    throw new InputError(
      file,
      `truncated: the header announces ${count} samples, the text holds ${words.length}`,
    );
  const out = voxelView(h.scalarType, new ArrayBuffer(expected), 0, count);
  for (let i = 0; i < count; i++) {
    const v = Number(words[i]);
    if (!Number.isFinite(v) && !/nan|inf/i.test(words[i]!))
      throw new InputError(file, `sample ${i} ('${words[i]}') is not a number`);
    out[i] = v;
  }
  // Already in host order: mark it so the caller does not swap.
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export async function readNrrdSamples(file: string, opts: ReadOptions = {}): Promise<NrrdSamples> {
  const throwIfAborted = () => {
    if (opts.signal?.aborted) throw new CancelledError('NRRD read');
  };
  throwIfAborted();
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (e) {
    throw fileError(e, file);
  }
  const head = await readRange(file, 0, MAX_HEADER_BYTES);
  const h = parseNrrdHeader(file, head, size <= MAX_HEADER_BYTES);
  assertVoxelLimit(file, h.sizes, maxVoxelsOf(opts));
  const count = h.sizes.reduce((a, b) => a * b, 1);
  const bytesPer = BYTES_PER_SCALAR[h.scalarType];
  const expected = count * bytesPer;
  assertAllocatable(expected, file);
  const dataFile = h.dataFile === undefined ? file : await locateDataFile(file, h.dataFile);
  if (h.dataFile === undefined && h.headerBytes >= size) {
    throw new InputError(file, 'truncated: the header names no data file and no data follow it');
  }
  throwIfAborted();
  const bytes = await payload(file, dataFile, h, expected);
  opts.onProgress?.(0.8, path.basename(file));
  throwIfAborted();
  // One aligned buffer of exactly the samples, in host byte order.
  const buffer = new ArrayBuffer(expected);
  const view = new Uint8Array(buffer);
  view.set(bytes);
  if (h.encoding !== 'ascii' && h.littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(view, bytesPer);
  opts.onProgress?.(1, path.basename(file));
  return {
    header: h,
    data: voxelView(h.scalarType, buffer, 0, count),
    files: dataFile === file ? [file] : [file, dataFile],
  };
}

/** An NRRD image: 2D or 3D, one scalar per voxel (a list/vector axis is refused with the reason). */
export async function readNrrd(file: string, opts: ReadOptions = {}): Promise<ImageVolume> {
  const s = await readNrrdSamples(file, opts);
  const axes = spatialAxes(s.header);
  const extra = s.header.sizes.length - axes.length;
  if (extra > 0) {
    const a = s.header.sizes.findIndex((_, i) => !axes.includes(i));
    throw new InputError(
      file,
      `axis ${a} (${s.header.kinds[a] ?? 'no kind'}, ${s.header.sizes[a]} samples) is not spatial: Concord reads one scalar per voxel` +
        (s.header.keys['Segmentation_MasterRepresentation']
          ? '; a segmentation is imported with concord masks import'
          : ''),
    );
  }
  const geometry = nrrdGeometry(file, s.header, axes);
  return {
    geometry,
    scalarType: s.header.scalarType,
    data: s.data,
    frames: 1,
    rescale: { slope: 1, intercept: 0 },
    source: { format: 'nrrd', files: s.files, description: path.basename(file) },
  };
}

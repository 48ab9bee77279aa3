// Reads a greyscale PNG as a single-slice volume.
//
// Layout: dims [width, height, 1]; i = column (left to right), j = row (top to bottom), k = 0; voxel (i, j) at
// data[i + j*width]. PNG has no physical geometry: spacing 1 mm, origin 0, affineLPS = identity (i along +x,
// j along +y, k along +z of LPS), so a PNG shows the right way up in an axial view.
//
// Values are the stored samples, not rescaled: 1/2/4/8-bit greyscale -> uint8 (a 1-bit mask stays 0/1),
// 16-bit -> uint16. Alpha is dropped. RGB(A) and palette images are accepted only when every pixel is grey
// (R = G = B), and then give that grey level (for palette images: the palette colour's level, not the index);
// true colour is refused. Transparency chunks (tRNS) are ignored: they never change a value.
//
// The IHDR chunk is read first and its width x height checked against the voxel limit (io/limits.ts) before the
// rest of the file is read or a byte of it inflated: a small file can claim a huge image.
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { PNG as PngClass } from 'pngjs';
import { CancelledError, InputError } from '../../core/errors';
import { identity4 } from '../../core/geometry/affine';
import type { ImageVolume } from '../../core/volume/types';
import { assertAllocatable, assertVoxelLimit, maxVoxelsOf } from '../limits';
import type { ReadOptions } from '../read-options';
import { openRegularFile } from '../regular-file';
import { classified, resourceErrorOf } from '../resource-failure';

const requireCjs = createRequire(import.meta.url);
const { PNG } = requireCjs('pngjs') as { PNG: typeof PngClass };

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Bytes up to the end of the IHDR chunk: signature (8), length + type (8), IHDR data (13), CRC (4). */
const IHDR_END = 33;
const COLOUR_TYPES: Record<number, string> = {
  0: 'greyscale',
  2: 'RGB',
  3: 'palette',
  4: 'greyscale + alpha',
  6: 'RGBA',
};

interface Ihdr {
  width: number;
  height: number;
  depth: number;
  colourType: number;
}

function readIhdr(bytes: Uint8Array, file: string): Ihdr {
  if (bytes.length < IHDR_END || SIGNATURE.some((b, i) => bytes[i] !== b))
    throw new InputError(file, 'not a PNG file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!);
  if (type !== 'IHDR' || dv.getUint32(8) !== 13)
    throw new InputError(file, 'not a valid PNG (no IHDR chunk first)');
  const ihdr = {
    width: dv.getUint32(16),
    height: dv.getUint32(20),
    depth: bytes[24]!,
    colourType: bytes[25]!,
  };
  if (ihdr.width === 0 || ihdr.height === 0)
    throw new InputError(file, `invalid PNG size ${ihdr.width}x${ihdr.height}`);
  if (!(ihdr.colourType in COLOUR_TYPES))
    throw new InputError(file, `invalid PNG colour type ${ihdr.colourType}`);
  return ihdr;
}

/** The PNG without its tRNS chunks (pngjs zeroes the samples of a transparent colour; we ignore alpha). */
function withoutTransparency(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keep: Uint8Array[] = [bytes.subarray(0, 8)];
  let p = 8;
  let dropped = false;
  while (p + 12 <= bytes.length) {
    const len = dv.getUint32(p);
    const end = p + 12 + len;
    if (end > bytes.length) break;
    const type = String.fromCharCode(bytes[p + 4]!, bytes[p + 5]!, bytes[p + 6]!, bytes[p + 7]!);
    if (type === 'tRNS') dropped = true;
    else keep.push(bytes.subarray(p, end));
    p = end;
  }
  if (!dropped) return bytes;
  keep.push(bytes.subarray(p));
  const out = new Uint8Array(keep.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of keep) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

async function readHeaderThenFile(
  file: string,
  opts: ReadOptions,
): Promise<{ bytes: Uint8Array; ihdr: Ihdr }> {
  const cannotRead = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    return (
      resourceErrorOf(e, file, 'reading the file') ??
      new InputError(
        file,
        code === 'ENOENT' ? 'no such file' : `cannot read the file${code ? ` (${code})` : ''}`,
      )
    );
  };
  let handle: FileHandle;
  try {
    handle = await openRegularFile(file);
  } catch (e) {
    throw e instanceof InputError ? e : cannotRead(e);
  }
  try {
    // The header first: its size is checked against the voxel limit before the file is read or inflated.
    const head = new Uint8Array(IHDR_END);
    const { bytesRead } = await handle.read(head, 0, IHDR_END, 0).catch((e: unknown) => {
      throw cannotRead(e);
    });
    const ihdr = readIhdr(head.subarray(0, bytesRead), file);
    assertVoxelLimit(file, [ihdr.width, ihdr.height, 1], maxVoxelsOf(opts));
    if (opts.signal?.aborted) throw new CancelledError('PNG import');
    const bytes = await handle.readFile().catch((e: unknown) => {
      throw cannotRead(e);
    });
    return { bytes, ihdr };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Reads a greyscale PNG. Throws InputError naming the file for bad input, ResourceError when memory ran out,
 * CancelledError when opts.signal is aborted.
 */
export async function readPng(file: string, opts: ReadOptions = {}): Promise<ImageVolume> {
  try {
    return await readImage(file, opts);
  } catch (e) {
    throw classified(e, file, 'reading the PNG');
  }
}

async function readImage(file: string, opts: ReadOptions): Promise<ImageVolume> {
  if (opts.signal?.aborted) throw new CancelledError('PNG import');
  const { bytes, ihdr } = await readHeaderThenFile(file, opts);
  if (opts.signal?.aborted) throw new CancelledError('PNG import');
  const { width, height, depth, colourType } = ihdr;
  const pixels = width * height;
  const wide = depth === 16;
  // pngjs decodes to RGBA (16-bit samples when wide), then we keep one channel.
  assertAllocatable(pixels * 4 * (wide ? 2 : 1) + pixels * (wide ? 2 : 1), file, `a ${width}x${height} PNG`);

  let png: { width: number; height: number; data: Uint8Array | Uint16Array };
  try {
    // skipRescale: keep 16-bit samples as 16-bit and 1/2/4-bit samples unscaled.
    png = PNG.sync.read(Buffer.from(withoutTransparency(bytes)), {
      skipRescale: true,
    }) as unknown as typeof png;
  } catch (e) {
    throw (
      resourceErrorOf(e, file, 'decoding the PNG') ??
      new InputError(file, `not a valid PNG (${e instanceof Error ? e.message : String(e)})`)
    );
  }
  if (png.width !== width || png.height !== height || png.data.length < pixels * 4) {
    throw new InputError(file, 'not a valid PNG (decoded size does not match its header)');
  }
  const rgba = png.data;
  const data = wide ? new Uint16Array(pixels) : new Uint8Array(pixels);
  const colour = colourType === 2 || colourType === 3 || colourType === 6;
  for (let p = 0, q = 0; p < pixels; p++, q += 4) {
    const r = rgba[q]!;
    if (colour && (rgba[q + 1] !== r || rgba[q + 2] !== r)) {
      throw new InputError(
        file,
        `colour PNG (${COLOUR_TYPES[colourType]}, pixel ${p % width},${Math.floor(p / width)} is not grey): ` +
          'Concord reads greyscale images only',
      );
    }
    data[p] = r;
  }
  opts.onProgress?.(1, path.basename(file));
  return {
    geometry: { dims: [width, height, 1], affineLPS: identity4() },
    scalarType: wide ? 'uint16' : 'uint8',
    data,
    frames: 1,
    rescale: { slope: 1, intercept: 0 },
    source: { format: 'png', files: [file], description: path.basename(file) },
  };
}

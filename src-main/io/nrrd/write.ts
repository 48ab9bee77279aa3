// Writing NRRD: one file, header then the samples inline, raw or gzip, little-endian, LPS space.
//
// nrrd-js 0.2.1 writes the header's field lines (used here), but: it writes no gzip; it copies inline data
// into one new ArrayBuffer; its key/value lines are broken (it reads nrrd[key] instead of nrrd.keys[key] and
// escapes only the first backslash); a string 'data file' is taken for a list. So it is asked for the field
// lines of a detached header (a numbered data file pattern, whose line is then dropped), and the key/value
// lines, the blank line and the (compressed) samples are added here. The magic is NRRD0004, which every
// reader of the last decade (teem, ITK, Slicer, pynrrd) takes: nothing here needs version 5.
import { gzipSync } from 'node:zlib';
import nrrd from 'nrrd-js';
import type { Mat4 } from '../../core/geometry/affine';
import { InputError } from '../../core/errors';
import type { ImageVolume, ScalarType, VoxelArray } from '../../core/volume/types';
import { atomicWrite } from '../nifti/atomic-write';
import { HOST_LITTLE_ENDIAN, swapBytesInPlace } from '../nifti/voxels';
import { nrrdSpaceFields } from './geometry';

const NRRD_TYPE: Record<ScalarType, string> = {
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  float32: 'float',
  float64: 'double',
};

export interface NrrdContent {
  /** Sizes along i, j, k (i fastest in `data`). */
  dims: [number, number, number];
  affineLPS: Mat4;
  scalarType: ScalarType;
  data: VoxelArray;
  /** Key/value pairs written as `key:=value` (newlines and backslashes escaped as the format says). */
  keys?: Record<string, string>;
  /** gzip level 1..9, or undefined for raw. */
  gzipLevel?: number;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** The whole file as bytes. */
export function encodeNrrd(c: NrrdContent): Buffer {
  for (const k of Object.keys(c.keys ?? {})) {
    if (k.includes(':=') || /[\r\n]/.test(k))
      throw new InputError(undefined, `NRRD key '${k}' holds ':=' or a newline`);
  }
  const fields = nrrd.serialize({
    type: NRRD_TYPE[c.scalarType],
    dimension: 3,
    sizes: [...c.dims],
    encoding: c.gzipLevel === undefined ? 'raw' : 'gzip',
    endian: 'little',
    ...nrrdSpaceFields(c.affineLPS),
    kinds: ['domain', 'domain', 'domain'],
    dataFile: { format: 'samples.%d', min: 1, max: 1, step: 1 },
  });
  const lines = Buffer.from(fields)
    .toString('latin1')
    .split('\n')
    .filter((l) => l !== '' && !/^data ?file:/i.test(l) && !/^endian:/.test(l));
  lines[0] = 'NRRD0004';
  // Single-byte samples have no byte order: the format wants no endian line for them.
  if (c.data.BYTES_PER_ELEMENT > 1) lines.push('endian: little');
  for (const [k, v] of Object.entries(c.keys ?? {})) lines.push(`${k}:=${escapeValue(v)}`);
  const header = Buffer.from(lines.join('\n') + '\n\n', 'latin1');
  let samples = Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  if (!HOST_LITTLE_ENDIAN && c.data.BYTES_PER_ELEMENT > 1) {
    samples = Buffer.from(samples);
    swapBytesInPlace(samples, c.data.BYTES_PER_ELEMENT);
  }
  const body = c.gzipLevel === undefined ? samples : gzipSync(samples, { level: c.gzipLevel });
  return Buffer.concat([header, body]);
}

/** Writes a 3D volume as .nrrd (gzip unless `raw`); the file appears complete or not at all. */
export async function writeNrrd(
  file: string,
  volume: ImageVolume,
  opts: { raw?: boolean } = {},
): Promise<void> {
  if (!/\.nrrd$/i.test(file)) throw new InputError(file, 'an NRRD file name must end in .nrrd');
  if (volume.rescale.slope !== 1 || volume.rescale.intercept !== 0) {
    // NRRD has no rescale field: writing stored values would silently change every physical value.
    throw new InputError(
      file,
      "NRRD has no rescale slope/intercept: this volume's stored values are not its values",
    );
  }
  if (volume.frames !== 1)
    throw new InputError(file, `NRRD export writes 3D volumes (this one has ${volume.frames} frames)`);
  const bytes = encodeNrrd({
    dims: volume.geometry.dims,
    affineLPS: volume.geometry.affineLPS,
    scalarType: volume.scalarType,
    data: volume.data,
    gzipLevel: opts.raw ? undefined : 6,
  });
  await atomicWrite(file, () => [bytes]);
}

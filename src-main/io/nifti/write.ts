// writeNifti: one NIfTI-1 file (.nii, or .nii.gz gzip-compressed), little-endian, written atomically.
//
// Geometry: the LPS affine is converted back to RAS here. The sform holds that affine (code 1, scanner) as
// float32; the qform (code 1) holds its closest rigid-plus-zoom form (quaternion, qfac, pixdim), identical
// to the sform unless the affine has shear. Scaling: scl_slope / scl_inter from volume.rescale (float32).
// 4D volumes keep their frames as dim[4]. Voxels are written from the volume's own buffer, in chunks, without
// a whole-volume copy (byte-swapped chunk copies only on a big-endian machine).

import { flipRasLps } from '../../core/geometry/affine';
import { CancelledError, InputError } from '../../core/errors';
import { BYTES_PER_SCALAR, allocateVoxels, type ImageVolume } from '../../core/volume/types';
import { atomicWrite } from './atomic-write';
import { CODE_OF_SCALAR } from './datatypes';
import { qformFromAffine } from './geometry';
import { blankHeader, encodeHeader, NIFTI1_HEADER_BYTES, type RawHeader } from './header';
import { HOST_LITTLE_ENDIAN, swapBytesInPlace } from './voxels';

export interface WriteOptions {
  signal?: AbortSignal;
  /** Fraction (0..1) of the voxel bytes written. */
  onProgress?: (fraction: number) => void;
  /** gzip level for .nii.gz, 1 (fastest, nibabel's default) to 9; default 1. */
  compressionLevel?: number;
}

/** Bytes handed to the file (or the compressor) at a time. */
const CHUNK_BYTES = 8 << 20;
/** NIfTI-1 sizes are int16. */
const MAX_NIFTI1_DIM = 32767;
/** NIFTI_XFORM_SCANNER_ANAT: coordinates are the scanner's (or the DICOM patient frame's). */
const XFORM_SCANNER = 1;
/** NIFTI_UNITS_MM: pixdim[1..3] and the affines are in millimetres (time units left unknown). */
const UNITS_MM = 2;

/** The NIfTI-1 header for `volume`, or the reason it cannot be written. */
export function headerForVolume(
  volume: ImageVolume,
): { ok: true; header: RawHeader } | { ok: false; reason: string } {
  const { dims, affineLPS } = volume.geometry;
  const frames = volume.frames;
  const sizes = [...dims, frames];
  if (!sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NIFTI1_DIM)) {
    return {
      ok: false,
      reason: `cannot write dims ${dims.join('x')} x ${frames} frames as NIfTI-1 (each must be 1..${MAX_NIFTI1_DIM})`,
    };
  }
  const expected = dims[0] * dims[1] * dims[2] * frames;
  if (volume.data.length !== expected) {
    return {
      ok: false,
      reason: `voxel array has ${volume.data.length} values, dims x frames need ${expected}`,
    };
  }
  if (volume.data.constructor !== allocateVoxels(volume.scalarType, 0).constructor) {
    return {
      ok: false,
      reason: `voxel array is a ${volume.data.constructor.name}, not ${volume.scalarType}`,
    };
  }
  const last = affineLPS.slice(12, 16);
  if (affineLPS.length !== 16 || !affineLPS.every(Number.isFinite) || last.join() !== '0,0,0,1') {
    return { ok: false, reason: 'the affine is not a finite 4x4 with last row 0 0 0 1' };
  }
  const ras = flipRasLps(affineLPS);
  const qform = qformFromAffine(ras);
  if (!qform) return { ok: false, reason: 'the affine is singular (a voxel axis has zero length)' };
  const { slope, intercept } = volume.rescale;
  if (!Number.isFinite(slope) || slope === 0 || !Number.isFinite(intercept)) {
    return { ok: false, reason: `rescale slope ${slope} / intercept ${intercept} cannot be stored` };
  }
  const { code, bitpix } = CODE_OF_SCALAR[volume.scalarType];
  const h = blankHeader('nifti1');
  h.dim = [frames > 1 ? 4 : 3, dims[0], dims[1], dims[2], frames, 1, 1, 1];
  h.datatype = code;
  h.bitpix = bitpix;
  h.pixdim = [qform.qfac, ...qform.pixdim, 1, 1, 1, 1];
  h.voxOffset = NIFTI1_HEADER_BYTES + 4;
  h.sclSlope = slope;
  h.sclInter = intercept;
  h.qformCode = XFORM_SCANNER;
  h.sformCode = XFORM_SCANNER;
  h.quatern = qform.quatern;
  h.qoffset = qform.qoffset;
  h.srow = ras.slice(0, 12);
  h.xyztUnits = UNITS_MM;
  h.descrip = 'Concord';
  return { ok: true, header: h };
}

/** The file's bytes in order: header + 4 zero extension bytes, then the voxels (little-endian) in chunks. */
function* fileChunks(
  volume: ImageVolume,
  header: Uint8Array,
  progress: (done: number) => void,
): Generator<Uint8Array> {
  const head = new Uint8Array(NIFTI1_HEADER_BYTES + 4);
  head.set(header, 0);
  yield head;
  const data = volume.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const elementBytes = BYTES_PER_SCALAR[volume.scalarType];
  const step = CHUNK_BYTES - (CHUNK_BYTES % elementBytes);
  for (let at = 0; at < bytes.length; at += step) {
    const view = bytes.subarray(at, Math.min(at + step, bytes.length));
    if (HOST_LITTLE_ENDIAN) {
      yield view;
    } else {
      const copy = view.slice();
      swapBytesInPlace(copy, elementBytes);
      yield copy;
    }
    progress(at + view.length);
  }
}

/**
 * Writes `volume` to `file` (.nii or .nii.gz). The file appears complete or not at all: it is written to a
 * temporary file in the same folder, flushed to disk, then renamed over `file`.
 */
export async function writeNifti(file: string, volume: ImageVolume, opts: WriteOptions = {}): Promise<void> {
  const compressed = /\.nii\.gz$/i.test(file);
  if (!compressed && !/\.nii$/i.test(file)) {
    throw new InputError(file, 'a NIfTI file name must end in .nii or .nii.gz');
  }
  const built = headerForVolume(volume);
  if (!built.ok) throw new InputError(file, built.reason);
  const header = encodeHeader(built.header);
  const total = volume.data.byteLength;
  const progress = (done: number): void => {
    if (opts.signal?.aborted) throw new CancelledError('NIfTI write');
    opts.onProgress?.(total > 0 ? done / total : 1);
  };
  if (opts.signal?.aborted) throw new CancelledError('NIfTI write');
  await atomicWrite(file, () => fileChunks(volume, header, progress), {
    gzipLevel: compressed ? (opts.compressionLevel ?? 1) : undefined,
    signal: opts.signal,
  });
}

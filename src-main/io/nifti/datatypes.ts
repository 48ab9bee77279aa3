// NIfTI / Analyze `datatype` codes: what is stored on disk per voxel and what Concord keeps in memory.
//
// Kept as is: uint8, int8, int16, uint16, int32, uint32, float32, float64.
// int64 / uint64 are converted after reading (see int64.ts): to int32 when every value fits (label maps
// saved as int64 by numpy-based tools are the usual case, and int32 halves their memory), else to float64
// (exact up to 2^53; larger magnitudes are rounded to the nearest double).
// Everything else (bit, RGB, RGBA, complex, float128) is refused: Concord works on scalar images.

import type { ScalarType } from '../../core/volume/types';

export interface DiskType {
  /** The header's datatype code. */
  code: number;
  /** Name used in messages and in `info` (numpy-like: 'int16', 'uint64', ...). */
  name: string;
  /** Bytes per voxel on disk. */
  bytes: number;
  /** In-memory type when the bytes are kept as is. */
  scalarType?: ScalarType;
  /** Set for 64-bit integers, which are converted after reading. */
  int64?: 'signed' | 'unsigned';
}

const SUPPORTED: DiskType[] = [
  { code: 2, name: 'uint8', bytes: 1, scalarType: 'uint8' },
  { code: 4, name: 'int16', bytes: 2, scalarType: 'int16' },
  { code: 8, name: 'int32', bytes: 4, scalarType: 'int32' },
  { code: 16, name: 'float32', bytes: 4, scalarType: 'float32' },
  { code: 64, name: 'float64', bytes: 8, scalarType: 'float64' },
  { code: 256, name: 'int8', bytes: 1, scalarType: 'int8' },
  { code: 512, name: 'uint16', bytes: 2, scalarType: 'uint16' },
  { code: 768, name: 'uint32', bytes: 4, scalarType: 'uint32' },
  { code: 1024, name: 'int64', bytes: 8, int64: 'signed' },
  { code: 1280, name: 'uint64', bytes: 8, int64: 'unsigned' },
];

/** Codes we know but refuse, with the name the NIfTI standard gives them. */
const REFUSED: Record<number, string> = {
  0: 'DT_UNKNOWN (0)',
  1: 'DT_BINARY (1-bit)',
  32: 'DT_COMPLEX64',
  128: 'DT_RGB24',
  1536: 'DT_FLOAT128',
  1792: 'DT_COMPLEX128',
  2048: 'DT_COMPLEX256',
  2304: 'DT_RGBA32',
};

/** The codes Analyze 7.5 (and SPM's variant of it) define; nibabel refuses the NIfTI-only ones there. */
const ANALYZE_CODES = new Set([2, 4, 8, 16, 64]);

export type DiskTypeLookup = { ok: true; type: DiskType } | { ok: false; reason: string };

export function diskTypeOf(code: number, analyze: boolean): DiskTypeLookup {
  const refused = REFUSED[code];
  if (refused !== undefined) {
    return {
      ok: false,
      reason: `datatype ${refused} is not supported: Concord reads scalar (single-channel, real) images only`,
    };
  }
  const type = SUPPORTED.find((t) => t.code === code);
  if (!type) return { ok: false, reason: `unknown datatype code ${code}` };
  if (analyze && !ANALYZE_CODES.has(code)) {
    return {
      ok: false,
      reason: `datatype ${type.name} (code ${code}) does not exist in Analyze 7.5 headers`,
    };
  }
  return { ok: true, type };
}

/** Datatype code and bits per voxel the writer stores for each in-memory type. */
export const CODE_OF_SCALAR: Record<ScalarType, { code: number; bitpix: number }> = {
  uint8: { code: 2, bitpix: 8 },
  int8: { code: 256, bitpix: 8 },
  int16: { code: 4, bitpix: 16 },
  uint16: { code: 512, bitpix: 16 },
  int32: { code: 8, bitpix: 32 },
  uint32: { code: 768, bitpix: 32 },
  float32: { code: 16, bitpix: 32 },
  float64: { code: 64, bitpix: 64 },
};

// The binary NIfTI-1 (348 bytes), NIfTI-2 (540 bytes) and Analyze 7.5 (348 bytes, SPM variant) headers:
// decoding into one RawHeader shape and encoding back. No interpretation here (affines, scaling and sizes
// live in geometry.ts, scaling.ts and layout.ts).
//
// Byte order is detected from sizeof_hdr (the first int32 must read 348 or 540 in one of the two orders).
// Field offsets are those of nifti1.h / nifti2.h; Analyze shares NIfTI-1's layout for every field read here,
// plus SPM's `origin` (5 int16 at byte 253, 1-based voxel of the world origin).

import type { Vec3 } from '../../core/geometry/affine';

export type HeaderFormat = 'nifti1' | 'nifti2' | 'analyze';

export interface RawHeader {
  format: HeaderFormat;
  littleEndian: boolean;
  /** The magic says the voxels follow the header in the same file ('n+1', 'n+2'); false for pairs and Analyze. */
  singleFile: boolean;
  /** dim[0] = number of dimensions, dim[1..7] = sizes (i, j, k, t, ...). */
  dim: number[];
  datatype: number;
  bitpix: number;
  /** pixdim[0] = qfac (±1), pixdim[1..3] = voxel size (normally mm), pixdim[4] = time step. */
  pixdim: number[];
  /** Byte offset of the first voxel in the file that holds the voxels. */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMax: number;
  calMin: number;
  /** Analyze glmax / glmin (int32); unused by NIfTI. */
  glMax: number;
  glMin: number;
  qformCode: number;
  sformCode: number;
  /** Quaternion vector part (b, c, d) of the qform rotation; a is implied >= 0. */
  quatern: Vec3;
  /** qform translation, RAS mm. */
  qoffset: Vec3;
  /** The sform's three rows (x, y, z), 4 values each, mapping (i, j, k, 1) to RAS mm. */
  srow: number[];
  xyztUnits: number;
  descrip: string;
  /** SPM Analyze origin (1-based voxel); [0, 0, 0] when unset or not Analyze. */
  spmOrigin: Vec3;
}

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

const MAGIC_N1_SINGLE = 'n+1\0';
const MAGIC_N1_PAIR = 'ni1\0';
const MAGIC_N2_SINGLE = 'n+2\0\r\n\x1a\n';
const MAGIC_N2_PAIR = 'ni2\0\r\n\x1a\n';

/** Size and byte order of the header from its first 4 bytes (sizeof_hdr), or null if neither 348 nor 540. */
export function probeHeader(first4: Uint8Array): { bytes: number; littleEndian: boolean } | null {
  if (first4.length < 4) return null;
  const view = new DataView(first4.buffer, first4.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_BYTES || size === NIFTI2_HEADER_BYTES) return { bytes: size, littleEndian };
  }
  return null;
}

function latin1(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** A NUL-terminated text field (descrip), printable ASCII kept, the rest dropped. */
function cString(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length; i++) {
    const c = bytes[i]!;
    if (c === 0) break;
    if (c >= 32 && c < 127) s += String.fromCharCode(c);
  }
  return s.trim();
}

export type HeaderParse = { ok: true; header: RawHeader } | { ok: false; reason: string };

/** Decodes a full header block (348 or 540 bytes, as probeHeader said). */
export function parseHeader(bytes: Uint8Array): HeaderParse {
  const probe = probeHeader(bytes);
  if (!probe)
    return { ok: false, reason: 'not a NIfTI or Analyze header (sizeof_hdr is neither 348 nor 540)' };
  if (bytes.length < probe.bytes) return { ok: false, reason: 'header is truncated' };
  const le = probe.littleEndian;
  const v = new DataView(bytes.buffer, bytes.byteOffset, probe.bytes);
  return probe.bytes === NIFTI2_HEADER_BYTES ? parseNifti2(bytes, v, le) : parseNifti1(bytes, v, le);
}

function parseNifti1(bytes: Uint8Array, v: DataView, le: boolean): HeaderParse {
  const magic = latin1(bytes, 344, 4);
  const format: HeaderFormat = magic === MAGIC_N1_SINGLE || magic === MAGIC_N1_PAIR ? 'nifti1' : 'analyze';
  const i16 = (o: number): number => v.getInt16(o, le);
  const f32 = (o: number): number => v.getFloat32(o, le);
  const dim: number[] = [];
  const pixdim: number[] = [];
  for (let i = 0; i < 8; i++) {
    dim.push(i16(40 + 2 * i));
    pixdim.push(f32(76 + 4 * i));
  }
  const srow: number[] = [];
  for (let i = 0; i < 12; i++) srow.push(f32(280 + 4 * i));
  const analyze = format === 'analyze';
  return {
    ok: true,
    header: {
      format,
      littleEndian: le,
      singleFile: magic === MAGIC_N1_SINGLE,
      dim,
      datatype: i16(70),
      bitpix: i16(72),
      pixdim,
      voxOffset: f32(108),
      sclSlope: f32(112),
      sclInter: f32(116),
      calMax: f32(124),
      calMin: f32(128),
      glMax: v.getInt32(140, le),
      glMin: v.getInt32(144, le),
      // Analyze has no qform/sform: those bytes are orient/originator there.
      qformCode: analyze ? 0 : i16(252),
      sformCode: analyze ? 0 : i16(254),
      quatern: [f32(256), f32(260), f32(264)],
      qoffset: [f32(268), f32(272), f32(276)],
      srow,
      xyztUnits: bytes[123]!,
      descrip: cString(bytes, 148, 80),
      spmOrigin: analyze ? [i16(253), i16(255), i16(257)] : [0, 0, 0],
    },
  };
}

/** int64 to number; values beyond 2^53 become NaN (no real image has them; layout.ts refuses NaN). */
function safeInt64(v: DataView, offset: number, le: boolean): number {
  const big = v.getBigInt64(offset, le);
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : NaN;
}

function parseNifti2(bytes: Uint8Array, v: DataView, le: boolean): HeaderParse {
  const magic = latin1(bytes, 4, 8);
  if (magic !== MAGIC_N2_SINGLE && magic !== MAGIC_N2_PAIR) {
    const head = magic.slice(0, 4);
    if (head === 'n+2\0' || head === 'ni2\0') {
      return { ok: false, reason: 'NIfTI-2 magic is damaged (the file went through a text-mode transfer?)' };
    }
    return { ok: false, reason: 'sizeof_hdr says NIfTI-2 (540) but the NIfTI-2 magic is missing' };
  }
  const f64 = (o: number): number => v.getFloat64(o, le);
  const dim: number[] = [];
  const pixdim: number[] = [];
  for (let i = 0; i < 8; i++) {
    dim.push(safeInt64(v, 16 + 8 * i, le));
    pixdim.push(f64(104 + 8 * i));
  }
  const srow: number[] = [];
  for (let i = 0; i < 12; i++) srow.push(f64(400 + 8 * i));
  return {
    ok: true,
    header: {
      format: 'nifti2',
      littleEndian: le,
      singleFile: magic === MAGIC_N2_SINGLE,
      dim,
      datatype: v.getInt16(12, le),
      bitpix: v.getInt16(14, le),
      pixdim,
      voxOffset: safeInt64(v, 168, le),
      sclSlope: f64(176),
      sclInter: f64(184),
      calMax: f64(192),
      calMin: f64(200),
      glMax: 0,
      glMin: 0,
      qformCode: v.getInt32(344, le),
      sformCode: v.getInt32(348, le),
      quatern: [f64(352), f64(360), f64(368)],
      qoffset: [f64(376), f64(384), f64(392)],
      srow,
      xyztUnits: v.getInt32(500, le),
      descrip: cString(bytes, 240, 80),
      spmOrigin: [0, 0, 0],
    },
  };
}

function writeLatin1(bytes: Uint8Array, start: number, text: string, maxLength: number): void {
  for (let i = 0; i < Math.min(text.length, maxLength); i++) bytes[start + i] = text.charCodeAt(i) & 0xff;
}

/**
 * Encodes a header block (348 bytes for NIfTI-1 / Analyze, 540 for NIfTI-2), without the 4 extension bytes
 * a single-file NIfTI puts after it. The writer uses NIfTI-1 little-endian; tests use the other variants to
 * build files no peer tool gave us.
 */
export function encodeHeader(h: RawHeader): Uint8Array {
  return h.format === 'nifti2' ? encodeNifti2(h) : encodeNifti1(h);
}

function encodeNifti1(h: RawHeader): Uint8Array {
  const bytes = new Uint8Array(NIFTI1_HEADER_BYTES);
  const v = new DataView(bytes.buffer);
  const le = h.littleEndian;
  v.setInt32(0, NIFTI1_HEADER_BYTES, le);
  if (h.format === 'analyze') v.setInt32(32, 16384, le); // `extents`, as Analyze writers set it
  bytes[38] = 'r'.charCodeAt(0); // `regular`
  for (let i = 0; i < 8; i++) {
    v.setInt16(40 + 2 * i, h.dim[i] ?? 0, le);
    v.setFloat32(76 + 4 * i, h.pixdim[i] ?? 0, le);
  }
  v.setInt16(70, h.datatype, le);
  v.setInt16(72, h.bitpix, le);
  v.setFloat32(108, h.voxOffset, le);
  v.setFloat32(112, h.sclSlope, le);
  v.setFloat32(116, h.sclInter, le);
  bytes[123] = h.xyztUnits & 0xff;
  v.setFloat32(124, h.calMax, le);
  v.setFloat32(128, h.calMin, le);
  v.setInt32(140, h.glMax, le);
  v.setInt32(144, h.glMin, le);
  writeLatin1(bytes, 148, h.descrip, 79);
  if (h.format === 'analyze') {
    for (let i = 0; i < 3; i++) v.setInt16(253 + 2 * i, h.spmOrigin[i]!, le);
    return bytes;
  }
  v.setInt16(252, h.qformCode, le);
  v.setInt16(254, h.sformCode, le);
  for (let i = 0; i < 3; i++) {
    v.setFloat32(256 + 4 * i, h.quatern[i]!, le);
    v.setFloat32(268 + 4 * i, h.qoffset[i]!, le);
  }
  for (let i = 0; i < 12; i++) v.setFloat32(280 + 4 * i, h.srow[i] ?? 0, le);
  writeLatin1(bytes, 344, h.singleFile ? MAGIC_N1_SINGLE : MAGIC_N1_PAIR, 4);
  return bytes;
}

function encodeNifti2(h: RawHeader): Uint8Array {
  const bytes = new Uint8Array(NIFTI2_HEADER_BYTES);
  const v = new DataView(bytes.buffer);
  const le = h.littleEndian;
  v.setInt32(0, NIFTI2_HEADER_BYTES, le);
  writeLatin1(bytes, 4, h.singleFile ? MAGIC_N2_SINGLE : MAGIC_N2_PAIR, 8);
  v.setInt16(12, h.datatype, le);
  v.setInt16(14, h.bitpix, le);
  for (let i = 0; i < 8; i++) {
    v.setBigInt64(16 + 8 * i, BigInt(h.dim[i] ?? 0), le);
    v.setFloat64(104 + 8 * i, h.pixdim[i] ?? 0, le);
  }
  v.setBigInt64(168, BigInt(h.voxOffset), le);
  v.setFloat64(176, h.sclSlope, le);
  v.setFloat64(184, h.sclInter, le);
  v.setFloat64(192, h.calMax, le);
  v.setFloat64(200, h.calMin, le);
  writeLatin1(bytes, 240, h.descrip, 79);
  v.setInt32(344, h.qformCode, le);
  v.setInt32(348, h.sformCode, le);
  for (let i = 0; i < 3; i++) {
    v.setFloat64(352 + 8 * i, h.quatern[i]!, le);
    v.setFloat64(376 + 8 * i, h.qoffset[i]!, le);
  }
  for (let i = 0; i < 12; i++) v.setFloat64(400 + 8 * i, h.srow[i] ?? 0, le);
  v.setInt32(500, h.xyztUnits, le);
  return bytes;
}

/** A header with every field at its neutral value (identity scaling, no transforms), for building on. */
export function blankHeader(format: HeaderFormat = 'nifti1'): RawHeader {
  return {
    format,
    littleEndian: true,
    singleFile: true,
    dim: [3, 1, 1, 1, 1, 1, 1, 1],
    datatype: 2,
    bitpix: 8,
    pixdim: [1, 1, 1, 1, 1, 1, 1, 1],
    voxOffset: format === 'nifti2' ? 544 : 352,
    sclSlope: 1,
    sclInter: 0,
    calMax: 0,
    calMin: 0,
    glMax: 0,
    glMin: 0,
    qformCode: 0,
    sformCode: 0,
    quatern: [0, 0, 0],
    qoffset: [0, 0, 0],
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
    xyztUnits: 0,
    descrip: '',
    spmOrigin: [0, 0, 0],
  };
}

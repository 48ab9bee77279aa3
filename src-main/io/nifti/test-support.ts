// Test helpers for the NIfTI reader/writer tests (imported only by *.test.ts): paths of the bundled real
// data, scratch folders, statistics of scaled values computed like numpy, orientation codes like nibabel's
// aff2axcodes, and building NIfTI / Analyze files byte by byte.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { flipRasLps, type Mat4 } from '../../core/geometry/affine';
import type { ImageVolume } from '../../core/volume/types';
import { encodeHeader, type RawHeader } from './header';
import { swapBytesInPlace } from './voxels';

/** A path under resources/test-data (the real data bundled with the repository). */
export { testData } from '../../test-support/tmp';

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'concord-nifti-'));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The NIfTI (RAS) affine of a volume, to compare with peers' numbers. */
export function rasAffine(v: ImageVolume): Mat4 {
  return flipRasLps(v.geometry.affineLPS);
}

export interface Stats {
  min: number;
  max: number;
  mean: number;
  sum: number;
}

/** min / max / mean / sum of stored * slope + intercept; NaN anywhere makes them NaN, as numpy's do. */
export function scaledStats(v: ImageVolume): Stats {
  const { slope, intercept } = v.rescale;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  const d = v.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i]! * slope + intercept;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  if (Number.isNaN(sum)) return { min: NaN, max: NaN, mean: NaN, sum: NaN };
  return { min, max, mean: sum / d.length, sum };
}

export function countNonZero(v: ImageVolume): number {
  let n = 0;
  for (let i = 0; i < v.data.length; i++) if (v.data[i] !== 0) n++;
  return n;
}

/** Orientation letters of the voxel axes (RAS affine): for each column, the world axis it mostly follows. */
export function axcodes(ras: Mat4): string {
  const letters = [
    ['L', 'R'],
    ['P', 'A'],
    ['I', 'S'],
  ];
  let out = '';
  for (let c = 0; c < 3; c++) {
    const col = [ras[c]!, ras[4 + c]!, ras[8 + c]!];
    let best = 0;
    for (let r = 1; r < 3; r++) if (Math.abs(col[r]!) > Math.abs(col[best]!)) best = r;
    out += letters[best]![col[best]! > 0 ? 1 : 0];
  }
  return out;
}

/** Column lengths of an affine: voxel spacing in mm. */
export function columnNorms(m: Mat4): number[] {
  return [0, 1, 2].map((c) => Math.hypot(m[c]!, m[4 + c]!, m[8 + c]!));
}

export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Rows of a 4x4 as in the peers' JSON ([[..4], [..4], [..4], [..4]]) flattened row-major. */
export function flatRows(rows: number[][]): number[] {
  return rows.flat();
}

/**
 * The bytes of a file holding `header` then `data` (host-order voxel bytes, swapped here to the header's byte
 * order; `elementBytes` is the size to swap by). For single files the 4 extension bytes and any padding up
 * to vox_offset are zeros (or `extension` bytes when given).
 */
export function fileBytes(
  header: RawHeader,
  data: Uint8Array,
  elementBytes: number,
  opts: { extension?: Uint8Array; hostLittleEndian?: boolean } = {},
): Uint8Array {
  const head = encodeHeader(header);
  const payload = data.slice();
  if (header.littleEndian !== (opts.hostLittleEndian ?? os.endianness() === 'LE')) {
    swapBytesInPlace(payload, elementBytes);
  }
  if (!header.singleFile) return concat([head, payload]);
  const gap = Math.max(0, header.voxOffset - head.length);
  const pad = new Uint8Array(gap);
  if (opts.extension) pad.set(opts.extension.subarray(0, gap), 0);
  return concat([head, pad, payload]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function writeFile(file: string, bytes: Uint8Array, gzip = false): string {
  fs.writeFileSync(file, gzip ? gzipSync(bytes, { level: 1 }) : bytes);
  return file;
}

/** Host-order bytes of a typed array (a view, no copy). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

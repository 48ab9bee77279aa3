// Places a DICOM SEG's frames on a volume's voxel grid by their plane geometry, giving one label map.
//
// A frame is on the grid when its Rows x Columns equal the grid's j x i dimensions, its orientation equals the
// grid's i and j directions (each cosine within ORIENTATION_TOLERANCE), its PixelSpacing equals the grid's j and
// i spacing (within SPACING_TOLERANCE, relative), and its ImagePositionPatient lies within
// POSITION_TOLERANCE_MM of the centre of voxel (0, 0, k) for an integer k inside the volume. Frame pixel
// (row r, column c) is then voxel (i = c, j = r, k); index i + j*nx + k*nx*ny (i fastest). Frames: LPS mm.
//
// FRACTIONAL frames: a pixel belongs to the segment when value >= threshold x MaximumFractionalValue.
// A voxel claimed by two segments is refused (a Concord mask holds one label per voxel), naming both.
import { InputError } from '../../core/errors';
import type { Vec3 } from '../../core/geometry/affine';
import { axisVector, invertAffine, norm, transformPoint } from '../../core/geometry/affine';
import type { DicomSource, VolumeGeometry } from '../../core/volume/types';
import type { SegObject } from './seg-read';

export const POSITION_TOLERANCE_MM = 0.01;
export const ORIENTATION_TOLERANCE = 1e-4;
export const SPACING_TOLERANCE = 1e-4;
export const DEFAULT_FRACTIONAL_THRESHOLD = 0.5;

export interface SegPlacementOptions {
  /** Segment number -> label value (1..255) for the segments to import; others are left out. */
  values: Map<number, number>;
  /** FRACTIONAL: fraction of MaximumFractionalValue from which a pixel is in the segment (0 < t <= 1). */
  threshold?: number;
}

export interface SegOnGrid {
  labels: Uint8Array;
  /** Voxels per imported segment number. */
  voxels: Map<number, number>;
}

const fmt = (v: number[]) => v.map((x) => +x.toFixed(4)).join('\\');

export function segOnGrid(seg: SegObject, grid: VolumeGeometry, opts: SegPlacementOptions): SegOnGrid {
  const [nx, ny, nz] = grid.dims;
  const bad = (reason: string) => new InputError(seg.file, reason);
  const threshold = opts.threshold ?? DEFAULT_FRACTIONAL_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw bad(`the threshold must be in (0, 1] (got ${threshold})`);
  if (seg.columns !== nx || seg.rows !== ny) {
    throw bad(
      `frames are ${seg.columns}x${seg.rows} pixels; the volume's slices are ${nx}x${ny}: not on its grid`,
    );
  }
  const a = grid.affineLPS;
  const di = axisVector(a, 0);
  const dj = axisVector(a, 1);
  const si = norm(di);
  const sj = norm(dj);
  const rowDir = di.map((x) => x / si);
  const colDir = dj.map((x) => x / sj);
  const inverse = invertAffine(a);
  const cut = Math.ceil(threshold * seg.maxFractional - 1e-9);

  const labels = new Uint8Array(nx * ny * nz);
  /** Segment number holding each voxel (0: none yet). */
  const owner = new Uint16Array(nx * ny * nz);
  const voxels = new Map<number, number>();
  const overlaps = new Map<string, number>();
  seg.frames.forEach((f, n) => {
    const value = opts.values.get(f.segment);
    if (value === undefined) return;
    const where = `frame ${n + 1} (segment ${f.segment})`;
    const iopOff = [...rowDir, ...colDir].some((c, x) => Math.abs(c - f.iop[x]!) > ORIENTATION_TOLERANCE);
    if (iopOff) {
      throw bad(
        `${where}: orientation ${fmt(f.iop)} differs from the volume's ${fmt([...rowDir, ...colDir])}: not on its grid`,
      );
    }
    if (
      Math.abs(f.pixelSpacing[0] - sj) > SPACING_TOLERANCE * sj ||
      Math.abs(f.pixelSpacing[1] - si) > SPACING_TOLERANCE * si
    ) {
      throw bad(
        `${where}: PixelSpacing ${fmt(f.pixelSpacing)} differs from the volume's ${fmt([sj, si])} mm`,
      );
    }
    const ijk = transformPoint(inverse, f.ipp);
    const k = Math.round(ijk[2]);
    const expected: Vec3 = transformPoint(a, [0, 0, k]);
    const off = Math.hypot(f.ipp[0] - expected[0], f.ipp[1] - expected[1], f.ipp[2] - expected[2]);
    if (off > POSITION_TOLERANCE_MM || k < 0 || k >= nz) {
      throw bad(
        `${where}: ImagePositionPatient ${fmt(f.ipp)} is ${k < 0 || k >= nz ? 'outside the volume' : `${off.toFixed(3)} mm off the nearest slice position`} ` +
          `(tolerance ${POSITION_TOLERANCE_MM} mm): frames off the volume's grid are not imported`,
      );
    }
    const pixels = seg.framePixels(n);
    const base = k * nx * ny;
    const on = seg.type === 'BINARY' ? 1 : cut;
    let count = 0;
    for (let p = 0; p < pixels.length; p++) {
      if (pixels[p]! < on) continue;
      const at = base + p;
      const prior = owner[at]!;
      if (prior !== 0 && prior !== f.segment) {
        const key = `${Math.min(prior, f.segment)}-${Math.max(prior, f.segment)}`;
        overlaps.set(key, (overlaps.get(key) ?? 0) + 1);
        continue;
      }
      if (prior === 0) count++;
      owner[at] = f.segment;
      labels[at] = value;
    }
    voxels.set(f.segment, (voxels.get(f.segment) ?? 0) + count);
  });
  if (overlaps.size > 0) {
    const name = (s: number) => `${s} '${seg.segments.find((x) => x.number === s)?.label ?? ''}'`;
    const list = [...overlaps].map(([key, count]) => {
      const [x, y] = key.split('-').map(Number);
      return `${name(x!)} and ${name(y!)} (${count} voxels)`;
    });
    throw bad(
      `segments overlap: ${list.join('; ')}; a mask holds one label per voxel, so import overlapping segments ` +
        'separately (choose them with --segments)',
    );
  }
  return { labels, voxels };
}

/**
 * Refuses a SEG made on another image series than the volume's: its Referenced Series Sequence must name the
 * volume's SeriesInstanceUID (or, when it names none, every frame's source images must be slices of the volume),
 * and a Frame of Reference UID on both sides must agree. A volume not imported from DICOM is refused too.
 * `uidForms` gives the forms a UID the SEG names may take in the workspace (a research project stores its
 * keyed replacement: services/workspace/deidentify.ts); a reference matches when one form is the stored UID.
 */
export function checkSegSource(
  seg: SegObject,
  dicom: DicomSource | undefined,
  volume: string,
  uidForms: (uid: string) => string[] = (uid) => [uid],
): void {
  const bad = (reason: string) => new InputError(seg.file, reason);
  const series = dicom?.seriesInstanceUID;
  if (!series) {
    throw bad(`${volume} was not imported from DICOM: a SEG is placed only on the series it references`);
  }
  const names = (stored: string | undefined) => (uid: string) =>
    stored !== undefined && uidForms(uid).includes(stored);
  if (seg.referencedSeries.length > 0) {
    if (!seg.referencedSeries.some(names(series))) {
      throw bad(`references series ${seg.referencedSeries.join(', ')}, not ${volume}'s series ${series}`);
    }
  } else {
    const known = new Set((dicom.instances ?? []).map((r) => r.sopInstanceUID));
    const sources = seg.frames.flatMap((f) => f.sources);
    if (sources.length === 0 || sources.some((u) => !uidForms(u).some((f) => known.has(f)))) {
      throw bad(`names no source series, and its frames' source images are not slices of ${volume}`);
    }
  }
  if (
    seg.frameOfReferenceUID &&
    dicom.frameOfReferenceUID &&
    !names(dicom.frameOfReferenceUID)(seg.frameOfReferenceUID)
  ) {
    throw bad(
      `frame of reference ${seg.frameOfReferenceUID} differs from ${volume}'s ${dicom.frameOfReferenceUID}`,
    );
  }
}

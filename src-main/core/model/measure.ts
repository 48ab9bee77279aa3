// The viewer's measurements kept with a case: a ruler (length in mm) or an ellipse (area in mm², and the
// image statistics inside, which the renderer computes from the voxels it holds). Each belongs to the
// profile that drew it and is blinded like that profile's annotations.
import type { Vec3 } from '../geometry/affine';

export type MeasurementKind = 'ruler' | 'ellipse';

/** Where a measurement lies: two points on one slice (`points[n][axis] === slice` for both). */
export interface MeasurementShape {
  kind: MeasurementKind;
  /** The voxel axis through the slice (0 = i, 1 = j, 2 = k): the through-plane axis of the view drawn on. */
  axis: 0 | 1 | 2;
  /** Voxel index along `axis` (0-based). */
  slice: number;
  /** Continuous voxel indices (centres at integers): the ruler's ends, or two opposite corners of the ellipse's box. */
  points: [Vec3, Vec3];
}

export interface MeasurementInfo extends MeasurementShape {
  id: number;
  volumeId: number;
  caseId: number;
  annotatorId: number;
  annotatorName: string;
  /** "Ruler 1", "Ellipse 2", … numbered per volume and author. */
  name: string;
  createdAt: string;
  /** A ruler's length in mm (through the volume's affine); null for an ellipse. */
  lengthMm: number | null;
  /** An ellipse's area in mm²; null for a ruler. */
  areaMm2: number | null;
}

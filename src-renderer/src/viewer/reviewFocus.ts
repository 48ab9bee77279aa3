// Where the review's region navigation sends the views: handed to the Viewer (ViewerReview.focus) by the
// consensus feature and followed by the slice views (crosshair) and the 3D view (camera).
import type { Vec3 } from '@core/geometry/affine';

/** Where region navigation sends every view: a new `seq` moves the crosshair and the 3D camera once. */
export interface ReviewFocus {
  seq: number;
  /** Crosshair voxel (i, j, k): a voxel of the region. */
  ijk: Vec3;
  /** The region's box, half-open voxel indices [i0, i1, j0, j1, k0, k1]: the 3D camera frames it. */
  box: readonly [number, number, number, number, number, number];
}

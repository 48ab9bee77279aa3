// The viewer's measurements kept with a case: rulers and ellipses on a slice (points in continuous voxel
// indices), listed with their size in mm / mm² (computed in main from the volume's affine). Per author,
// blinded like annotations; only the author deletes or restores one.
import type { MeasurementInfo, MeasurementShape } from '../../src-main/core/model';

export interface MeasureRequests {
  /** The signed-in profile's and, where blinding allows, others' measurements of a volume, oldest first. */
  'measurement:list': { req: { volumeId: number }; res: MeasurementInfo[] };
  /** Keeps a new ruler or ellipse by the signed-in profile (audited). */
  'measurement:create': { req: MeasurementShape & { volumeId: number }; res: MeasurementInfo };
  /** The author deletes their measurement (audited; restore undoes it). */
  'measurement:delete': { req: { measurementId: number }; res: { measurementId: number } };
  /** The author brings back a deleted measurement (undo of a delete). */
  'measurement:restore': { req: { measurementId: number }; res: MeasurementInfo };
}

export const MEASURE_REQUEST_CHANNELS = [
  'measurement:list',
  'measurement:create',
  'measurement:delete',
  'measurement:restore',
] as const satisfies readonly (keyof MeasureRequests)[];

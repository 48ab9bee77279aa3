// The measurement channels: each handler checks its request, then the signed-in profile, then does the work
// in measurements.ts (which applies blinding and writes the audit row).
import type { MeasureRequests } from '@contract';
import type { Vec3 } from '../../core/geometry/affine';
import type { MeasurementShape } from '../../core/model';
import { InputError } from '../../core/errors';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import { requireProfile } from '../identity/access';
import { asId, asObject, oneOf } from '../validate';
import { createMeasurement, deleteMeasurement, listVisible, restoreMeasurement } from './measurements';

function point(v: unknown, name: string): Vec3 {
  if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
    throw new InputError(undefined, `${name} must be three finite voxel coordinates`);
  return [v[0] as number, v[1] as number, v[2] as number];
}

function shapeOf(o: Record<string, unknown>): MeasurementShape {
  const axis = o['axis'];
  if (axis !== 0 && axis !== 1 && axis !== 2) throw new InputError(undefined, 'axis must be 0, 1 or 2');
  const slice = o['slice'];
  if (typeof slice !== 'number' || !Number.isSafeInteger(slice))
    throw new InputError(undefined, 'slice must be a whole voxel index');
  const pts = o['points'];
  if (!Array.isArray(pts) || pts.length !== 2) throw new InputError(undefined, 'points must be two points');
  return {
    kind: oneOf(o['kind'], ['ruler', 'ellipse'] as const, 'kind'),
    axis,
    slice,
    points: [point(pts[0], 'points[0]'), point(pts[1], 'points[1]')],
  };
}

export function createMeasureHandlers(app: AppContext): HandlerGroup<keyof MeasureRequests> {
  const db = app.workspace.db;
  return {
    'measurement:list': (raw, ctx) =>
      listVisible(
        db,
        requireProfile(db, ctx, 'the measurements'),
        asId(asObject(raw)['volumeId'], 'volumeId'),
      ),
    'measurement:create': (raw, ctx) => {
      const o = asObject(raw);
      return createMeasurement(db, requireProfile(db, ctx, 'measuring'), {
        volumeId: asId(o['volumeId'], 'volumeId'),
        ...shapeOf(o),
      });
    },
    'measurement:delete': (raw, ctx) =>
      deleteMeasurement(
        db,
        requireProfile(db, ctx, 'deleting a measurement'),
        asId(asObject(raw)['measurementId'], 'measurementId'),
      ),
    'measurement:restore': (raw, ctx) =>
      restoreMeasurement(
        db,
        requireProfile(db, ctx, 'restoring a measurement'),
        asId(asObject(raw)['measurementId'], 'measurementId'),
      ),
  };
}

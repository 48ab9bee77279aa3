// The viewer's measurements kept with a case: rulers and ellipses drawn on a slice, listed, deleted and
// brought back (undo). Each belongs to the profile that drew it. They are blinded like that profile's
// annotations (identity/blinding.ts canSeeWorkOf): a ruler across a nodule is a reader's size estimate, the
// very figure blinding keeps from the other readers until they have submitted. Only the author deletes or
// restores one. Every change is audited with the shape and its size. Sizes (mm, mm²) are computed here from
// the volume's affine (core/measure), never taken from the caller.
import type { MeasurementInfo, MeasurementShape, VolumeMeta } from '../../core/model';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { shapeProblem, shapeSize } from '../../core/measure/geometry';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import {
  getMeasurement,
  insertMeasurement,
  listMeasurements,
  nextMeasurementName,
  setMeasurementDeleted,
  type MeasurementRow,
} from '../../db/repositories/measurements';
import { getCaseRow } from '../../db/repositories/team';
import { getVolume } from '../../db/repositories/volumes';
import type { Profile } from '../identity/access';
import { canSeeWorkOf } from '../identity/blinding';

/** The volume, refused when it or its case is gone. */
function liveVolume(db: Db, volumeId: number): VolumeMeta {
  const v = getVolume(db, volumeId);
  const c = v && getCaseRow(db, v.caseId);
  if (!v || !c || c.removedAt !== null) throw new NotFoundError(`volume ${volumeId} does not exist`);
  return v;
}

function info(v: VolumeMeta, r: MeasurementRow): MeasurementInfo {
  return {
    id: r.id,
    volumeId: r.volumeId,
    caseId: v.caseId,
    annotatorId: r.annotatorId,
    annotatorName: r.annotatorName,
    kind: r.kind,
    name: r.name,
    axis: r.axis,
    slice: r.slice,
    points: r.points,
    createdAt: r.createdAt,
    ...shapeSize(v.affineLPS, r),
  };
}

function sizeDetail(m: MeasurementInfo): Record<string, unknown> {
  return m.kind === 'ruler' ? { lengthMm: m.lengthMm } : { areaMm2: m.areaMm2 };
}

/** The measurements of a volume this profile may see, oldest first. */
export function listVisible(db: Db, profile: Profile, volumeId: number): MeasurementInfo[] {
  const v = liveVolume(db, volumeId);
  return listMeasurements(db, volumeId)
    .filter((r) => canSeeWorkOf(db, profile, v.caseId, r.annotatorId))
    .map((r) => info(v, r));
}

/** Keeps a new measurement by this profile, named "Ruler n" / "Ellipse n". */
export function createMeasurement(
  db: Db,
  profile: Profile,
  req: MeasurementShape & { volumeId: number },
): MeasurementInfo {
  const v = liveVolume(db, req.volumeId);
  const shape: MeasurementShape = { kind: req.kind, axis: req.axis, slice: req.slice, points: req.points };
  const problem = shapeProblem(v.dims, shape);
  if (problem) throw new InputError(undefined, problem);
  const at = new Date().toISOString();
  const id = db.transaction(() => {
    const name = nextMeasurementName(db, v.id, profile.id, shape.kind);
    const newId = insertMeasurement(db, {
      ...shape,
      volumeId: v.id,
      annotatorId: profile.id,
      name,
      createdAt: at,
    });
    const m = info(v, getMeasurement(db, newId)!);
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'measurement.create',
        detail: { measurementId: newId, volumeId: v.id, caseId: v.caseId, ...shape, name, ...sizeDetail(m) },
      },
      at,
    );
    return newId;
  })();
  return info(v, getMeasurement(db, id)!);
}

/** The author's own measurement (others' answer as missing when blinded, forbidden otherwise). */
function ownMeasurement(db: Db, profile: Profile, id: number): { v: VolumeMeta; r: MeasurementRow } {
  const r = getMeasurement(db, id);
  const v = r && getVolume(db, r.volumeId);
  if (!r || !v || !canSeeWorkOf(db, profile, v.caseId, r.annotatorId))
    throw new NotFoundError(`measurement ${id} does not exist`);
  if (r.annotatorId !== profile.id)
    throw new ForbiddenError(`${r.name} is ${r.annotatorName}'s: only its author deletes or restores it`);
  liveVolume(db, v.id);
  return { v, r };
}

/** Marks the author's measurement deleted (the undo brings it back). */
export function deleteMeasurement(db: Db, profile: Profile, id: number): { measurementId: number } {
  const { v, r } = ownMeasurement(db, profile, id);
  if (r.deletedAt !== null) throw new ConflictError(`${r.name} is already deleted`);
  const at = new Date().toISOString();
  db.transaction(() => {
    setMeasurementDeleted(db, id, { by: profile.name, at });
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'measurement.delete',
        detail: { measurementId: id, volumeId: v.id, name: r.name },
      },
      at,
    );
  })();
  return { measurementId: id };
}

/** Brings back the author's deleted measurement (undo of a delete). */
export function restoreMeasurement(db: Db, profile: Profile, id: number): MeasurementInfo {
  const { v, r } = ownMeasurement(db, profile, id);
  if (r.deletedAt === null) throw new ConflictError(`${r.name} is not deleted`);
  const at = new Date().toISOString();
  db.transaction(() => {
    setMeasurementDeleted(db, id, null);
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'measurement.restore',
        detail: { measurementId: id, volumeId: v.id, name: r.name },
      },
      at,
    );
  })();
  return info(v, getMeasurement(db, id)!);
}

// The viewer's measurements (migration 011): rows as stored (points in continuous voxel indices), without
// the sizes, which the service computes from the volume. Writers are called inside the caller's
// transaction, with the audit row.
import type { MeasurementKind, MeasurementShape } from '../../core/model';
import type { Vec3 } from '../../core/geometry/affine';
import type { Db } from '../open';

export interface MeasurementRow extends MeasurementShape {
  id: number;
  volumeId: number;
  annotatorId: number;
  annotatorName: string;
  name: string;
  createdAt: string;
  deletedAt: string | null;
  deletedBy: string | null;
}

interface Raw {
  id: number;
  volume_id: number;
  annotator_id: number;
  annotator_name: string;
  kind: MeasurementKind;
  name: string;
  axis: 0 | 1 | 2;
  slice: number;
  points_json: string;
  created_at: string;
  deleted_at: string | null;
  deleted_by: string | null;
}

const SELECT = `SELECT m.*, a.name AS annotator_name FROM measurements m JOIN annotators a ON a.id = m.annotator_id`;

function toRow(r: Raw): MeasurementRow {
  return {
    id: r.id,
    volumeId: r.volume_id,
    annotatorId: r.annotator_id,
    annotatorName: r.annotator_name,
    kind: r.kind,
    name: r.name,
    axis: r.axis,
    slice: r.slice,
    points: JSON.parse(r.points_json) as [Vec3, Vec3],
    createdAt: r.created_at,
    deletedAt: r.deleted_at,
    deletedBy: r.deleted_by,
  };
}

/** The volume's measurements not deleted, oldest first. */
export function listMeasurements(db: Db, volumeId: number): MeasurementRow[] {
  return (
    db
      .prepare(`${SELECT} WHERE m.volume_id = ? AND m.deleted_at IS NULL ORDER BY m.id`)
      .all(volumeId) as Raw[]
  ).map(toRow);
}

/** Every measurement of the volume, deleted ones too, oldest first (what a bundle carries). */
export function listAllMeasurements(db: Db, volumeId: number): MeasurementRow[] {
  return (db.prepare(`${SELECT} WHERE m.volume_id = ? ORDER BY m.id`).all(volumeId) as Raw[]).map(toRow);
}

/** True when this author has a measurement of this name on the volume (deleted ones keep theirs). */
export function measurementNameTaken(db: Db, volumeId: number, annotatorId: number, name: string): boolean {
  return (
    db
      .prepare('SELECT 1 FROM measurements WHERE volume_id = ? AND annotator_id = ? AND name = ?')
      .get(volumeId, annotatorId, name) !== undefined
  );
}

export function getMeasurement(db: Db, id: number): MeasurementRow | undefined {
  const r = db.prepare(`${SELECT} WHERE m.id = ?`).get(id) as Raw | undefined;
  return r && toRow(r);
}

/** The next free "Ruler n" / "Ellipse n" of this author on this volume (deleted ones keep their number). */
export function nextMeasurementName(
  db: Db,
  volumeId: number,
  annotatorId: number,
  kind: MeasurementKind,
): string {
  const word = kind === 'ruler' ? 'Ruler' : 'Ellipse';
  const { n } = db
    .prepare('SELECT count(*) AS n FROM measurements WHERE volume_id = ? AND annotator_id = ? AND kind = ?')
    .get(volumeId, annotatorId, kind) as { n: number };
  return `${word} ${n + 1}`;
}

export function insertMeasurement(
  db: Db,
  m: MeasurementShape & { volumeId: number; annotatorId: number; name: string; createdAt: string },
): number {
  const r = db
    .prepare(
      `INSERT INTO measurements (volume_id, annotator_id, kind, name, axis, slice, points_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(m.volumeId, m.annotatorId, m.kind, m.name, m.axis, m.slice, JSON.stringify(m.points), m.createdAt);
  return Number(r.lastInsertRowid);
}

/** Marks deleted (by, at) or, with null, brings it back. */
export function setMeasurementDeleted(db: Db, id: number, mark: { by: string; at: string } | null): void {
  db.prepare('UPDATE measurements SET deleted_at = ?, deleted_by = ? WHERE id = ?').run(
    mark?.at ?? null,
    mark?.by ?? null,
    id,
  );
}

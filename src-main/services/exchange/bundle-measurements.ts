// The viewer's measurements in bundles (io/bundle/measurements.ts says what travels), read by collect.ts and
// written in the importer's one transaction by apply-bundle.ts, after the cases and profiles.
//  - Blinding, as for annotations: a task carries its annotator's own measurements only (another reader's
//    ruler across the nodule is their size estimate), a result its annotators', a review every one.
//  - Matching: by the global id made from the measurement's content, computed for this workspace's rows of
//    the same volume, so importing a bundle again adds nothing.
//  - Deletion: a measurement deleted on either side stays deleted, unless this workspace's author brought it
//    back after the bundle's deletion (the rows keep only when it was deleted; the audit trail's
//    `measurement.restore` row says when it came back): an old bundle does not undo a later undo.
// Every measurement taken and every deletion taken is audited here, under the importer's name.
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import {
  insertMeasurement,
  listAllMeasurements,
  measurementNameTaken,
  setMeasurementDeleted,
  type MeasurementRow,
} from '../../db/repositories/measurements';
import type { BundleManifest, BundleMeasurement } from '../../io/bundle/manifest';
import { measurementGid } from '../../io/bundle/measurements';
import type { ImportSummary } from './apply-bundle';

/** The measurements of the volumes (local id -> checksum), deleted ones too; of `authors` only unless null. */
export function collectMeasurements(
  db: Db,
  checksumOf: Map<number, string>,
  authors: Set<number> | null,
): BundleMeasurement[] {
  const out: BundleMeasurement[] = [];
  for (const [volumeId, checksum] of checksumOf) {
    for (const r of listAllMeasurements(db, volumeId)) {
      if (authors && !authors.has(r.annotatorId)) continue;
      out.push({
        gid: measurementGid(checksum, r),
        volume: checksum,
        annotator: r.annotatorName,
        kind: r.kind,
        name: r.name,
        axis: r.axis,
        slice: r.slice,
        points: r.points,
        createdAt: r.createdAt,
        deletedAt: r.deletedAt,
        deletedBy: r.deletedBy,
      });
    }
  }
  return out;
}

/** Its own name, or "<name> (2)", "(3)"… when its author already has another of that name on the volume. */
function freeName(db: Db, volumeId: number, annotatorId: number, name: string): string {
  if (!measurementNameTaken(db, volumeId, annotatorId, name)) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!measurementNameTaken(db, volumeId, annotatorId, candidate)) return candidate;
  }
}

export function recordMeasurements(
  db: Db,
  m: BundleManifest,
  volumeIds: Map<string, number>,
  profileOf: (name: string) => number,
  actor: string,
  at: string,
  s: ImportSummary,
): void {
  const caseOfVolume = db.prepare('SELECT case_id FROM volumes WHERE id = ?').pluck();
  // ISO times in both columns, so text order is time order.
  const restoredSince = db
    .prepare(
      `SELECT 1 FROM audit_log WHERE action = 'measurement.restore'
         AND json_extract(detail_json, '$.measurementId') = ? AND at >= ? LIMIT 1`,
    )
    .pluck();
  const known = new Map<number, Map<string, MeasurementRow>>();
  const localOf = (volumeId: number, checksum: string): Map<string, MeasurementRow> => {
    let byGid = known.get(volumeId);
    if (!byGid) {
      byGid = new Map(listAllMeasurements(db, volumeId).map((r) => [measurementGid(checksum, r), r]));
      known.set(volumeId, byGid);
    }
    return byGid;
  };
  for (const b of m.measurements ?? []) {
    const volumeId = volumeIds.get(b.volume);
    if (volumeId === undefined) continue;
    const caseId = caseOfVolume.get(volumeId) as number;
    const local = localOf(volumeId, b.volume).get(b.gid);
    if (local) {
      if (b.deletedAt === null || local.deletedAt !== null) continue;
      if (restoredSince.get(local.id, b.deletedAt) !== undefined) continue;
      setMeasurementDeleted(db, local.id, { by: b.deletedBy!, at: b.deletedAt });
      appendAudit(
        db,
        {
          actor,
          action: 'measurement.delete',
          detail: {
            measurementId: local.id,
            volumeId,
            name: local.name,
            deletedBy: b.deletedBy,
            from: 'bundle',
          },
        },
        at,
      );
      s.measurementsDeleted++;
      continue;
    }
    const annotatorId = profileOf(b.annotator);
    const shape = { kind: b.kind, axis: b.axis, slice: b.slice, points: b.points };
    const name = freeName(db, volumeId, annotatorId, b.name);
    const id = insertMeasurement(db, { ...shape, volumeId, annotatorId, name, createdAt: b.createdAt });
    if (b.deletedAt !== null) setMeasurementDeleted(db, id, { by: b.deletedBy!, at: b.deletedAt });
    appendAudit(
      db,
      {
        actor,
        action: 'measurement.import',
        detail: {
          measurementId: id,
          volumeId,
          caseId,
          ...shape,
          name,
          annotator: b.annotator,
          createdAt: b.createdAt,
          deleted: b.deletedAt !== null,
        },
      },
      at,
    );
    s.measurementsAdded++;
  }
}

// The review rows of a verified bundle (adjudications, their decisions, sign-offs and reopenings), written
// in the importer's transaction after the annotations and revisions they name (apply-bundle.ts). Each is
// matched by its global id, so a second import adds nothing; a volume already adjudicated here keeps its
// own adjudication, and the bundle's is named in the import's notes rather than taken.
import type { Db } from '../../db/open';
import { recordOrigin } from '../../db/repositories/exchange';
import type { Gids, OriginKind } from '../../db/repositories/exchange';
import type { BundleManifest } from '../../io/bundle/manifest';
import type { ImportSummary } from './apply-bundle';

/** Adjudications, decisions, sign-offs and reopenings, by global id. */
export function recordReview(
  db: Db,
  gids: Gids,
  m: BundleManifest,
  volumeIds: Map<string, number>,
  at: string,
  s: ImportSummary,
): void {
  const rev = (gid: string) => gids.resolve('revision', gid);
  const add = (kind: OriginKind, gid: string, insert: () => number) => {
    const id = insert();
    recordOrigin(db, kind, gid, id, at);
    s.reviewRowsAdded++;
  };
  for (const a of m.adjudications) {
    if (gids.resolve('adjudication', a.gid) !== null) continue;
    const volumeId = volumeIds.get(a.volume)!;
    if (db.prepare('SELECT 1 FROM adjudications WHERE volume_id = ?').get(volumeId)) {
      s.notes.push(
        `volume ${volumeId} is already adjudicated here: the bundle's adjudication ${a.gid} was not taken`,
      );
      continue;
    }
    add('adjudication', a.gid, () =>
      Number(
        db
          .prepare(
            `INSERT INTO adjudications (volume_id, label, working_annotation_id, seed_revision_id, started_by, started_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(
            volumeId,
            a.label,
            gids.resolve('annotation', a.workingAnnotation),
            rev(a.seedRevision),
            a.startedBy,
            a.startedAt,
          ).lastInsertRowid,
      ),
    );
  }
  for (const d of m.decisions) {
    const adjudicationId = gids.resolve('adjudication', d.adjudication);
    if (adjudicationId === null || gids.resolve('decision', d.gid) !== null) continue;
    add('decision', d.gid, () =>
      Number(
        db
          .prepare(
            `INSERT INTO adjudication_decisions (adjudication_id, kind, region_json, source_revision_id, rationale,
               result_revision_id, voxels_changed, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            adjudicationId,
            d.kind,
            d.region === null ? null : JSON.stringify(d.region),
            d.sourceRevision === null ? null : rev(d.sourceRevision),
            d.rationale,
            rev(d.resultRevision),
            d.voxelsChanged,
            d.decidedBy,
            d.decidedAt,
          ).lastInsertRowid,
      ),
    );
  }
  for (const so of m.signOffs) {
    const adjudicationId = gids.resolve('adjudication', so.adjudication);
    if (adjudicationId === null || gids.resolve('sign-off', so.gid) !== null) continue;
    add('sign-off', so.gid, () =>
      Number(
        db
          .prepare(
            `INSERT INTO sign_offs (adjudication_id, reference_annotation_id, reference_revision_id, working_revision_id,
               comment, signed_by, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            adjudicationId,
            gids.resolve('annotation', so.referenceAnnotation),
            rev(so.referenceRevision),
            rev(so.workingRevision),
            so.comment,
            so.signedBy,
            so.signedAt,
          ).lastInsertRowid,
      ),
    );
  }
  for (const r of m.reopenings) {
    const signOffId = gids.resolve('sign-off', r.signOff);
    if (signOffId === null || gids.resolve('reopening', r.gid) !== null) continue;
    add('reopening', r.gid, () =>
      Number(
        db
          .prepare(
            'INSERT INTO case_reopenings (sign_off_id, reopened_by, reopened_at, reason) VALUES (?, ?, ?, ?)',
          )
          .run(signOffId, r.reopenedBy, r.reopenedAt, r.reason).lastInsertRowid,
      ),
    );
  }
}

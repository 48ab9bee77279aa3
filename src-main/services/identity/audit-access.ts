// What of the audit log a window may read. Rows about an annotation (detail.annotationId: its creation,
// revisions, imports, reverts, status, time spent, exports) name its author and what they did, so blinding
// applies to them as to the annotation itself: an annotator reads the rows of annotations they may see
// (their own, or every one of a case open for review); reviewers and admins read every row. A signed-out
// window reads only the rows about no annotation (imports, projects, labels, profiles, sign-ins), which is
// what the Activity panel shows before anyone signs in, less the review's steps (consensus, adjudication,
// sign-off), which name raters. Rows about a measurement (detail.measurementId) follow its author's blinding
// (canSeeWorkOf): a ruler's length is a reader's estimate; signed out, none.
import type { AuditEntry } from '../../core/model';
import { auditNewestFirst } from '../../db/audit';
import type { Db } from '../../db/open';
import { getAnnotation } from '../../db/repositories/annotations';
import { getMeasurement } from '../../db/repositories/measurements';
import { getVolume } from '../../db/repositories/volumes';
import type { Profile } from './access';
import { canSee, canSeeWorkOf } from './blinding';

const REVIEW_ACTION = /^(consensus|adjudication)\.|^case\.(signOff|reopen)$/;

/** The newest `limit` rows the viewer (null: signed out) may read, newest first. */
export function visibleAudit(db: Db, viewer: Profile | null, limit: number): AuditEntry[] {
  const seen = new Map<number, boolean>();
  const visible = (annotationId: number): boolean => {
    let ok = seen.get(annotationId);
    if (ok === undefined) {
      const a = getAnnotation(db, annotationId);
      ok = viewer !== null && (viewer.role !== 'annotator' || (a !== undefined && canSee(db, viewer, a)));
      seen.set(annotationId, ok);
    }
    return ok;
  };
  const seenMeasurements = new Map<number, boolean>();
  const measurementVisible = (id: number): boolean => {
    let ok = seenMeasurements.get(id);
    if (ok === undefined) {
      const m = getMeasurement(db, id);
      const v = m && getVolume(db, m.volumeId);
      ok = viewer !== null && v !== undefined && canSeeWorkOf(db, viewer, v.caseId, m!.annotatorId);
      seenMeasurements.set(id, ok);
    }
    return ok;
  };
  const out: AuditEntry[] = [];
  for (const r of auditNewestFirst(db)) {
    if (out.length >= limit) break;
    const annotationId = r.detail['annotationId'];
    if (typeof annotationId === 'number' && !visible(annotationId)) continue;
    const measurementId = r.detail['measurementId'];
    if (typeof measurementId === 'number' && !measurementVisible(measurementId)) continue;
    // The review's own steps (comparisons, merges, adjudication, sign-off) name raters and revisions: they
    // happen only on cases open for review, and only signed-in profiles read them.
    if (viewer === null && REVIEW_ACTION.test(r.action)) continue;
    out.push({ id: r.id, at: r.at, actor: r.actor, action: r.action, detail: r.detail, hash: r.hash });
  }
  return out;
}

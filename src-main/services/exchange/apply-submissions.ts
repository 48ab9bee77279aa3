// The submissions of a verified bundle (the review gate: team/submissions.ts), written in the importer's
// transaction after the annotations they concern (apply-bundle.ts). A submission is the state of one
// (case, annotator) pair; the receiver keeps whichever of its row and the bundle's changed state last
// (stateAt), so importing the same bundle again changes nothing, an annotator's submission made on a laptop
// counts as submitted on the reviewer's machine (the default rater set, "Open for review"), and a return made
// later by the reviewer travels back in a task or review bundle. The annotations' work status ('done' on a
// submission, 'in-progress' on a return) comes with the annotations themselves (mergeWorkState). Each
// submission taken is audited here; the exporter's own rows about it come with the bundle's audit trail.
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getSubmission } from '../../db/repositories/team';
import type { BundleManifest } from '../../io/bundle/manifest';
import type { ImportSummary } from './apply-bundle';

export function recordSubmissions(
  db: Db,
  m: BundleManifest,
  volumeIds: Map<string, number>,
  profileOf: (name: string) => number,
  actor: string,
  at: string,
  s: ImportSummary,
): void {
  const caseOfVolume = db.prepare('SELECT case_id FROM volumes WHERE id = ?').pluck();
  for (const sub of m.submissions ?? []) {
    const volumeId = volumeIds.get(sub.case);
    if (volumeId === undefined) continue;
    const caseId = caseOfVolume.get(volumeId) as number;
    const annotatorId = profileOf(sub.annotator);
    const local = getSubmission(db, caseId, annotatorId);
    // Equal times: the same state change (this bundle imported again, or one that went around).
    if (local && local.stateAt >= sub.stateAt) continue;
    db.prepare(
      `INSERT INTO case_submissions (case_id, annotator_id, state, state_at, state_by, comment, submitted_at)
       VALUES (@caseId, @annotatorId, @state, @stateAt, @stateBy, @comment, @submittedAt)
       ON CONFLICT (case_id, annotator_id) DO UPDATE SET state = @state, state_at = @stateAt,
         state_by = @stateBy, comment = @comment, submitted_at = @submittedAt`,
    ).run({
      caseId,
      annotatorId,
      state: sub.state,
      stateAt: sub.stateAt,
      stateBy: sub.stateBy,
      comment: sub.comment,
      submittedAt: sub.submittedAt,
    });
    appendAudit(
      db,
      {
        actor,
        action: 'submission.import',
        detail: {
          caseId,
          annotator: sub.annotator,
          state: sub.state,
          stateAt: sub.stateAt,
          stateBy: sub.stateBy,
          ...(local ? { replaced: local.state } : {}),
        },
      },
      at,
    );
    s.submissionsTaken++;
  }
}

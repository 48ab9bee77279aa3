// The review gate. An annotator submits a case when done: their masks of the case become read-only to them
// (saves are refused in labelling/annotations.ts) until a reviewer or admin returns it with a comment. Only
// once they have submitted do they see the other readers' work of a case opened for review
// (identity/blinding.ts). Before opening a case for review, a reviewer sees who has not submitted yet
// (readiness). Each step is audited; their manual annotations' work status follows ('done' on submit,
// 'in-progress' on return) so the worklist reads the same.
import type { ReviewReadiness, SubmissionInfo } from '../../core/model';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { listManualAnnotationsOfProject, setWorkStatus } from '../../db/repositories/annotations';
import { getAnnotator } from '../../db/repositories/annotators';
import { isReviewOpen } from '../../db/repositories/reviews';
import {
  getCaseRow,
  getSubmission,
  isAssigned,
  listAssignments,
  listSubmissions,
  recordReturn,
  recordSubmission,
} from '../../db/repositories/team';
import { DATA_MANAGERS, requireRole, type Profile } from '../identity/access';
import { assigneeStatus } from './assignments';

export const MAX_COMMENT_LENGTH = 2000;

function requireLiveCase(db: Db, caseId: number) {
  const c = getCaseRow(db, caseId);
  if (!c || c.removedAt !== null) throw new NotFoundError(`case ${caseId} does not exist`);
  return c;
}

function manualOfCase(db: Db, projectId: number, caseId: number, annotatorId: number) {
  return listManualAnnotationsOfProject(db, projectId).filter(
    (a) => a.caseId === caseId && a.annotatorId === annotatorId,
  );
}

function checkComment(raw: string | undefined, required: boolean, what: string): string | null {
  const c = raw?.trim() ?? '';
  if (required && !c) throw new InputError(undefined, `${what} needs a comment saying why`);
  if (c.length > MAX_COMMENT_LENGTH)
    throw new InputError(undefined, `a comment may have at most ${MAX_COMMENT_LENGTH} characters`);
  return c || null;
}

/** The signed-in profile submits their work on a case. */
export function submitCase(
  db: Db,
  profile: Profile,
  req: { caseId: number; comment?: string },
): SubmissionInfo {
  const c = requireLiveCase(db, req.caseId);
  const own = manualOfCase(db, c.projectId, c.id, profile.id);
  if (own.length === 0 && !isAssigned(db, c.id, profile.id)) {
    throw new ForbiddenError(`case ${c.name} is not assigned to you and you have not labelled it`);
  }
  if (getSubmission(db, c.id, profile.id)?.state === 'submitted')
    throw new ConflictError(`you have already submitted case ${c.name}`);
  const comment = checkComment(req.comment, false, 'submitting');
  db.transaction(() => {
    const at = new Date().toISOString();
    recordSubmission(db, { caseId: c.id, annotatorId: profile.id, by: profile.name, at, comment });
    for (const a of own) setWorkStatus(db, a.id, 'done', null, at);
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'case.submit',
        detail: {
          caseId: c.id,
          annotations: own.map((a) => ({ annotationId: a.id, headRevisionId: a.headRevisionId })),
          ...(comment ? { comment } : {}),
        },
      },
      at,
    );
  })();
  return getSubmission(db, c.id, profile.id)!;
}

/** A reviewer or admin returns an annotator's submission with a comment: their masks are editable again. */
export function returnCase(
  db: Db,
  profile: Profile,
  req: { caseId: number; annotatorId: number; comment: string },
): SubmissionInfo {
  requireRole(profile, DATA_MANAGERS, 'returning a submission');
  const c = requireLiveCase(db, req.caseId);
  const who = getAnnotator(db, req.annotatorId);
  if (!who) throw new NotFoundError(`profile ${req.annotatorId} does not exist`);
  if (getSubmission(db, c.id, who.id)?.state !== 'submitted')
    throw new ConflictError(`${who.name} has not submitted case ${c.name}: there is nothing to return`);
  const comment = checkComment(req.comment, true, 'returning a case')!;
  const own = manualOfCase(db, c.projectId, c.id, who.id);
  db.transaction(() => {
    const at = new Date().toISOString();
    recordReturn(db, { caseId: c.id, annotatorId: who.id, by: profile.name, at, comment });
    for (const a of own) setWorkStatus(db, a.id, 'in-progress', null, at);
    appendAudit(
      db,
      { actor: profile.name, action: 'case.return', detail: { caseId: c.id, annotator: who.name, comment } },
      at,
    );
  })();
  return getSubmission(db, c.id, who.id)!;
}

/** The signed-in profile's own submission of a case (null when never submitted). */
export function ownSubmission(db: Db, profile: Profile, caseId: number): SubmissionInfo | null {
  requireLiveCase(db, caseId);
  return getSubmission(db, caseId, profile.id) ?? null;
}

/** Who has and has not submitted a case: shown before opening it for review. */
export function reviewReadiness(db: Db, profile: Profile, caseId: number): ReviewReadiness {
  requireRole(profile, DATA_MANAGERS, 'the review readiness');
  const c = requireLiveCase(db, caseId);
  const manual = listManualAnnotationsOfProject(db, c.projectId).filter((a) => a.caseId === c.id);
  const submissions = new Map(listSubmissions(db, c.id).map((s) => [s.annotatorId, s]));
  const assigned = listAssignments(db, c.projectId)
    .filter((a) => a.caseId === c.id)
    .map((a) => a.annotatorId);
  // Profiles that merely opened the case (an empty annotation, e.g. a reviewer looking) are not pending.
  const labelled = manual.filter((a) => a.revisionCount > 0).map((a) => a.annotatorId!);
  const people = [...new Set([...assigned, ...labelled, ...submissions.keys()])];
  const out: ReviewReadiness = {
    caseId: c.id,
    reviewOpen: isReviewOpen(db, c.id),
    pending: [],
    submitted: [],
  };
  for (const id of people) {
    const name = getAnnotator(db, id)?.name ?? `profile ${id}`;
    const s = submissions.get(id);
    if (s?.state === 'submitted')
      out.submitted.push({ annotatorId: id, annotatorName: name, submittedAt: s.submittedAt });
    else {
      const status = assigneeStatus(
        manual.filter((a) => a.annotatorId === id),
        s?.state ?? null,
      );
      out.pending.push({ annotatorId: id, annotatorName: name, status });
    }
  }
  const byName = (a: { annotatorName: string }, b: { annotatorName: string }) =>
    a.annotatorName.localeCompare(b.annotatorName);
  out.pending.sort(byName);
  out.submitted.sort(byName);
  return out;
}

// The worklist: a row per (volume, annotator) with work status (not started, in progress, done, flagged for
// review), time spent, the flag comment and the review gate (submitted / returned with a comment). An
// annotator's worklist holds their assigned cases only (every case of a project that has no assignment yet:
// an open project); reviewers and admins see, per volume, the case's assignees and anyone who has labelled it
// — not every profile of the workspace (team/assignments.ts groups the same by case) — or, on a volume with
// nobody yet, their own row.
import type { SubmissionInfo, WorkStatus, WorklistRow } from '../../core/model';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import {
  addTimeSpent,
  getAnnotation,
  listManualAnnotationsOfProject,
  setWorkStatus,
} from '../../db/repositories/annotations';
import type { AnnotationRow } from '../../db/repositories/annotations';
import { listAnnotators } from '../../db/repositories/annotators';
import { getProject } from '../../db/repositories/projects';
import {
  getSubmission,
  isAssigned,
  isSubmitted,
  listAssignments,
  listSubmissions,
} from '../../db/repositories/team';
import type { Profile } from '../identity/access';
import { requireAnnotation } from './annotations';

/** Time reports come every few seconds to minutes; one larger than this is a bug or a forgery. */
export const MAX_SECONDS_PER_REPORT = 600;
export const MAX_COMMENT_LENGTH = 2000;

interface VolumeOfProject {
  volumeId: number;
  caseId: number;
  caseName: string;
}

function volumesOf(db: Db, projectId: number): VolumeOfProject[] {
  return db
    .prepare(
      `SELECT v.id AS volumeId, c.id AS caseId, c.name AS caseName
       FROM volumes v JOIN cases c ON c.id = v.case_id WHERE c.project_id = ? AND c.removed_at IS NULL ORDER BY c.name, v.id`,
    )
    .all(projectId) as VolumeOfProject[];
}

export function worklist(db: Db, viewer: Profile, projectId: number): WorklistRow[] {
  if (!getProject(db, projectId)) throw new NotFoundError(`project ${projectId} does not exist`);
  const annotations = listManualAnnotationsOfProject(db, projectId);
  const byCell = new Map(annotations.map((a) => [`${a.volumeId}:${a.annotatorId}`, a]));
  const assignments = listAssignments(db, projectId);
  const assigned = new Set(assignments.map((a) => `${a.caseId}:${a.annotatorId}`));
  const names = new Map(listAnnotators(db).map((p) => [p.id, p.name]));
  const openProject = assignments.length === 0;
  const submissions = new Map<number, Map<number, SubmissionInfo>>();
  const submissionOf = (caseId: number, annotatorId: number) => {
    let m = submissions.get(caseId);
    if (!m)
      submissions.set(caseId, (m = new Map(listSubmissions(db, caseId).map((s) => [s.annotatorId, s]))));
    return m.get(annotatorId) ?? null;
  };
  const rows: WorklistRow[] = [];
  for (const v of volumesOf(db, projectId)) {
    let people: number[];
    if (viewer.role === 'annotator') {
      // Their assignments, and a volume they labelled; one they merely opened (the app opens the volume shown
      // when they sign in, an empty annotation) is not theirs to do.
      const labelled = (byCell.get(`${v.volumeId}:${viewer.id}`)?.revisionCount ?? 0) > 0;
      people = openProject || assigned.has(`${v.caseId}:${viewer.id}`) || labelled ? [viewer.id] : [];
    } else {
      people = [
        ...new Set([
          ...assignments.filter((a) => a.caseId === v.caseId).map((a) => a.annotatorId),
          // Who labelled it; a profile that merely opened it (an empty annotation: a reviewer looking) is
          // no row of it.
          ...annotations
            .filter((a) => a.volumeId === v.volumeId && a.revisionCount > 0)
            .map((a) => a.annotatorId!),
        ]),
      ].sort((a, b) => (names.get(a) ?? '').localeCompare(names.get(b) ?? ''));
      // A volume nobody is assigned to or has labelled stays on the list as the viewer's own, not started:
      // the case is still to do (and the uncertainty order ranks exactly such cases).
      if (people.length === 0) people = [viewer.id];
    }
    for (const id of people) {
      const a = byCell.get(`${v.volumeId}:${id}`);
      const s = submissionOf(v.caseId, id);
      rows.push({
        caseId: v.caseId,
        caseName: v.caseName,
        volumeId: v.volumeId,
        annotatorId: id,
        annotatorName: names.get(id) ?? `profile ${id}`,
        annotationId: a?.id ?? null,
        status: a?.status ?? 'not-started',
        timeSpentSec: a?.timeSpentSec ?? 0,
        flagComment: a?.flagComment ?? null,
        updatedAt: a?.updatedAt ?? null,
        assigned: assigned.has(`${v.caseId}:${id}`),
        submission: s?.state ?? null,
        returnComment: s?.state === 'returned' ? s.comment : null,
      });
    }
  }
  return rows;
}

/** The viewer's next volume: the first in progress, else the first not started; null when none is left. */
export function nextCase(
  db: Db,
  viewer: Profile,
  projectId: number,
): { caseId: number; volumeId: number } | null {
  const own = worklist(db, { ...viewer, role: 'annotator' }, projectId);
  const pick = own.find((r) => r.status === 'in-progress') ?? own.find((r) => r.status === 'not-started');
  return pick ? { caseId: pick.caseId, volumeId: pick.volumeId } : null;
}

function rowOf(db: Db, a: AnnotationRow): WorklistRow {
  const caseName = (db.prepare('SELECT name FROM cases WHERE id = ?').get(a.caseId) as { name: string }).name;
  const s = getSubmission(db, a.caseId, a.annotatorId!);
  return {
    caseId: a.caseId,
    caseName,
    volumeId: a.volumeId,
    annotatorId: a.annotatorId!,
    annotatorName: a.authorName,
    annotationId: a.id,
    status: a.status,
    timeSpentSec: a.timeSpentSec,
    flagComment: a.flagComment,
    updatedAt: a.updatedAt,
    assigned: isAssigned(db, a.caseId, a.annotatorId!),
    submission: s?.state ?? null,
    returnComment: s?.state === 'returned' ? s.comment : null,
  };
}

function requireManual(db: Db, annotationId: number): AnnotationRow {
  const a = requireAnnotation(db, annotationId);
  if (a.kind !== 'manual')
    throw new InputError(undefined, `annotation ${annotationId} is derived: it has no work status`);
  return a;
}

/**
 * Sets the work status of an annotation: by its annotator, or by a reviewer or admin (e.g. to send it
 * back). Flagging needs a comment saying why.
 */
export function setStatus(
  db: Db,
  profile: Profile,
  req: { annotationId: number; status: WorkStatus; comment?: string },
): WorklistRow {
  const a = requireManual(db, req.annotationId);
  if (a.annotatorId !== profile.id && profile.role === 'annotator') {
    throw new ForbiddenError(
      `annotation ${a.id} is another annotator's: only they, a reviewer or an admin can set its status`,
    );
  }
  if (isSubmitted(db, a.caseId, a.annotatorId!)) {
    throw new ConflictError(
      `case ${a.caseId} is submitted: its status changes when a reviewer returns it (with a comment)`,
    );
  }
  const comment = req.comment?.trim() ?? '';
  if (req.status === 'flagged' && !comment)
    throw new InputError(undefined, 'flagging for review needs a comment saying why');
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw new InputError(undefined, `a comment may have at most ${MAX_COMMENT_LENGTH} characters`);
  }
  db.transaction(() => {
    const at = new Date().toISOString();
    setWorkStatus(db, a.id, req.status, req.status === 'flagged' ? comment : null, at);
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'annotation.status',
        detail: {
          annotationId: a.id,
          from: a.status,
          to: req.status,
          ...(req.status === 'flagged' ? { comment } : {}),
        },
      },
      at,
    );
  })();
  return rowOf(db, getAnnotation(db, a.id)!);
}

/** Adds seconds of focused work (0 < seconds <= 600) to the annotator's own annotation. */
export function addTime(
  db: Db,
  profile: Profile,
  req: { annotationId: number; seconds: number },
): { timeSpentSec: number } {
  if (!Number.isFinite(req.seconds) || req.seconds <= 0 || req.seconds > MAX_SECONDS_PER_REPORT) {
    throw new InputError(undefined, `seconds must be more than 0 and at most ${MAX_SECONDS_PER_REPORT}`);
  }
  const a = requireManual(db, req.annotationId);
  if (a.annotatorId !== profile.id) {
    throw new ForbiddenError(`annotation ${a.id} is another annotator's: time is reported by its annotator`);
  }
  const timeSpentSec = db.transaction(() => {
    const total = addTimeSpent(db, a.id, req.seconds);
    appendAudit(db, {
      actor: profile.name,
      action: 'annotation.time',
      detail: { annotationId: a.id, seconds: req.seconds },
    });
    return total;
  })();
  return { timeSpentSec };
}

// The worklist: every volume of a project x every annotator, with work status (not started, in progress,
// done, flagged for review), time spent and the flag comment. An annotator's worklist holds their own rows
// only; reviewers and admins see everyone's (profiles with the annotator role, and anyone who has labelled
// in the project).
import type { WorkStatus, WorklistRow } from '../../core/model';
import { ForbiddenError, InputError, NotFoundError } from '../../core/errors';
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
       FROM volumes v JOIN cases c ON c.id = v.case_id WHERE c.project_id = ? ORDER BY c.name, v.id`,
    )
    .all(projectId) as VolumeOfProject[];
}

export function worklist(db: Db, viewer: Profile, projectId: number): WorklistRow[] {
  if (!getProject(db, projectId)) throw new NotFoundError(`project ${projectId} does not exist`);
  const annotations = listManualAnnotationsOfProject(db, projectId);
  const byCell = new Map(annotations.map((a) => [`${a.volumeId}:${a.annotatorId}`, a]));
  let people: { id: number; name: string }[];
  if (viewer.role === 'annotator') people = [viewer];
  else {
    const labelled = new Set(annotations.map((a) => a.annotatorId));
    people = listAnnotators(db).filter((p) => p.role === 'annotator' || labelled.has(p.id));
  }
  const rows: WorklistRow[] = [];
  for (const v of volumesOf(db, projectId)) {
    for (const p of people) {
      const a = byCell.get(`${v.volumeId}:${p.id}`);
      rows.push({
        caseId: v.caseId,
        caseName: v.caseName,
        volumeId: v.volumeId,
        annotatorId: p.id,
        annotatorName: p.name,
        annotationId: a?.id ?? null,
        status: a?.status ?? 'not-started',
        timeSpentSec: a?.timeSpentSec ?? 0,
        flagComment: a?.flagComment ?? null,
        updatedAt: a?.updatedAt ?? null,
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

// Assignments: a reviewer or admin gives cases to annotators — one by one, a selection, or each case to k of
// the listed annotators, balanced (core/team/balance.ts). The reviewer's view of a project is one row per case
// with each assignee's status (assigned people, and anyone else who has labelled the case); an annotator's
// worklist holds their assignments only (labelling/worklist.ts).
import type {
  AssigneeInfo,
  AssigneeStatus,
  AssignRequest,
  AssignResult,
  CaseTeamRow,
} from '../../core/model';
import { InputError, NotFoundError } from '../../core/errors';
import { balancedPairs } from '../../core/team/balance';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { listManualAnnotationsOfProject } from '../../db/repositories/annotations';
import type { AnnotationRow } from '../../db/repositories/annotations';
import { getAnnotator, listAnnotators } from '../../db/repositories/annotators';
import { listCases } from '../../db/repositories/projects';
import { isReviewOpen } from '../../db/repositories/reviews';
import {
  deleteAssignment,
  getCaseRow,
  insertAssignment,
  listAssignments,
  listSubmissions,
} from '../../db/repositories/team';
import { DATA_MANAGERS, requireRole, type Profile } from '../identity/access';
import { requireProject } from './projects';

/** At most this many cases or annotators in one request (a project is labelled by a team, not a crowd). */
export const MAX_LIST = 10_000;

function requireAnnotators(db: Db, ids: number[]): { id: number; name: string }[] {
  if (ids.length === 0) throw new InputError(undefined, 'name at least one annotator');
  if (new Set(ids).size !== ids.length) throw new InputError(undefined, 'an annotator is listed twice');
  return ids.map((id) => {
    const p = getAnnotator(db, id);
    if (!p) throw new NotFoundError(`profile ${id} does not exist`);
    if (p.role !== 'annotator')
      throw new InputError(undefined, `${p.name} is a ${p.role}: cases are assigned to annotators`);
    return { id: p.id, name: p.name };
  });
}

function casesOf(db: Db, projectId: number, caseIds: number[] | undefined): number[] {
  const live = listCases(db, projectId).map((c) => c.id);
  if (caseIds === undefined) return live.sort((a, b) => a - b);
  if (caseIds.length === 0) throw new InputError(undefined, 'name at least one case');
  const set = new Set(live);
  for (const id of caseIds) {
    if (!set.has(id)) {
      const c = getCaseRow(db, id);
      throw new InputError(
        undefined,
        c && c.removedAt === null
          ? `case ${c.name} is not in project ${projectId}`
          : `case ${id} does not exist`,
      );
    }
  }
  if (new Set(caseIds).size !== caseIds.length) throw new InputError(undefined, 'a case is listed twice');
  return caseIds;
}

export function assign(db: Db, profile: Profile, req: AssignRequest): AssignResult {
  requireRole(profile, DATA_MANAGERS, 'assigning cases');
  requireProject(db, req.projectId);
  const people = requireAnnotators(db, req.annotatorIds);
  const cases = casesOf(db, req.projectId, req.caseIds);
  if (cases.length === 0) throw new InputError(undefined, `project ${req.projectId} has no case to assign`);
  const perCase = req.perCase ?? people.length;
  if (!Number.isInteger(perCase) || perCase < 1 || perCase > people.length) {
    throw new InputError(
      undefined,
      `each case can go to 1..${people.length} of the ${people.length} annotators named (asked ${perCase})`,
    );
  }
  const existing = listAssignments(db, req.projectId);
  const pairs = balancedPairs(
    cases,
    people.map((p) => p.id),
    perCase,
    existing,
  );
  const names = new Map(people.map((p) => [p.id, p.name]));
  db.transaction(() => {
    const at = new Date().toISOString();
    for (const p of pairs) insertAssignment(db, p.caseId, p.annotatorId, profile.name, at);
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'case.assign',
        detail: {
          projectId: req.projectId,
          perCase,
          annotators: people.map((p) => p.name),
          pairs: pairs.map((p) => [p.caseId, names.get(p.annotatorId)!]),
        },
      },
      at,
    );
  })();
  const after = listAssignments(db, req.projectId);
  return {
    projectId: req.projectId,
    added: pairs.map((p) => ({ ...p, annotatorName: names.get(p.annotatorId)! })),
    load: people.map((p) => ({
      annotatorId: p.id,
      annotatorName: p.name,
      cases: after.filter((a) => a.annotatorId === p.id).length,
    })),
  };
}

export function unassign(
  db: Db,
  profile: Profile,
  req: { caseId: number; annotatorId: number },
): { removed: boolean } {
  requireRole(profile, DATA_MANAGERS, 'changing assignments');
  const c = getCaseRow(db, req.caseId);
  if (!c || c.removedAt !== null) throw new NotFoundError(`case ${req.caseId} does not exist`);
  const removed = db.transaction(() => {
    const done = deleteAssignment(db, req.caseId, req.annotatorId);
    if (done) {
      appendAudit(db, {
        actor: profile.name,
        action: 'case.unassign',
        detail: {
          caseId: req.caseId,
          annotatorId: req.annotatorId,
          annotator: getAnnotator(db, req.annotatorId)?.name,
        },
      });
    }
    return done;
  })();
  return { removed };
}

/** One annotator's status on a case from their annotations of its volumes and their submission. */
export function assigneeStatus(
  annotations: AnnotationRow[],
  submission: 'submitted' | 'returned' | null,
): AssigneeStatus {
  if (submission) return submission;
  if (annotations.some((a) => a.status === 'flagged')) return 'flagged';
  if (annotations.some((a) => a.revisionCount > 0 || a.status !== 'not-started')) return 'in-progress';
  return 'not-started';
}

/**
 * The reviewer's view: one row per case of the project with each assignee's status, and each unassigned
 * profile that labelled or submitted the case.
 */
export function teamView(db: Db, profile: Profile, projectId: number): CaseTeamRow[] {
  requireRole(profile, DATA_MANAGERS, 'the team view');
  requireProject(db, projectId);
  const assignments = listAssignments(db, projectId);
  const annotations = listManualAnnotationsOfProject(db, projectId);
  const names = new Map(listAnnotators(db).map((p) => [p.id, p.name]));
  const volumes = db
    .prepare(
      `SELECT v.id, v.case_id AS caseId FROM volumes v JOIN cases c ON c.id = v.case_id
       WHERE c.project_id = ? ORDER BY v.id`,
    )
    .all(projectId) as { id: number; caseId: number }[];
  return listCases(db, projectId).map((c) => {
    const mine = annotations.filter((a) => a.caseId === c.id);
    const submissions = new Map(listSubmissions(db, c.id).map((s) => [s.annotatorId, s]));
    const assigned = new Set(assignments.filter((a) => a.caseId === c.id).map((a) => a.annotatorId));
    // Profiles that merely opened the case (an empty annotation: a reviewer looking) are no assignees.
    const labelled = mine.filter((a) => a.revisionCount > 0).map((a) => a.annotatorId!);
    const people = [...new Set([...assigned, ...labelled, ...submissions.keys()])];
    const assignees: AssigneeInfo[] = people
      .map((id) => {
        const own = mine.filter((a) => a.annotatorId === id);
        const s = submissions.get(id) ?? null;
        return {
          annotatorId: id,
          annotatorName: names.get(id) ?? `profile ${id}`,
          assigned: assigned.has(id),
          status: assigneeStatus(own, s?.state ?? null),
          submission: s,
          timeSpentSec: own.reduce((t, a) => t + a.timeSpentSec, 0),
        };
      })
      .sort((a, b) => a.annotatorName.localeCompare(b.annotatorName));
    return {
      caseId: c.id,
      caseName: c.name,
      volumeIds: volumes.filter((v) => v.caseId === c.id).map((v) => v.id),
      assignees,
      reviewOpen: isReviewOpen(db, c.id),
    };
  });
}

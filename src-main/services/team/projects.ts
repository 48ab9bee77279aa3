// Projects as a labelling lead runs them: create (name, modality, labels), rename, change the modality,
// archive or restore; move a case to another project; remove a case (admin only, with a reason); set or clear
// a case's subject. Removal hides the case from every list and keeps its rows (volumes, annotations and
// revisions are never deleted); the audit log records who, when and why. Creating and editing projects,
// moving cases and setting their subjects need a reviewer or an admin.
import type { CaseInfo, LabelInfo, ProjectInfo, ProjectKind } from '../../core/model';
import { ConflictError, InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import type { Workspace } from '../../workspace/workspace';
import { ensureLabels, upsertLabel } from '../../db/repositories/labels';
import { findProjectByName, getProject, insertProject, listCases } from '../../db/repositories/projects';
import {
  getCaseRow,
  labelValuesOfCase,
  moveCase as moveCaseRow,
  removeCase as removeCaseRow,
  updateProject as updateProjectRow,
} from '../../db/repositories/team';
import { DATA_MANAGERS, requireRole, type Profile } from '../identity/access';
import { setSubject } from '../labelling/case-subject';
import { checkLabel } from '../labelling/labels';

export const MAX_REASON_LENGTH = 2000;

export interface ProjectDraft {
  name: string;
  modality?: string | null;
  /** Clinical (default) keeps source DICOM UIDs; research de-identifies at import (workspace/deidentify.ts). */
  kind?: ProjectKind;
  /** Default: one label, 1 'Lesion'. */
  labels?: Omit<LabelInfo, 'id' | 'projectId'>[];
}

function checkName(db: Db, raw: string, except?: number): string {
  const name = raw.trim();
  if (!name || name.length > 200)
    throw new InputError(undefined, 'a project needs a name of 1..200 characters');
  const other = findProjectByName(db, name);
  if (other && other.id !== except)
    throw new InputError(undefined, `a project named '${name}' already exists`);
  return name;
}

function checkModality(raw: string | null | undefined): string | null {
  const m = raw?.trim() ?? '';
  if (m.length > 32) throw new InputError(undefined, 'a modality has at most 32 characters (CT, MR, ...)');
  return m || null;
}

export function requireProject(db: Db, id: number): ProjectInfo {
  const p = getProject(db, id);
  if (!p) throw new NotFoundError(`project ${id} does not exist`);
  return p;
}

export function createProject(db: Db, profile: Profile, draft: ProjectDraft): ProjectInfo {
  requireRole(profile, DATA_MANAGERS, 'creating a project');
  const name = checkName(db, draft.name);
  const modality = checkModality(draft.modality);
  const labels = (draft.labels ?? []).map((l) => checkLabel({ ...l, projectId: 0 }));
  const values = labels.map((l) => l.value);
  if (new Set(values).size !== values.length)
    throw new InputError(undefined, 'two labels have the same value');
  const id = db.transaction(() => {
    const at = new Date().toISOString();
    const kind = draft.kind ?? 'clinical';
    const projectId = insertProject(db, name, at, { modality, kind });
    if (labels.length > 0) {
      db.prepare('DELETE FROM labels WHERE project_id = ?').run(projectId);
      for (const l of labels) upsertLabel(db, { ...l, projectId });
    }
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'project.create',
        detail: {
          projectId,
          name,
          modality,
          kind,
          labels: labels.map((l) => ({ value: l.value, name: l.name })),
        },
      },
      at,
    );
    return projectId;
  })();
  return getProject(db, id)!;
}

export function updateProject(
  db: Db,
  profile: Profile,
  req: { projectId: number; name?: string; modality?: string | null; archived?: boolean },
): ProjectInfo {
  requireRole(profile, DATA_MANAGERS, 'changing a project');
  const before = requireProject(db, req.projectId);
  const name = req.name === undefined ? undefined : checkName(db, req.name, before.id);
  const modality = req.modality === undefined ? undefined : checkModality(req.modality);
  db.transaction(() => {
    const at = new Date().toISOString();
    const archivedAt =
      req.archived === undefined || req.archived === (before.archivedAt !== null)
        ? undefined
        : req.archived
          ? at
          : null;
    updateProjectRow(db, before.id, { name, modality, archivedAt });
    const after = getProject(db, before.id)!;
    appendAudit(
      db,
      {
        actor: profile.name,
        action:
          archivedAt === undefined ? 'project.update' : archivedAt ? 'project.archive' : 'project.restore',
        detail: {
          projectId: before.id,
          before: { name: before.name, modality: before.modality, archivedAt: before.archivedAt },
          after: { name: after.name, modality: after.modality, archivedAt: after.archivedAt },
        },
      },
      at,
    );
  })();
  return getProject(db, before.id)!;
}

function requireLiveCase(db: Db, caseId: number) {
  const c = getCaseRow(db, caseId);
  if (!c || c.removedAt !== null) throw new NotFoundError(`case ${caseId} does not exist`);
  return c;
}

/** Moves a case (its volumes, annotations, assignments) to another project; the labels its masks use follow. */
export function moveCase(db: Db, profile: Profile, req: { caseId: number; projectId: number }): CaseInfo {
  requireRole(profile, DATA_MANAGERS, 'moving a case');
  const c = requireLiveCase(db, req.caseId);
  const target = requireProject(db, req.projectId);
  if (target.id === c.projectId)
    throw new InputError(undefined, `case ${c.name} is already in ${target.name}`);
  if (target.archivedAt !== null)
    throw new ConflictError(`project ${target.name} is archived: restore it before moving cases into it`);
  const clash = db.prepare('SELECT 1 FROM cases WHERE project_id = ? AND name = ?').get(target.id, c.name);
  if (clash) throw new ConflictError(`project ${target.name} already has a case named ${c.name}`);
  db.transaction(() => {
    const at = new Date().toISOString();
    moveCaseRow(db, c.id, target.id);
    const created = ensureLabels(db, target.id, labelValuesOfCase(db, c.id));
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'case.move',
        detail: {
          caseId: c.id,
          name: c.name,
          fromProjectId: c.projectId,
          toProjectId: target.id,
          labelsCreated: created.map((l) => l.value),
        },
      },
      at,
    );
  })();
  return listCases(db, target.id).find((x) => x.id === c.id)!;
}

/** Removes a case from its project's lists (admin only, reason required); its rows stay, as the audit says. */
export function removeCase(
  db: Db,
  profile: Profile,
  req: { caseId: number; reason: string },
): { caseId: number } {
  requireRole(profile, ['admin'], 'removing a case');
  const c = requireLiveCase(db, req.caseId);
  const reason = req.reason.trim();
  if (!reason) throw new InputError(undefined, 'removing a case needs a reason');
  if (reason.length > MAX_REASON_LENGTH)
    throw new InputError(undefined, `a reason may have at most ${MAX_REASON_LENGTH} characters`);
  db.transaction(() => {
    const at = new Date().toISOString();
    removeCaseRow(db, c.id, profile.name, reason, at);
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'case.remove',
        detail: { caseId: c.id, name: c.name, projectId: c.projectId, reason },
      },
      at,
    );
  })();
  return { caseId: c.id };
}

/**
 * Sets (a name) or clears (null) a live case's subject, as `concord subject` does: labelling/case-subject.ts
 * checks the name, stores a research project's pseudonym and writes the audit row. Answers the case.
 */
export function setSubjectOfCase(
  ws: Workspace,
  profile: Profile,
  req: { caseId: number; subject: string | null },
): CaseInfo {
  requireRole(profile, DATA_MANAGERS, "setting a case's subject");
  const c = requireLiveCase(ws.db, req.caseId);
  setSubject(ws, c.id, req.subject, profile.name);
  return listCases(ws.db, c.projectId).find((x) => x.id === c.id)!;
}

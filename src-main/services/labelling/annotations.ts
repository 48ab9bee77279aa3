// Annotations as the renderer sees them: listed, opened, read, edited, reverted — with blinding and
// attribution. Every change is made by the signed-in profile and saved as a new revision (mask-store.ts).
import type { AnnotationInfo, MaskData, MaskPatch, RevisionInfo } from '../../core/model';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import {
  findManualAnnotation,
  getAnnotation,
  insertManualAnnotation,
  listAnnotationsOfVolume,
  toAnnotationInfo,
} from '../../db/repositories/annotations';
import type { AnnotationRow, EditTarget } from '../../db/repositories/annotations';
import { getRevision, listRevisions, toRevisionInfo } from '../../db/repositories/revisions';
import { isSubmitted } from '../../db/repositories/team';
import { getVolume } from '../../db/repositories/volumes';
import type { Profile } from '../identity/access';
import { requireRole } from '../identity/access';
import { assertCanSee, canSee } from '../identity/blinding';
import type { MaskStore } from '../masks/mask-store';

export function requireAnnotation(db: Db, id: number): AnnotationRow {
  const a = getAnnotation(db, id);
  if (!a) throw new NotFoundError(`annotation ${id} does not exist`);
  return a;
}

/** A manual annotation is edited by its annotator only; a derived one (consensus) by reviewers and admins. */
export function assertCanEdit(profile: Profile, annotation: AnnotationRow): void {
  if (annotation.kind === 'manual') {
    if (annotation.annotatorId !== profile.id) {
      throw new ForbiddenError(`annotation ${annotation.id} is another annotator's: only they can edit it`);
    }
  } else {
    requireRole(profile, ['reviewer', 'admin'], 'editing a derived annotation');
  }
}

/**
 * What a save checks on its target (read once by the mask store, in turn with the annotation's other
 * saves): the editor may edit it, and it is not frozen. A manual annotation is frozen while its annotator's
 * submission of the case stands (the review gate: team/submissions.ts). An adjudication's working mask is frozen while its
 * case is signed off, and a signed reference mask is never edited (reopening the case and signing off again
 * makes a new one).
 */
function mayEdit(db: Db, editor: Profile): (target: EditTarget) => void {
  return ({ annotation, referenceOf, frozenBy }) => {
    assertCanEdit(editor, annotation);
    if (annotation.kind === 'manual' && isSubmitted(db, annotation.caseId, annotation.annotatorId!)) {
      throw new ConflictError(
        `case ${annotation.caseId} is submitted: your annotation is read-only until a reviewer returns it`,
      );
    }
    if (referenceOf !== null) {
      throw new ConflictError(
        `annotation ${annotation.id} is a signed reference mask (sign-off ${referenceOf}): reopen the case and sign off again to change it`,
      );
    }
    if (frozenBy !== null) {
      throw new ConflictError(
        `annotation ${annotation.id} is the working mask of adjudication ${frozenBy}, which is signed off: reopen the case (with a reason) to edit it`,
      );
    }
  };
}

export function listVisible(db: Db, viewer: Profile, volumeId: number): AnnotationInfo[] {
  if (!getVolume(db, volumeId)) throw new NotFoundError(`volume ${volumeId} does not exist`);
  return listAnnotationsOfVolume(db, volumeId)
    .filter((a) => canSee(db, viewer, a))
    .map(toAnnotationInfo);
}

/** The viewer's own manual annotation of a volume, created (with its audit row) when absent. */
export function openOwn(db: Db, viewer: Profile, volumeId: number): AnnotationInfo {
  if (!getVolume(db, volumeId)) throw new NotFoundError(`volume ${volumeId} does not exist`);
  const existing = findManualAnnotation(db, volumeId, viewer.id);
  if (existing) return toAnnotationInfo(existing);
  const id = db.transaction(() => {
    const again = findManualAnnotation(db, volumeId, viewer.id);
    if (again) return again.id;
    const at = new Date().toISOString();
    const annotationId = insertManualAnnotation(db, volumeId, viewer.id, at);
    appendAudit(
      db,
      { actor: viewer.name, action: 'annotation.create', detail: { annotationId, volumeId } },
      at,
    );
    return annotationId;
  })();
  return toAnnotationInfo(getAnnotation(db, id)!);
}

export async function readMask(store: MaskStore, viewer: Profile, revisionId: number): Promise<MaskData> {
  const db = store.ws.db;
  const revision = getRevision(db, revisionId);
  if (!revision) throw new NotFoundError(`revision ${revisionId} does not exist`);
  const annotation = requireAnnotation(db, revision.annotationId);
  assertCanSee(db, viewer, annotation);
  const dims = store.dimsOf(annotation);
  return { revisionId, dims, data: await store.readRevision(revision, dims) };
}

export function history(db: Db, viewer: Profile, annotationId: number): RevisionInfo[] {
  const annotation = requireAnnotation(db, annotationId);
  assertCanSee(db, viewer, annotation);
  return listRevisions(db, annotationId).map(toRevisionInfo);
}

export async function commit(
  store: MaskStore,
  editor: Profile,
  req: { annotationId: number; parentRevisionId: number | null; tool: string; patch: MaskPatch },
): Promise<RevisionInfo> {
  const revision = await store.commitPatch({
    ...req,
    author: editor.name,
    guard: mayEdit(store.ws.db, editor),
  });
  return toRevisionInfo(revision);
}

export async function revert(
  store: MaskStore,
  editor: Profile,
  req: { annotationId: number; revisionId: number },
): Promise<RevisionInfo> {
  return toRevisionInfo(
    await store.revert({ ...req, author: editor.name, guard: mayEdit(store.ws.db, editor) }),
  );
}

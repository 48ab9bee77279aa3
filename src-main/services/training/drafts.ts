// Starting from an AI draft, and what the draft was worth.
//
// Blinding: an AI draft is a model's output, not another annotator's work, so an annotator may start from
// a draft of a case even while the case is blinded: their own annotation's first revision gets the
// draft's labels (provenance: the draft's annotation and revision, the model and its version). Only AI
// drafts qualify: consensus and reference masks are derived from other annotators and stay hidden.
//
// Evaluation: when an annotation that started from a draft is marked done, the Dice between the draft and
// the annotation's head revision (foreground = any non-zero label) is recorded, once per final revision.
import type { AnnotationInfo, DraftOutcome } from '../../core/model';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { labelVoxels } from '../../core/mask/histogram';
import { appendAudit } from '../../db/audit';
import {
  findManualAnnotation,
  getAnnotation,
  insertManualAnnotation,
  listAnnotationsOfVolume,
  toAnnotationInfo,
} from '../../db/repositories/annotations';
import { getRevision, listRevisions, type RevisionRow } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import type { Workspace } from '../../workspace/workspace';
import type { Profile } from '../identity/access';
import { canSee } from '../identity/blinding';
import { recordRevision, storeMaskBlob } from '../masks/mask-store';
import { readRevisionLabels } from '../masks/revision-reader';
import { AI_DRAFT_KIND } from './inference';
import { isSubmitted } from '../../db/repositories/team';

interface DraftProvenance {
  draftAnnotationId: number;
  draftRevisionId: number;
  modelId: number | null;
  modelVersion: string | null;
  /** 'unet' or a simple model's method; absent in drafts started before simple models (a U-Net's). */
  method?: string;
}

/** What made a draft, from its parameters: a simple model's method, else a registry model ('unet'). */
function draftMethod(p: Record<string, unknown> | null): string {
  return typeof p?.['method'] === 'string' ? p['method'] : 'unet';
}

function draftParameters(rev: RevisionRow): Record<string, unknown> | null {
  const p = rev.provenance['parameters'] as Record<string, unknown> | undefined;
  return p && p['kind'] === AI_DRAFT_KIND ? p : null;
}

/** The AI drafts of a volume (derived annotations whose head is a model's or a simple model's draft),
 *  oldest first. A draft seeded by someone's clicks is shown to an annotator of a blinded case only when
 *  they seeded it (the seeds tell where its seeder sees the structure). */
export function listDrafts(ws: Workspace, volumeId: number, viewer?: Profile): AnnotationInfo[] {
  if (!getVolume(ws.db, volumeId)) throw new NotFoundError(`volume ${volumeId} does not exist`);
  return listAnnotationsOfVolume(ws.db, volumeId)
    .filter((a) => {
      if (a.kind !== 'derived' || a.headRevisionId === null) return false;
      const head = getRevision(ws.db, a.headRevisionId);
      const params = head === undefined ? null : draftParameters(head);
      if (params === null) return false;
      const seededBy = params['seededBy'];
      if (viewer && typeof seededBy === 'string' && seededBy !== viewer.name) return canSee(ws.db, viewer, a);
      return true;
    })
    .map(toAnnotationInfo);
}

export async function startFromDraft(
  ws: Workspace,
  profile: Profile,
  draftAnnotationId: number,
): Promise<{ annotationId: number; revisionId: number }> {
  const draft = getAnnotation(ws.db, draftAnnotationId);
  if (!draft) throw new NotFoundError(`annotation ${draftAnnotationId} does not exist`);
  const head = draft.headRevisionId === null ? undefined : getRevision(ws.db, draft.headRevisionId);
  const params = head && draft.kind === 'derived' ? draftParameters(head) : null;
  if (!head || !params) {
    throw new ForbiddenError(
      `annotation ${draftAnnotationId} is not an AI draft: only a model's draft can be a starting point`,
    );
  }
  const volume = getVolume(ws.db, draft.volumeId)!;
  const own = findManualAnnotation(ws.db, draft.volumeId, profile.id);
  if (isSubmitted(ws.db, volume.caseId, profile.id)) {
    throw new ConflictError(
      `case ${volume.caseId} is submitted: your annotation is read-only until a reviewer returns it`,
    );
  }
  if (own && own.headRevisionId !== null) {
    throw new ConflictError(
      `your annotation of this volume already has ${own.revisionCount} revision(s); a draft can only be its starting point`,
    );
  }
  const labels = await readRevisionLabels(ws, head, volume.dims);
  const { blob, counts } = await storeMaskBlob(ws, labels, volume.dims);
  const provenance: DraftProvenance = {
    draftAnnotationId,
    draftRevisionId: head.id,
    modelId: typeof params['modelId'] === 'number' ? params['modelId'] : null,
    modelVersion: typeof params['modelVersion'] === 'string' ? params['modelVersion'] : null,
    method: draftMethod(params),
  };
  const at = new Date().toISOString();
  return ws.db.transaction(() => {
    let annotationId = own?.id;
    if (annotationId === undefined) {
      annotationId = insertManualAnnotation(ws.db, draft.volumeId, profile.id, at);
      appendAudit(
        ws.db,
        {
          actor: profile.name,
          action: 'annotation.create',
          detail: { annotationId, volumeId: draft.volumeId, kind: 'manual' },
        },
        at,
      );
    }
    const revisionId = recordRevision(ws.db, {
      annotationId,
      parentId: null,
      blob,
      author: profile.name,
      tool: AI_DRAFT_KIND,
      provenance: { startedFromDraft: provenance },
      labelVoxels: labelVoxels(counts),
      action: 'annotation.fromDraft',
      detail: { ...provenance },
      at,
    });
    return { annotationId, revisionId };
  })();
}

/** Dice of two masks' foregrounds (any non-zero label), 1 when both are empty. */
export function foregroundDice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0 ? 1 : 0;
    const y = b[i] !== 0 ? 1 : 0;
    inter += x & y;
    na += x;
    nb += y;
  }
  return na + nb === 0 ? 1 : (2 * inter) / (na + nb);
}

/** Dice (foregrounds) between two revisions of one volume: a draft against a reference or a rater. */
export async function revisionDice(ws: Workspace, volumeId: number, a: number, b: number): Promise<number> {
  const [x, y] = await revisionPair(ws, volumeId, a, b);
  return foregroundDice(x, y);
}

/** Dice of each label value of two masks (a voxel of `value` in one against the same value in the other),
 *  1 where neither has it: a multi-label draft judged label by label. */
export function perLabelDice(a: Uint8Array, b: Uint8Array, values: number[]): Record<string, number> {
  const at = new Map(values.map((v, l) => [v, l]));
  const c = values.map(() => ({ inter: 0, na: 0, nb: 0 }));
  for (let i = 0; i < a.length; i++) {
    const la = at.get(a[i]!);
    const lb = at.get(b[i]!);
    if (la !== undefined) c[la]!.na++;
    if (lb !== undefined) c[lb]!.nb++;
    if (la !== undefined && la === lb) c[la]!.inter++;
  }
  return Object.fromEntries(
    values.map((v, l) => {
      const x = c[l]!;
      return [String(v), x.na + x.nb === 0 ? 1 : (2 * x.inter) / (x.na + x.nb)];
    }),
  );
}

/** perLabelDice between two revisions of one volume. */
export async function revisionLabelDice(
  ws: Workspace,
  volumeId: number,
  a: number,
  b: number,
  values: number[],
): Promise<Record<string, number>> {
  const [x, y] = await revisionPair(ws, volumeId, a, b);
  return perLabelDice(x, y, values);
}

async function revisionPair(
  ws: Workspace,
  volumeId: number,
  a: number,
  b: number,
): Promise<[Uint8Array, Uint8Array]> {
  const volume = getVolume(ws.db, volumeId);
  if (!volume) throw new NotFoundError(`volume ${volumeId} does not exist`);
  const masks = await Promise.all(
    [a, b].map((id) => {
      const rev = getRevision(ws.db, id);
      const annotation = rev && getAnnotation(ws.db, rev.annotationId);
      if (!rev || annotation?.volumeId !== volumeId)
        throw new InputError(undefined, `revision ${id} is not a mask revision of volume ${volumeId}`);
      return readRevisionLabels(ws, rev, volume.dims);
    }),
  );
  return [masks[0]!, masks[1]!];
}

/** After an annotation is marked done: records draft-vs-final Dice when it started from a draft. Returns
 *  the record, or null when the annotation did not start from a draft (or it is recorded already). */
export async function recordDraftOutcome(
  ws: Workspace,
  annotationId: number,
  actor: string,
): Promise<DraftOutcome | null> {
  const a = getAnnotation(ws.db, annotationId);
  if (!a || a.kind !== 'manual' || a.status !== 'done' || a.headRevisionId === null) return null;
  const first = listRevisions(ws.db, annotationId)[0];
  const from = first?.provenance['startedFromDraft'] as DraftProvenance | undefined;
  if (!from) return null;
  const existing = ws.db
    .prepare('SELECT id FROM draft_outcomes WHERE annotation_id = ? AND final_revision_id = ?')
    .get(annotationId, a.headRevisionId);
  if (existing) return null;
  const volume = getVolume(ws.db, a.volumeId)!;
  const draftRev = getRevision(ws.db, from.draftRevisionId);
  const finalRev = getRevision(ws.db, a.headRevisionId)!;
  if (!draftRev) throw new InputError(undefined, `draft revision ${from.draftRevisionId} is gone`);
  const [d, f] = await Promise.all([draftRev, finalRev].map((r) => readRevisionLabels(ws, r, volume.dims)));
  const dice = foregroundDice(d!, f!);
  const method = from.method ?? draftMethod(draftParameters(draftRev));
  const at = new Date().toISOString();
  const id = ws.db.transaction(() => {
    const rowId = Number(
      ws.db
        .prepare(
          `INSERT OR IGNORE INTO draft_outcomes (annotation_id, draft_revision_id, final_revision_id, model_id, dice,
             recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(annotationId, draftRev.id, finalRev.id, from.modelId, dice, actor, at).lastInsertRowid,
    );
    appendAudit(
      ws.db,
      {
        actor,
        action: 'draft.outcome',
        detail: {
          annotationId,
          draftRevisionId: draftRev.id,
          finalRevisionId: finalRev.id,
          modelId: from.modelId,
          method,
          dice,
        },
      },
      at,
    );
    return rowId;
  })();
  return {
    id,
    annotationId,
    draftRevisionId: draftRev.id,
    finalRevisionId: finalRev.id,
    modelId: from.modelId,
    method,
    dice,
    recordedBy: actor,
    recordedAt: at,
  };
}

/** The project's draft outcomes that `viewer` may see: blinding applies as to masks and histories (an
 *  annotator sees the outcomes of their own annotations until the case is opened for review). */
export function listDraftOutcomes(ws: Workspace, viewer: Profile, projectId: number): DraftOutcome[] {
  const rows = ws.db
    .prepare(
      `SELECT o.id, o.annotation_id AS annotationId, o.draft_revision_id AS draftRevisionId,
         o.final_revision_id AS finalRevisionId, o.model_id AS modelId, o.dice, o.recorded_by AS recordedBy,
         o.recorded_at AS recordedAt
       FROM draft_outcomes o JOIN annotations a ON a.id = o.annotation_id JOIN volumes v ON v.id = a.volume_id
       JOIN cases c ON c.id = v.case_id WHERE c.project_id = ? ORDER BY o.id`,
    )
    .all(projectId) as Omit<DraftOutcome, 'method'>[];
  const visible = new Map<number, boolean>();
  return rows
    .map((o): DraftOutcome => {
      const rev = getRevision(ws.db, o.draftRevisionId);
      return { ...o, method: draftMethod(rev ? draftParameters(rev) : null) };
    })
    .filter((o) => {
      let ok = visible.get(o.annotationId);
      if (ok === undefined) {
        const annotation = getAnnotation(ws.db, o.annotationId);
        ok = annotation !== undefined && canSee(ws.db, viewer, annotation);
        visible.set(o.annotationId, ok);
      }
      return ok;
    });
}

// Adjudication: a reviewer turns a case's raters into its reference mask.
//
//  start     the working reference mask is a new derived annotation ("reference (working)") whose first
//            revision copies a seed revision (a rater's or a consensus); decision row 'seed'.
//  decide    per disagreement region: take one rater's voxels of the label, or a consensus's, or a manual
//            edit (a MaskPatch, or the edits already committed to the working mask since the last
//            decision). A written rationale is required. Each decision is a new working revision (its
//            provenance names the decision), a decision row and an audit row, in one transaction.
//  sign-off  the working head becomes the case's reference mask: a new derived annotation with method
//            'reference' (saveDerivedMask) whose provenance holds the inputs, the seed and every decision,
//            with a sign-off row and an audit row in the same transaction. The working mask is then frozen.
//  reopen    a signed-off case is reopened with a reason (who, when, why recorded); the reference stays
//            stored, its sign-off marked reopened; decisions are allowed again, and a new sign-off makes a
//            new reference annotation.
// Voxel data is written first (blob, fsynced), then the rows commit in one short transaction (DESIGN §2):
// a crash leaves the previous state whole. Taking voxels in a region: within the region's voxels the label
// becomes exactly the source's: a voxel the source gives the label gets it, a voxel of the label the source
// does not give it becomes background, other voxels are left as they are.
import type {
  AdjudicationDecision,
  AdjudicationState,
  DecideRequest,
  DecisionKind,
  MaskPatch,
} from '@contract';
import { ConflictError, InputError, NotFoundError } from '../../core/errors';
import { histogram, labelVoxels } from '../../core/mask/histogram';
import { applyPatch, patchProblem } from '../../core/labelling/patch';
import { appendAudit } from '../../db/audit';
import {
  adjudicationOfVolume,
  adjudicationState,
  getAdjudication,
  insertAdjudication,
  insertDecision,
  insertReopening,
  insertSignOff,
  isSignedOff,
  listDecisions,
  listSignOffs,
} from '../../db/repositories/adjudications';
import type { AdjudicationRow } from '../../db/repositories/adjudications';
import { getAnnotation } from '../../db/repositories/annotations';
import { getLabel } from '../../db/repositories/labels';
import { getRevision, headRevisionId } from '../../db/repositories/revisions';
import type { RevisionRow } from '../../db/repositories/revisions';
import type { Workspace } from '../../workspace/workspace';
import type { Profile } from '../identity/access';
import { saveDerivedMask } from '../masks/derived';
import {
  recordRevision,
  sameLabelsAs,
  storeMaskBlob,
  type MaskStore,
  type RevisionRecord,
} from '../masks/mask-store';
import type { AgreementService } from './agreement';
import { requireVolume } from './access';

export const WORKING_METHOD = 'reference (working)';
export const REFERENCE_METHOD = 'reference';
const MAX_TEXT = 4000;

export function requireAdjudication(ws: Workspace, id: number): AdjudicationRow {
  const row = getAdjudication(ws.db, id);
  if (!row) throw new NotFoundError(`adjudication ${id} does not exist`);
  return row;
}

export function stateOfVolume(ws: Workspace, volumeId: number): AdjudicationState | null {
  requireVolume(ws.db, volumeId);
  const row = adjudicationOfVolume(ws.db, volumeId);
  return row ? adjudicationState(ws.db, row) : null;
}

function requireText(text: unknown, what: string): string {
  if (typeof text !== 'string' || !text.trim())
    throw new InputError(undefined, `${what} is required: write why`);
  if (text.length > MAX_TEXT)
    throw new InputError(undefined, `${what} must be at most ${MAX_TEXT} characters`);
  return text.trim();
}

function revisionOfVolume(ws: Workspace, revisionId: number, volumeId: number, what: string): RevisionRow {
  const revision = getRevision(ws.db, revisionId);
  if (!revision) throw new NotFoundError(`${what} ${revisionId} does not exist`);
  if (getAnnotation(ws.db, revision.annotationId)?.volumeId !== volumeId) {
    throw new InputError(undefined, `${what} ${revisionId} is not a revision of volume ${volumeId}`);
  }
  return revision;
}

function assertOpenAt(ws: Workspace, row: AdjudicationRow, parentRevisionId: number): number {
  if (isSignedOff(listSignOffs(ws.db, row.id))) {
    throw new ConflictError(
      `adjudication ${row.id} is signed off: reopen the case (with a reason) to change it`,
    );
  }
  const head = headRevisionId(ws.db, row.workingAnnotationId)!;
  if (head !== parentRevisionId) {
    throw new ConflictError(
      `the working reference mask changed meanwhile: its head is revision ${head}, not ${parentRevisionId}; reload it`,
    );
  }
  return head;
}

export async function startAdjudication(
  ws: Workspace,
  store: MaskStore,
  profile: Profile,
  req: { volumeId: number; seedRevisionId: number; label?: number; rationale?: string },
): Promise<AdjudicationState> {
  const volume = requireVolume(ws.db, req.volumeId);
  const label = req.label ?? 1;
  if (!Number.isInteger(label) || label < 1 || label > 255)
    throw new InputError(undefined, `label must be an integer 1..255 (got ${label})`);
  const existing = adjudicationOfVolume(ws.db, volume.id);
  if (existing) {
    throw new ConflictError(
      `volume ${volume.id} is already being adjudicated (adjudication ${existing.id}): open it`,
    );
  }
  const rationale = req.rationale === undefined ? '' : req.rationale.trim().slice(0, MAX_TEXT);
  const seed = revisionOfVolume(ws, req.seedRevisionId, volume.id, 'seed revision');
  const labels = await store.decodeRevision(seed, volume.dims);
  let adjudicationId = 0;
  await saveDerivedMask(ws, {
    volumeId: volume.id,
    labels,
    author: profile.name,
    tool: 'adjudication',
    derivation: {
      method: WORKING_METHOD,
      parameters: { label, seedRevisionId: seed.id, seedAuthor: seed.author },
      inputRevisionIds: [seed.id],
    },
    inTransaction: ({ annotationId, revisionId, at }) => {
      // A second start racing this one fails here (one adjudication per volume), rolling back the annotation.
      adjudicationId = insertAdjudication(ws.db, {
        volumeId: volume.id,
        label,
        workingAnnotationId: annotationId,
        seedRevisionId: seed.id,
        by: profile.name,
        at,
      });
      const decisionId = insertDecision(ws.db, {
        adjudicationId,
        kind: 'seed',
        region: null,
        sourceRevisionId: seed.id,
        rationale,
        resultRevisionId: revisionId,
        voxelsChanged: 0,
        by: profile.name,
        at,
      });
      appendAudit(
        ws.db,
        {
          actor: profile.name,
          action: 'adjudication.start',
          detail: {
            adjudicationId,
            caseId: volume.caseId,
            volumeId: volume.id,
            label,
            workingAnnotationId: annotationId,
            seedRevisionId: seed.id,
            decisionId,
            rationale,
          },
        },
        at,
      );
    },
  });
  return adjudicationState(ws.db, getAdjudication(ws.db, adjudicationId)!);
}

function countDiff(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let v = 0; v < a.length; v++) if (a[v] !== b[v]) n++;
  return n;
}

function checkPatchLabels(ws: Workspace, projectId: number, patch: MaskPatch): void {
  const counts = histogram(patch.data);
  for (let v = 1; v < 256; v++) {
    if (counts[v]! > 0 && !getLabel(ws.db, projectId, v)) {
      throw new InputError(undefined, `label ${v} is not defined in this project (add it first)`);
    }
  }
}

export async function decide(
  ws: Workspace,
  store: MaskStore,
  agreements: AgreementService,
  profile: Profile,
  req: DecideRequest,
): Promise<AdjudicationState> {
  const row = requireAdjudication(ws, req.adjudicationId);
  const rationale = requireText(req.rationale, 'a rationale');
  const head = assertOpenAt(ws, row, req.parentRevisionId);
  const volume = requireVolume(ws.db, row.volumeId);
  const working = getAnnotation(ws.db, row.workingAnnotationId)!;
  const headRevision = getRevision(ws.db, head)!;
  const before = await store.decodeRevision(headRevision, volume.dims);
  let after: Uint8Array | null = null;
  let voxelsChanged: number;
  let region: AdjudicationDecision['region'] = null;
  let sourceRevisionId: number | null = null;
  const kind: DecisionKind = req.kind;

  if (req.region) {
    const r = await agreements.regionVoxels(req.region.agreementId, req.region.regionId);
    if (r.volumeId !== row.volumeId)
      throw new InputError(undefined, `agreement ${r.agreementId} is of another volume`);
    if (r.label !== row.label) {
      throw new InputError(
        undefined,
        `agreement ${r.agreementId} is of label ${r.label}; this adjudication is of label ${row.label}`,
      );
    }
    region = {
      agreementId: r.agreementId,
      regionId: r.region.id,
      voxels: r.region.voxels,
      bbox: r.region.bbox,
    };
    if (req.kind === 'take-rater' || req.kind === 'take-consensus') {
      const source = revisionOfVolume(ws, req.sourceRevisionId, row.volumeId, 'source revision');
      const sourceAnnotation = getAnnotation(ws.db, source.annotationId)!;
      if (req.kind === 'take-rater' && sourceAnnotation.kind !== 'manual') {
        throw new InputError(
          undefined,
          `revision ${source.id} is not a rater's (it is ${sourceAnnotation.authorName}'s): use take-consensus`,
        );
      }
      if (req.kind === 'take-consensus' && sourceAnnotation.kind !== 'derived') {
        throw new InputError(
          undefined,
          `revision ${source.id} is a rater's (${sourceAnnotation.authorName}): use take-rater`,
        );
      }
      if (sourceAnnotation.id === working.id) {
        throw new InputError(
          undefined,
          'the source must be a rater or a consensus, not the working mask itself',
        );
      }
      sourceRevisionId = source.id;
      const src = await store.decodeRevision(source, volume.dims);
      after = before.slice();
      const label = row.label;
      voxelsChanged = 0;
      for (const v of r.voxels) {
        const want = src[v] === label ? label : before[v] === label ? 0 : before[v]!;
        if (want !== before[v]) {
          after[v] = want;
          voxelsChanged++;
        }
      }
    } else voxelsChanged = 0;
  } else if (req.kind === 'take-rater' || req.kind === 'take-consensus') {
    throw new InputError(undefined, `${req.kind} needs a region ({ agreementId, regionId })`);
  } else voxelsChanged = 0;

  if (req.kind === 'manual') {
    if (req.patch) {
      const why = patchProblem(volume.dims, req.patch);
      if (why) throw new InputError(undefined, why);
      checkPatchLabels(ws, working.projectId, req.patch);
      after = before.slice();
      applyPatch(after, volume.dims, req.patch);
      voxelsChanged = countDiff(before, after);
    } else {
      const last = listDecisions(ws.db, row.id).at(-1)!;
      if (last.resultRevisionId === head) {
        throw new InputError(
          undefined,
          'no edits since the last decision: edit the working mask first, or send the edit as a patch',
        );
      }
      const previous = await store.decodeRevision(getRevision(ws.db, last.resultRevisionId)!, volume.dims);
      voxelsChanged = countDiff(previous, before);
    }
  }

  // A decision that changes nothing still records the reviewer's judgement: a new revision on the same blob
  // (and, when the head is a delta, the same base: masks/mask-store.ts).
  let blob: Pick<RevisionRecord, 'blob' | 'delta'>;
  let voxels: Record<string, number>;
  if (after && voxelsChanged > 0) {
    const stored = await storeMaskBlob(ws, after, volume.dims);
    blob = { blob: stored.blob };
    voxels = labelVoxels(stored.counts);
  } else {
    blob = sameLabelsAs(headRevision);
    voxels = headRevision.labelVoxels;
  }
  const at = new Date().toISOString();
  ws.db.transaction(() => {
    const resultRevisionId = recordRevision(ws.db, {
      annotationId: working.id,
      parentId: head,
      ...blob,
      author: profile.name,
      tool: 'adjudication',
      provenance: { adjudicationId: row.id, decision: kind, region, sourceRevisionId, rationale },
      labelVoxels: voxels,
      action: 'annotation.commit',
      detail: { adjudicationId: row.id, decision: kind },
      at,
    });
    const decisionId = insertDecision(ws.db, {
      adjudicationId: row.id,
      kind,
      region,
      sourceRevisionId,
      rationale,
      resultRevisionId,
      voxelsChanged,
      by: profile.name,
      at,
    });
    appendAudit(
      ws.db,
      {
        actor: profile.name,
        action: 'adjudication.decide',
        detail: {
          adjudicationId: row.id,
          decisionId,
          kind,
          agreementId: region?.agreementId ?? null,
          regionId: region?.regionId ?? null,
          sourceRevisionId,
          resultRevisionId,
          voxelsChanged,
          rationale,
        },
      },
      at,
    );
  })();
  // The cached head of the working mask (labelling edits) is no longer the head.
  store.cache.delete(working.id);
  return adjudicationState(ws.db, row);
}

/** Revision ids an agreement id names (v..:r<ids>:l..:c..). */
function agreementRevisions(agreementId: string): number[] {
  const m = /:r([\d,]+):/.exec(agreementId);
  return m ? m[1]!.split(',').map(Number) : [];
}

export async function signOff(
  ws: Workspace,
  store: MaskStore,
  profile: Profile,
  req: { adjudicationId: number; parentRevisionId: number; comment?: string },
): Promise<AdjudicationState> {
  const row = requireAdjudication(ws, req.adjudicationId);
  const head = assertOpenAt(ws, row, req.parentRevisionId);
  const comment = req.comment?.trim() ? req.comment.trim().slice(0, MAX_TEXT) : null;
  const volume = requireVolume(ws.db, row.volumeId);
  const headRevision = getRevision(ws.db, head)!;
  const labels = await store.decodeRevision(headRevision, volume.dims);
  const decisions = listDecisions(ws.db, row.id);
  const raterRevisionIds = [
    ...new Set(decisions.flatMap((d) => (d.region ? agreementRevisions(d.region.agreementId) : []))),
  ];
  const inputRevisionIds = [
    ...new Set([
      row.seedRevisionId,
      ...raterRevisionIds,
      ...decisions.flatMap((d) => (d.sourceRevisionId !== null ? [d.sourceRevisionId] : [])),
      head,
    ]),
  ].filter((id) => getRevision(ws.db, id) !== undefined);
  await saveDerivedMask(ws, {
    volumeId: volume.id,
    labels,
    author: profile.name,
    tool: 'sign-off',
    derivation: {
      method: REFERENCE_METHOD,
      parameters: {
        adjudicationId: row.id,
        label: row.label,
        workingAnnotationId: row.workingAnnotationId,
        workingRevisionId: head,
        seedRevisionId: row.seedRevisionId,
        raterRevisionIds,
        // The rater set the reviewer adjudicated: the annotations and revisions its agreement maps were of.
        raterSet: raterRevisionIds.flatMap((id) => {
          const r = getRevision(ws.db, id);
          const a = r && getAnnotation(ws.db, r.annotationId);
          return a ? [{ annotationId: a.id, revisionId: id, name: a.authorName, kind: a.kind }] : [];
        }),
        decisions: decisions.map((d) => ({
          id: d.id,
          kind: d.kind,
          region: d.region,
          sourceRevisionId: d.sourceRevisionId,
          rationale: d.rationale,
          resultRevisionId: d.resultRevisionId,
          voxelsChanged: d.voxelsChanged,
          decidedBy: d.decidedBy,
          decidedAt: d.decidedAt,
        })),
        signedBy: profile.name,
        comment,
      },
      inputRevisionIds,
    },
    inTransaction: ({ annotationId, revisionId, at }) => {
      // Re-checked inside the transaction: a decision or sign-off that raced this one refuses it.
      assertOpenAt(ws, row, head);
      const signOffId = insertSignOff(ws.db, {
        adjudicationId: row.id,
        referenceAnnotationId: annotationId,
        referenceRevisionId: revisionId,
        workingRevisionId: head,
        comment,
        by: profile.name,
        at,
      });
      appendAudit(
        ws.db,
        {
          actor: profile.name,
          action: 'case.signOff',
          detail: {
            adjudicationId: row.id,
            signOffId,
            caseId: volume.caseId,
            volumeId: volume.id,
            referenceAnnotationId: annotationId,
            referenceRevisionId: revisionId,
            workingRevisionId: head,
            decisions: decisions.map((d) => d.id),
            comment,
          },
        },
        at,
      );
    },
  });
  return adjudicationState(ws.db, row);
}

export function reopen(
  ws: Workspace,
  profile: Profile,
  req: { adjudicationId: number; reason: string },
): AdjudicationState {
  const row = requireAdjudication(ws, req.adjudicationId);
  const reason = requireText(req.reason, 'a reason for reopening');
  ws.db.transaction(() => {
    const signOffs = listSignOffs(ws.db, row.id);
    if (!isSignedOff(signOffs))
      throw new ConflictError(`adjudication ${row.id} is not signed off: nothing to reopen`);
    const last = signOffs.at(-1)!;
    const at = new Date().toISOString();
    insertReopening(ws.db, last.id, profile.name, at, reason);
    appendAudit(
      ws.db,
      {
        actor: profile.name,
        action: 'case.reopen',
        detail: {
          adjudicationId: row.id,
          signOffId: last.id,
          caseId: row.caseId,
          volumeId: row.volumeId,
          referenceRevisionId: last.referenceRevisionId,
          reason,
        },
      },
      at,
    );
  })();
  return adjudicationState(ws.db, row);
}

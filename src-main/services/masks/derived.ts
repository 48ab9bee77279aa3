// Derived masks (consensus, model drafts): a new annotation of kind 'derived', named after what made it
// ("STAPLE", "model 3"), whose first revision records the derivation in its provenance: method, parameters
// and the input revision ids. Stored like every revision: blob first (fsynced), then the rows and the audit
// row in one transaction. Blinding treats derived annotations as nobody's own: annotators see them only
// once their case is opened for review.
import { InputError, NotFoundError } from '../../core/errors';
import { labelVoxels } from '../../core/mask/histogram';
import { appendAudit } from '../../db/audit';
import { insertDerivedAnnotation } from '../../db/repositories/annotations';
import { ensureLabels } from '../../db/repositories/labels';
import { getCase } from '../../db/repositories/reviews';
import { getRevision } from '../../db/repositories/revisions';
import type { RevisionRow } from '../../db/repositories/revisions';
import { getAnnotation } from '../../db/repositories/annotations';
import { getVolume } from '../../db/repositories/volumes';
import type { Workspace } from '../../workspace/workspace';
import { recordRevision, storeMaskBlob } from './mask-store';

export interface Derivation {
  /** "majority vote", "STAPLE", "model 3", …: the annotation's name, shown as its author. */
  method: string;
  parameters: Record<string, unknown>;
  /** The revisions the mask was computed from (all of the same volume). */
  inputRevisionIds: number[];
}

export async function saveDerivedMask(
  ws: Workspace,
  r: {
    volumeId: number;
    labels: Uint8Array;
    derivation: Derivation;
    author: string;
    tool?: string;
    /** Runs inside the transaction that records the annotation (rows that must commit with it, e.g. a sign-off). */
    inTransaction?: (saved: { annotationId: number; revisionId: number; at: string }) => void;
  },
): Promise<{ annotationId: number; revision: RevisionRow; labelsCreated: number[] }> {
  const volume = getVolume(ws.db, r.volumeId);
  if (!volume) throw new NotFoundError(`volume ${r.volumeId} does not exist`);
  const method = r.derivation.method.trim();
  if (!method || method.length > 100)
    throw new InputError(undefined, 'a derivation needs a method name of 1..100 characters');
  for (const id of r.derivation.inputRevisionIds) {
    const input = getRevision(ws.db, id);
    if (!input || getAnnotation(ws.db, input.annotationId)?.volumeId !== volume.id) {
      throw new InputError(undefined, `input revision ${id} is not a revision of volume ${volume.id}`);
    }
  }
  const total = volume.dims[0] * volume.dims[1] * volume.dims[2];
  if (r.labels.length !== total) {
    throw new InputError(
      undefined,
      `the mask has ${r.labels.length} voxels, volume ${volume.id} has ${total}`,
    );
  }
  const { blob, counts } = await storeMaskBlob(ws, r.labels, volume.dims);
  const projectId = getCase(ws.db, volume.caseId)!.projectId;
  const at = new Date().toISOString();
  return ws.db.transaction(() => {
    const annotationId = insertDerivedAnnotation(ws.db, volume.id, method, at);
    appendAudit(
      ws.db,
      {
        actor: r.author,
        action: 'annotation.create',
        detail: { annotationId, volumeId: volume.id, kind: 'derived', method },
      },
      at,
    );
    const voxels = labelVoxels(counts);
    const created = ensureLabels(ws.db, projectId, Object.keys(voxels).map(Number));
    for (const l of created) {
      appendAudit(
        ws.db,
        {
          actor: r.author,
          action: 'label.save',
          detail: { projectId, value: l.value, before: null, after: l },
        },
        at,
      );
    }
    const revisionId = recordRevision(ws.db, {
      annotationId,
      parentId: null,
      blob,
      author: r.author,
      tool: r.tool ?? 'derive',
      provenance: {
        method,
        parameters: r.derivation.parameters,
        inputRevisionIds: r.derivation.inputRevisionIds,
      },
      labelVoxels: voxels,
      action: 'annotation.derive',
      detail: { method, inputRevisionIds: r.derivation.inputRevisionIds },
      at,
    });
    r.inTransaction?.({ annotationId, revisionId, at });
    return {
      annotationId,
      revision: getRevision(ws.db, revisionId)!,
      labelsCreated: created.map((l) => l.value),
    };
  })();
}

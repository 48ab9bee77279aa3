// Masks from other tools: a NIfTI label map (or a greyscale PNG for a one-slice volume) imported as an
// annotator's new revision. The mask must lie on the volume's grid (same dims, corner voxel centres within
// 1e-3 mm), unless the caller asks for a nearest-neighbour resample. A PNG has no position in space: it fits
// a volume of one slice with its width and height, and takes that volume's geometry. Annotators named here who have no profile get one WITHOUT a password (role
// annotator): they cannot sign in until an admin sets a password.
//
// Order, as for every save: read and check the file, encode and store the mask blob (fsynced), then the
// rows (profile, annotation, labels, revision, audit) in one transaction; a refusal changes nothing.
import path from 'node:path';
import { InputError, NotFoundError } from '../../core/errors';
import { resampleNearest } from '../../core/mask/resample';
import { sameGrid } from '../../core/metrics/grid';
import { labelVoxels } from '../../core/mask/histogram';
import { labelsOf } from '../../core/mask/labels-of';
import type { VolumeGeometry } from '../../core/volume/types';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { findManualAnnotation, insertManualAnnotation } from '../../db/repositories/annotations';
import { ensureLabels } from '../../db/repositories/labels';
import { getCase } from '../../db/repositories/reviews';
import { getRevision, headRevisionId, knownSnapshot } from '../../db/repositories/revisions';
import { getSubmission, recordSubmission } from '../../db/repositories/team';
import { getVolume } from '../../db/repositories/volumes';
import { readNifti } from '../../io/nifti/read';
import { readNrrdLabelMap } from '../../io/nrrd/seg-read';
import { readPng } from '../../io/png/read';
import type { Workspace } from '../../workspace/workspace';
import type { StoredMask } from './mask-store';
import { recordRevision, storeMaskBlob } from './mask-store';
import { findOrCreateImportedAnnotator } from '../identity/profiles';

export interface MaskReadOptions {
  /** Every non-zero voxel becomes this label (binary masks); default: the file's values are the labels. */
  label?: number;
  /** Resample onto the volume's grid by nearest neighbour when it is not already on it. */
  resample?: boolean;
  /** What the refusal of an off-grid mask tells the user to do (the CLI's option, the app's tick box). */
  resampleHint?: string;
}

const CLI_RESAMPLE_HINT = 'pass --resample nearest to resample it by nearest neighbour';

export function isPngFile(file: string): boolean {
  return /\.png$/i.test(file);
}

/** Reads a NIfTI or NRRD label map and puts it on `target`'s grid (or refuses, one line naming the file). */
export async function readMaskOnGrid(
  file: string,
  target: VolumeGeometry,
  opts: MaskReadOptions = {},
): Promise<{ labels: Uint8Array; resampled: boolean }> {
  if (/\.(nrrd|nhdr)$/i.test(file)) {
    // NRRD label maps and Slicer segmentations (values only here: services/interop/nrrd-mask-import.ts also
    // names the labels after the segments).
    const map = await readNrrdLabelMap(file, { asLabel: opts.label });
    return fitToGrid(file, map.labels, map.geometry, target, opts);
  }
  if (isPngFile(file)) return readPngMask(file, target, opts);
  const image = await readNifti(file);
  if (image.frames > 1) throw new InputError(file, `a mask is 3D; this file has ${image.frames} frames`);
  const converted = labelsOf(image.data, image.rescale, opts.label);
  if (!converted.ok) throw new InputError(file, converted.reason);
  return fitToGrid(file, converted.labels, image.geometry, target, opts);
}

/** A PNG's pixels (i = column, j = row, as io/png/read.ts lays them out) as the labels of a one-slice volume. */
async function readPngMask(
  file: string,
  target: VolumeGeometry,
  opts: MaskReadOptions,
): Promise<{ labels: Uint8Array; resampled: boolean }> {
  if (opts.resample) {
    throw new InputError(file, 'a PNG has no position in space, so it cannot be resampled onto a grid');
  }
  const image = await readPng(file);
  const [w, h] = image.geometry.dims;
  if (target.dims[2] !== 1 || target.dims[0] !== w || target.dims[1] !== h) {
    throw new InputError(
      file,
      `a ${w}x${h} PNG fits only a one-slice volume of ${w}x${h} (this one is ${target.dims.join('x')})`,
    );
  }
  const converted = labelsOf(image.data, image.rescale, opts.label);
  if (!converted.ok) throw new InputError(file, converted.reason);
  return { labels: converted.labels, resampled: false };
}

/** Labels on `source`'s grid put on `target`'s: as they are when the grids agree, resampled by nearest
 *  neighbour when asked, else refused (one line naming the file). Any reader's masks go through here. */
export function fitToGrid(
  file: string,
  labels: Uint8Array,
  source: VolumeGeometry,
  target: VolumeGeometry,
  opts: MaskReadOptions = {},
): { labels: Uint8Array; resampled: boolean } {
  const grid = sameGrid(target, source);
  if (grid.same) return { labels, resampled: false };
  if (!opts.resample) {
    throw new InputError(
      file,
      `not on the volume's grid: ${grid.reason}; ${opts.resampleHint ?? CLI_RESAMPLE_HINT}`,
    );
  }
  return { labels: resampleNearest(labels, source, target), resampled: true };
}

export interface ImportedMask {
  annotatorId: number;
  annotatorName: string;
  /** A profile without a password was created for this annotator. */
  annotatorCreated: boolean;
  annotationId: number;
  /** The new revision, or the head when the mask was already the head (nothing new stored). */
  revisionId: number;
  unchanged: boolean;
  labelVoxels: Record<string, number>;
  /** Label values the project did not have and got ("Label <v>"). */
  labelsCreated: number[];
}

/**
 * The rows of one imported mask whose blob is stored; call inside a transaction. The revision's author is
 * the annotator (the mask is theirs); the audit actor is who imported it. A new annotation counts as done.
 */
export function recordImportedMask(
  db: Db,
  r: {
    volumeId: number;
    projectId: number;
    annotatorName: string;
    blob: StoredMask;
    counts: Float64Array;
    provenance: Record<string, unknown>;
    actor: string;
    at: string;
    /** Names and colours of label values the project may not have yet (a DICOM SEG's segments). */
    labelNames?: ReadonlyMap<number, { name: string; color?: string }>;
  },
): ImportedMask {
  const { annotator, created } = findOrCreateImportedAnnotator(db, r.annotatorName, r.actor, r.at);
  let annotation = findManualAnnotation(db, r.volumeId, annotator.id);
  if (!annotation) {
    const annotationId = insertManualAnnotation(db, r.volumeId, annotator.id, r.at);
    appendAudit(
      db,
      { actor: r.actor, action: 'annotation.create', detail: { annotationId, volumeId: r.volumeId } },
      r.at,
    );
    annotation = findManualAnnotation(db, r.volumeId, annotator.id)!;
  }
  const voxels = labelVoxels(r.counts);
  const labelsCreated = ensureLabels(db, r.projectId, Object.keys(voxels).map(Number), r.labelNames);
  for (const l of labelsCreated) {
    appendAudit(
      db,
      {
        actor: r.actor,
        action: 'label.save',
        detail: { projectId: r.projectId, value: l.value, before: null, after: l },
      },
      r.at,
    );
  }
  const head = headRevisionId(db, annotation.id);
  const base = {
    annotatorId: annotator.id,
    annotatorName: annotator.name,
    annotatorCreated: created,
    annotationId: annotation.id,
    labelVoxels: voxels,
    labelsCreated: labelsCreated.map((l) => l.value),
  };
  // The same mask as the head stores the same snapshot bytes (encoding is deterministic). A delta head is
  // compared through its materialised snapshot when it has one; without one, the import is recorded (a
  // revision with the head's labels: harmless, and rare, as strokes seldom rebuild an imported file).
  if (head !== null && knownSnapshot(db, getRevision(db, head)!) === r.blob.sha256) {
    return { ...base, revisionId: head, unchanged: true };
  }
  const revisionId = recordRevision(db, {
    annotationId: annotation.id,
    parentId: head,
    blob: r.blob,
    author: annotator.name,
    actor: r.actor,
    tool: 'import',
    provenance: r.provenance,
    labelVoxels: voxels,
    action: 'annotation.import',
    // A mask finished in another tool: a new annotation counts as done; one being worked on keeps its status.
    status: annotation.status === 'not-started' ? 'done' : undefined,
    at: r.at,
  });
  // ... and as submitted (the review gate, migration 006): its annotator's finished read is a rater by default.
  if (annotation.status === 'not-started' && !getSubmission(db, annotation.caseId, annotator.id)) {
    recordSubmission(db, {
      caseId: annotation.caseId,
      annotatorId: annotator.id,
      by: r.actor,
      at: r.at,
      comment: 'imported as a finished mask',
    });
    appendAudit(
      db,
      {
        actor: r.actor,
        action: 'case.submit',
        detail: { caseId: annotation.caseId, annotator: annotator.name, imported: true, revisionId },
      },
      r.at,
    );
  }
  return { ...base, revisionId, unchanged: false };
}

export async function importMaskFile(
  ws: Workspace,
  opts: MaskReadOptions & { file: string; volumeId: number; annotator: string; actor: string },
): Promise<ImportedMask & { resampled: boolean }> {
  const volume = getVolume(ws.db, opts.volumeId);
  if (!volume) throw new NotFoundError(`volume ${opts.volumeId} does not exist`);
  if (opts.label !== undefined && !(Number.isInteger(opts.label) && opts.label >= 1 && opts.label <= 255)) {
    throw new InputError(undefined, `--label must be an integer 1..255 (got ${opts.label})`);
  }
  const { labels, resampled } = await readMaskOnGrid(
    opts.file,
    { dims: volume.dims, affineLPS: volume.affineLPS },
    opts,
  );
  const { blob, counts } = await storeMaskBlob(ws, labels, volume.dims);
  const projectId = getCase(ws.db, volume.caseId)!.projectId;
  const at = new Date().toISOString();
  const rows = ws.db.transaction(() =>
    recordImportedMask(ws.db, {
      volumeId: volume.id,
      projectId,
      annotatorName: opts.annotator,
      blob,
      counts,
      provenance: {
        source: isPngFile(opts.file) ? 'png' : 'nifti',
        // The file's name only: a full path can hold a patient's name or ID (as nrrd-mask-import.ts).
        file: path.basename(opts.file),
        resampled,
        ...(opts.label !== undefined ? { label: opts.label } : {}),
      },
      actor: opts.actor,
      at,
    }),
  )();
  return { ...rows, resampled };
}

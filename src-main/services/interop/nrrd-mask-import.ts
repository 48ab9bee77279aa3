// Masks from NRRD (a label map or a 3D Slicer .seg.nrrd) imported as an annotator's new revision, through
// the same grid check, nearest resampling and rows as the NIfTI mask import (masks/mask-import.ts).
// Segments name the labels the project does not have yet (name and colour from the file); labels the
// project has keep their names (the result lists both, so a mismatch is visible).
import path from 'node:path';
import { InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import { getLabel, upsertLabel } from '../../db/repositories/labels';
import { getCase } from '../../db/repositories/reviews';
import { getVolume } from '../../db/repositories/volumes';
import { readNrrdLabelMap } from '../../io/nrrd/seg-read';
import type { Workspace } from '../../workspace/workspace';
import { fitToGrid, recordImportedMask, type ImportedMask, type MaskReadOptions } from '../masks/mask-import';
import { storeMaskBlob } from '../masks/mask-store';

export interface ImportedNrrdMask extends ImportedMask {
  resampled: boolean;
  /** Each segment of the file: its label value, its name in the file and the project's label name. */
  segments: { value: number; name: string; color: string; projectLabel: string }[];
}

export function isNrrdMaskFile(file: string): boolean {
  return /\.(nrrd|nhdr)$/i.test(file);
}

export async function importNrrdMaskFile(
  ws: Workspace,
  opts: MaskReadOptions & { file: string; volumeId: number; annotator: string; actor: string },
): Promise<ImportedNrrdMask> {
  const volume = getVolume(ws.db, opts.volumeId);
  if (!volume) throw new NotFoundError(`volume ${opts.volumeId} does not exist`);
  if (opts.label !== undefined && !(Number.isInteger(opts.label) && opts.label >= 1 && opts.label <= 255)) {
    throw new InputError(undefined, `--label must be an integer 1..255 (got ${opts.label})`);
  }
  const map = await readNrrdLabelMap(opts.file, { asLabel: opts.label });
  const { labels, resampled } = fitToGrid(
    opts.file,
    map.labels,
    map.geometry,
    { dims: volume.dims, affineLPS: volume.affineLPS },
    opts,
  );
  const { blob, counts } = await storeMaskBlob(ws, labels, volume.dims);
  const projectId = getCase(ws.db, volume.caseId)!.projectId;
  const at = new Date().toISOString();
  return ws.db.transaction(() => {
    // Segments name the labels the project lacks, before recordImportedMask would call them "Label <v>".
    for (const s of map.segments) {
      if (getLabel(ws.db, projectId, s.value)) continue;
      const l = upsertLabel(ws.db, {
        projectId,
        value: s.value,
        name: s.name,
        color: s.color,
        visible: true,
        opacity: 0.5,
      });
      appendAudit(
        ws.db,
        {
          actor: opts.actor,
          action: 'label.save',
          detail: { projectId, value: l.value, before: null, after: l },
        },
        at,
      );
    }
    const rows = recordImportedMask(ws.db, {
      volumeId: volume.id,
      projectId,
      annotatorName: opts.annotator,
      blob,
      counts,
      provenance: {
        source: 'nrrd',
        // The file's name only: a full path can hold a patient's name or ID.
        file: path.basename(opts.file),
        resampled,
        ...(map.segments.length
          ? { segments: map.segments.map((s) => ({ value: s.value, name: s.name })) }
          : {}),
        ...(opts.label !== undefined ? { label: opts.label } : {}),
      },
      actor: opts.actor,
      at,
    });
    const segments = map.segments.map((s) => ({
      value: s.value,
      name: s.name,
      color: s.color,
      projectLabel: getLabel(ws.db, projectId, s.value)!.name,
    }));
    return { ...rows, resampled, segments };
  })();
}

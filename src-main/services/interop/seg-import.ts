// A DICOM SEG as an annotator's new revision of a volume's annotation (`concord masks import seg.dcm`):
// io/seg/seg-mask.ts reads it, checks that it was made on the volume's series and places its frames on the
// volume's grid; segments become labels (the project's label of the same name, else a new label with the
// segment's name and colour). Order as for every import: read and check, store the blob, then the rows in one
// transaction; a refusal stores nothing.
import path from 'node:path';
import { NotFoundError } from '../../core/errors';
import type { SegmentValue } from '../../core/mask/segment-values';
import type { DicomSource } from '../../core/volume/types';
import { listLabels } from '../../db/repositories/labels';
import { getProject } from '../../db/repositories/projects';
import { getCase } from '../../db/repositories/reviews';
import { getVolume, getVolumeSource } from '../../db/repositories/volumes';
import { readSegMask } from '../../io/seg/seg-mask';
import type { Workspace } from '../../workspace/workspace';
import { recordImportedMask, type ImportedMask } from '../masks/mask-import';
import { storeMaskBlob } from '../masks/mask-store';
import { sourceUidForms } from '../workspace/deidentify';

export interface SegImportOptions {
  file: string;
  volumeId: number;
  annotator: string;
  actor: string;
  /** FRACTIONAL SEGs: fraction of MaximumFractionalValue from which a voxel is in a segment (default 0.5). */
  threshold?: number;
  /** Segment numbers to import (default all). */
  segments?: number[];
}

export interface ImportedSeg extends ImportedMask {
  segmentationType: 'BINARY' | 'FRACTIONAL';
  threshold?: number;
  segments: (SegmentValue & { voxels: number })[];
}

export async function importSegFile(ws: Workspace, opts: SegImportOptions): Promise<ImportedSeg> {
  const volume = getVolume(ws.db, opts.volumeId);
  if (!volume) throw new NotFoundError(`volume ${opts.volumeId} does not exist`);
  const projectId = getCase(ws.db, volume.caseId)!.projectId;
  const source = getVolumeSource(ws.db, volume.id)?.source as { dicom?: DicomSource } | undefined;
  const mask = await readSegMask(opts.file, {
    geometry: { dims: volume.dims, affineLPS: volume.affineLPS },
    dicom: source?.dicom,
    volumeName: `volume ${volume.id}`,
    projectLabels: listLabels(ws.db, projectId),
    ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}),
    ...(opts.segments ? { segments: opts.segments } : {}),
    // A research project's volume stores replaced UIDs; a SEG made on the original series still names it.
    uidForms: sourceUidForms(ws),
  });
  const { blob, counts } = await storeMaskBlob(ws, mask.labels, volume.dims);
  const at = new Date().toISOString();
  const rows = ws.db.transaction(() =>
    recordImportedMask(ws.db, {
      volumeId: volume.id,
      projectId,
      annotatorName: opts.annotator,
      blob,
      counts,
      // The file's name only (a folder is often named after the patient); none in a research project.
      provenance: {
        source: 'dicom-seg',
        ...(getProject(ws.db, projectId)?.kind === 'research' ? {} : { file: path.basename(opts.file) }),
        segmentationType: mask.type,
        ...(mask.threshold !== undefined ? { threshold: mask.threshold } : {}),
        segments: mask.segments.map((s) => ({ number: s.number, name: s.name, value: s.value })),
      },
      actor: opts.actor,
      at,
      labelNames: mask.labelNames,
    }),
  )();
  return {
    ...rows,
    segmentationType: mask.type,
    ...(mask.threshold !== undefined ? { threshold: mask.threshold } : {}),
    segments: mask.segments,
  };
}

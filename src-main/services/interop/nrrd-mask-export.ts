// A mask revision as a 3D Slicer segmentation (.seg.nrrd, io/nrrd/seg.ts): the volume's grid in LPS, one
// segment per label of the project that the mask holds, with the label's name and colour. Written whole
// or not at all (atomic rename); mask-export.ts, the one dispatch of every export format, audits it.
import { NotFoundError } from '../../core/errors';
import { getAnnotation } from '../../db/repositories/annotations';
import { listLabels } from '../../db/repositories/labels';
import { getCase } from '../../db/repositories/reviews';
import { getRevision } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import { atomicWrite } from '../../io/nifti/atomic-write';
import { writeSegNrrd } from '../../io/nrrd/seg';
import type { Workspace } from '../../workspace/workspace';
import { readRevisionLabels } from '../masks/revision-reader';

export interface ExportedSegNrrd {
  revisionId: number;
  annotationId: number;
  volumeId: number;
  author: string;
  file: string;
  segments: { value: number; name: string }[];
}

export async function writeRevisionSegNrrd(
  ws: Workspace,
  opts: { revisionId: number; file: string },
): Promise<ExportedSegNrrd> {
  const revision = getRevision(ws.db, opts.revisionId);
  if (!revision) throw new NotFoundError(`revision ${opts.revisionId} does not exist`);
  const annotation = getAnnotation(ws.db, revision.annotationId)!;
  const volume = getVolume(ws.db, annotation.volumeId)!;
  const labels = await readRevisionLabels(ws, revision, volume.dims);
  const present = new Set<number>();
  for (const v of labels) if (v !== 0) present.add(v);
  const projectId = getCase(ws.db, volume.caseId)!.projectId;
  const segs = listLabels(ws.db, projectId)
    .filter((l) => present.has(l.value))
    .map((l) => ({ value: l.value, name: l.name, color: l.color }));
  const bytes = writeSegNrrd(labels, { dims: volume.dims, affineLPS: volume.affineLPS }, segs);
  await atomicWrite(opts.file, () => [bytes]);
  return {
    revisionId: revision.id,
    annotationId: annotation.id,
    volumeId: volume.id,
    author: revision.author,
    file: opts.file,
    segments: [...present]
      .sort((a, b) => a - b)
      .map((v) => ({ value: v, name: segs.find((s) => s.value === v)?.name ?? `Label ${v}` })),
  };
}

// A revision exported as a file in one of the formats other tools read: NIfTI (uint8 label map with the
// volume's geometry), DICOM SEG (seg-export.ts), NRRD as 3D Slicer's .seg.nrrd (nrrd-mask-export.ts). The CLI writes the file; the
// app gets the bytes to save through the browser's download.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, NotFoundError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { appendAudit } from '../../db/audit';
import { getAnnotation } from '../../db/repositories/annotations';
import { getRevision } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import { atomicWrite } from '../../io/nifti/atomic-write';
import { writeNifti } from '../../io/nifti/write';
import type { Workspace } from '../../workspace/workspace';
import { MaskStore } from '../masks/mask-store';
import { writeRevisionSegNrrd } from './nrrd-mask-export';
import { exportRevisionAsSeg } from './seg-export';
import { deidentifyForExport } from '../workspace/deidentify';

export type MaskExportFormat = 'nifti' | 'nrrd' | 'seg';
export const MASK_EXPORT_FORMATS: readonly MaskExportFormat[] = ['nifti', 'nrrd', 'seg'];

/** The format a file name implies: .dcm -> seg, .nii/.nii.gz -> nifti, .nrrd/.seg.nrrd -> nrrd. */
export function formatOfFileName(file: string): MaskExportFormat | undefined {
  if (/\.dcm$/i.test(file)) return 'seg';
  if (/\.nii(\.gz)?$/i.test(file)) return 'nifti';
  if (/\.nrrd$/i.test(file)) return 'nrrd';
  return undefined;
}

export interface MaskExportSummary {
  revisionId: number;
  annotationId: number;
  volumeId: number;
  author: string;
  format: MaskExportFormat;
  file: string;
  /** NRRD only: the segments written, by label value. */
  nrrd?: { segments: { value: number; name: string }[] };
  /** With deidentify: the case's pseudonym, a safe name for the file outside. */
  caseName?: string;
  /** DICOM SEG only. */
  seg?: {
    sopInstanceUID: string;
    seriesInstanceUID: string;
    frames: number;
    segments: { number: number; value: number; name: string; frames: number }[];
  };
}

export async function writeRevisionNifti(ws: Workspace, revisionId: number, file: string) {
  const revision = getRevision(ws.db, revisionId);
  if (!revision) throw new NotFoundError(`revision ${revisionId} does not exist`);
  const annotation = getAnnotation(ws.db, revision.annotationId)!;
  const volume = getVolume(ws.db, annotation.volumeId)!;
  const labels = await new MaskStore(ws).decodeRevision(revision, volume.dims);
  const image: ImageVolume = {
    geometry: { dims: volume.dims, affineLPS: volume.affineLPS },
    scalarType: 'uint8',
    data: labels,
    frames: 1,
    rescale: { slope: 1, intercept: 0 },
    source: { format: 'nifti', files: [], description: `revision ${revisionId}` },
  };
  await writeNifti(file, image);
  return { revisionId, annotationId: annotation.id, volumeId: volume.id, author: revision.author };
}

/** Writes the revision to `file` in `format` (the file appears whole or not at all) and audits it. */
export async function exportRevision(
  ws: Workspace,
  r: {
    revisionId: number;
    file: string;
    format: MaskExportFormat;
    actor: string;
    auditFile?: string;
    /** Meant to leave the hospital: the SEG gets the confidentiality profile (seg-export.ts); a NIfTI file
     *  carries no identifier in any case (voxels, geometry and the word "Concord"). */
    deidentify?: boolean;
  },
): Promise<MaskExportSummary> {
  let summary: MaskExportSummary;
  if (r.format === 'nifti') {
    if (!/\.nii(\.gz)?$/i.test(r.file))
      throw new InputError(r.file, 'a NIfTI export must end in .nii or .nii.gz');
    summary = { ...(await writeRevisionNifti(ws, r.revisionId, r.file)), format: 'nifti', file: r.file };
  } else if (r.format === 'seg') {
    const seg = await exportRevisionAsSeg(ws, r.revisionId, { deidentify: r.deidentify === true });
    await atomicWrite(r.file, () => [seg.bytes]);
    const { bytes: _bytes, revisionId, annotationId, volumeId, author, ...rest } = seg;
    summary = { revisionId, annotationId, volumeId, author, format: 'seg', file: r.file, seg: rest };
  } else {
    if (!/\.nrrd$/i.test(r.file))
      throw new InputError(r.file, 'an NRRD export must end in .nrrd or .seg.nrrd');
    const nrrd = await writeRevisionSegNrrd(ws, { revisionId: r.revisionId, file: r.file });
    const { revisionId, annotationId, volumeId, author, segments } = nrrd;
    summary = {
      revisionId,
      annotationId,
      volumeId,
      author,
      format: 'nrrd',
      file: r.file,
      nrrd: { segments },
    };
  }
  ws.db.transaction(() =>
    appendAudit(ws.db, {
      actor: r.actor,
      action: 'annotation.export',
      detail: {
        revisionId: summary.revisionId,
        annotationId: summary.annotationId,
        volumeId: summary.volumeId,
        format: r.format,
        // Audit rows are readable while signed out: the file's base name, never where it was written.
        file: r.auditFile ?? path.basename(r.file),
        deidentified: r.deidentify === true,
      },
    }),
  )();
  if (r.deidentify === true) summary.caseName = deidentifyForExport(ws, summary.volumeId).caseName;
  return summary;
}

/** The exported file's bytes, for the app's download (written to a private temporary folder, read, removed). */
export async function exportRevisionBytes(
  ws: Workspace,
  r: { revisionId: number; format: MaskExportFormat; actor: string },
): Promise<{ bytes: Uint8Array; fileName: string; mimeType: string; summary: MaskExportSummary }> {
  const ext = r.format === 'seg' ? '.dcm' : r.format === 'nrrd' ? '.seg.nrrd' : '.nii.gz';
  const fileName = `revision-${r.revisionId}${r.format === 'seg' ? '-seg' : ''}${ext}`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `concord-export-${randomBytes(4).toString('hex')}-`));
  try {
    const summary = await exportRevision(ws, {
      ...r,
      file: path.join(dir, fileName),
      auditFile: `download ${fileName}`,
    });
    const bytes = new Uint8Array(await fs.readFile(summary.file));
    const mimeType = r.format === 'seg' ? 'application/dicom' : 'application/octet-stream';
    return { bytes, fileName, mimeType, summary };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

// Any revision (an annotator's, a consensus, the reference) of a volume imported from DICOM as a DICOM SEG
// (io/seg/seg-write.ts): one segment per label present, named and coloured as the project's label, coded
// from its name (io/seg/seg-codes.ts), referencing the source series' images recorded at import.
//
// A research project's volumes carry replaced UIDs (workspace/deidentify.ts), so their SEG references the
// replaced series and names nobody: no patient, no annotator. `deidentify` does the same for a clinical
// project's SEG meant to leave the hospital (the UIDs a research import would have given the series).
//
// Volumes imported from NIfTI or PNG are refused: a SEG only means something next to the DICOM images it
// references, and Concord has none for such a volume (it does not make up an image series).
import { InputError, NotFoundError } from '../../core/errors';
import type { DicomSource, PatientIdentity } from '../../core/volume/types';
import { getAnnotation } from '../../db/repositories/annotations';
import { listLabels } from '../../db/repositories/labels';
import { getCase } from '../../db/repositories/reviews';
import { getRevision } from '../../db/repositories/revisions';
import { getVolume, getVolumeSource } from '../../db/repositories/volumes';
import { segmentCodesFor } from '../../io/seg/seg-codes';
import { writeSeg, type SegWriteResult } from '../../io/seg/seg-write';
import type { Workspace } from '../../workspace/workspace';
import { getProject } from '../../db/repositories/projects';
import { deidentifyForExport } from '../workspace/deidentify';
import { APP_VERSION } from '../app-version';
import { MaskStore } from '../masks/mask-store';

export interface SegExport extends SegWriteResult {
  revisionId: number;
  annotationId: number;
  volumeId: number;
  author: string;
}

/** Why a volume cannot be exported as a SEG, or the source series to reference. */
function sourceSeries(volumeId: number, stored: { source: unknown; patient: unknown } | undefined) {
  const source = stored?.source as { format?: string; dicom?: DicomSource } | undefined;
  const refuse = (why: string) =>
    new InputError(undefined, `volume ${volumeId} cannot be exported as a DICOM SEG: ${why}`);
  if (source?.format !== 'dicom' || !source.dicom) {
    throw refuse(
      `it was imported from ${source?.format === 'png' ? 'PNG' : 'NIfTI'}, and a SEG must reference the DICOM images ` +
        'it was drawn on; export it as NIfTI (--format nifti) instead',
    );
  }
  const d = source.dicom;
  if (!d.instances) {
    throw refuse(
      "it was imported before Concord recorded each slice's SOP Instance UID; import the DICOM series again",
    );
  }
  if (!d.studyInstanceUID || !d.seriesInstanceUID || !d.frameOfReferenceUID) {
    throw refuse('its source series has no Study, Series or Frame of Reference UID');
  }
  return {
    studyInstanceUID: d.studyInstanceUID,
    seriesInstanceUID: d.seriesInstanceUID,
    frameOfReferenceUID: d.frameOfReferenceUID,
    instances: d.instances,
    ...(stored?.patient ? { patient: stored.patient as PatientIdentity } : {}),
  };
}

export async function exportRevisionAsSeg(
  ws: Workspace,
  revisionId: number,
  opts: { deidentify?: boolean } = {},
): Promise<SegExport> {
  const revision = getRevision(ws.db, revisionId);
  if (!revision) throw new NotFoundError(`revision ${revisionId} does not exist`);
  const annotation = getAnnotation(ws.db, revision.annotationId)!;
  const volume = getVolume(ws.db, annotation.volumeId)!;
  const research = getProject(ws.db, getCase(ws.db, volume.caseId)!.projectId)!.kind === 'research';
  const anonymous = research || opts.deidentify === true;
  const source = sourceSeries(
    volume.id,
    anonymous
      ? { source: deidentifyForExport(ws, volume.id).source, patient: null }
      : getVolumeSource(ws.db, volume.id),
  );
  if (source.instances.length !== volume.dims[2]) {
    throw new InputError(
      undefined,
      `volume ${volume.id} cannot be exported as a DICOM SEG: its ${volume.dims[2]} slices come from ` +
        `${source.instances.length} image(s) (a mosaic), which SEG frames cannot reference one by one`,
    );
  }
  const present = Object.entries(revision.labelVoxels)
    .filter(([v, n]) => Number(v) > 0 && n > 0)
    .map(([v]) => Number(v))
    .sort((a, b) => a - b);
  if (present.length === 0) {
    throw new InputError(
      undefined,
      `revision ${revisionId} is empty: a DICOM SEG needs at least one labelled voxel`,
    );
  }
  const labels = await new MaskStore(ws).decodeRevision(revision, volume.dims);
  const projectLabels = listLabels(ws.db, getCase(ws.db, volume.caseId)!.projectId);
  const derived = annotation.kind === 'derived';
  const method = annotation.authorName;
  const written = writeSeg({
    labels,
    geometry: { dims: volume.dims, affineLPS: volume.affineLPS },
    source,
    segments: present.map((value) => {
      const label = projectLabels.find((l) => l.value === value);
      const name = label?.name ?? `Label ${value}`;
      return {
        value,
        name,
        color: label?.color ?? '#ff0000',
        codes: segmentCodesFor(name),
        algorithm: derived ? { type: 'SEMIAUTOMATIC', name: `Concord ${method}` } : { type: 'MANUAL' },
      };
    }),
    seriesDescription: derived
      ? `Concord ${method}`
      : anonymous
        ? 'Concord annotation'
        : `Concord annotation by ${revision.author}`,
    // PN: family^given; an annotator's profile name is one name, kept whole as the family name component
    // (the trailing '^' says so, which dicom3tools expects of a current-form name). None when de-identified.
    creator: derived || anonymous ? '' : `${revision.author.replace(/[\\^=]/g, ' ').slice(0, 63)}^`,
    contentDescription: `revision ${revisionId} of annotation ${annotation.id}`,
    softwareVersion: APP_VERSION,
  });
  return {
    ...written,
    revisionId,
    annotationId: annotation.id,
    volumeId: volume.id,
    author: revision.author,
  };
}

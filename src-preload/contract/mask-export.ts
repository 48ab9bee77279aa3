// Masks in and out of the app. Export: a revision as a file other tools read (NIfTI label map, DICOM SEG, 3D
// Slicer's .seg.nrrd), for the app to save through the browser's download; blinding applies (the caller must
// be allowed to see the revision's annotation). Every signed-off reference of a project at once, as a tar of
// NIfTI files named by case (reviewers and admins), or in Electron the same files in a folder the user picks. Import: a mask file of any format `concord masks import`
// reads, onto a volume as a named annotator's new revision (reviewers and admins, as in the CLI; audited with
// who imported it).
import type { ImportSource } from './workspace';

export type MaskExportFormat = 'nifti' | 'seg' | 'nrrd';

export interface MaskExportFile {
  fileName: string;
  mimeType: string;
  /** The file's bytes, base64: exports are label maps (compressed NIfTI) or SEG frames of labelled slices
   *  only, small enough for one answer on either host's channel. */
  base64: string;
  format: MaskExportFormat;
  /** DICOM SEG: its segments (label value, name, frames written). */
  segments?: { number: number; value: number; name: string; frames: number }[];
}

export interface ReferencesExportFile {
  /** `<project>-references.tar`: one `<case>.nii.gz` per reference and references.json. */
  fileName: string;
  mimeType: string;
  base64: string;
  files: { case: string; file: string; revisionId: number }[];
  /** Cases without a signed-off reference, with the reason. */
  skipped: { case: string; reason: string }[];
}

/** The references written into a folder the user chose (Electron: 'masks:exportReferencesToFolder'). */
export interface ReferencesFolderExport {
  /** The folder, as the user chose it in the dialog. */
  folder: string;
  files: { case: string; file: string; revisionId: number }[];
  skipped: { case: string; reason: string }[];
}

export type MaskFileKind = 'nifti' | 'nrrd' | 'png' | 'seg' | 'rtstruct';

export interface MaskImportRequest {
  volumeId: number;
  /** The mask file (a .nhdr may come with its data file): paths in Electron, a granted upload in the web host. */
  source: ImportSource;
  /** The annotator the mask is for: a profile name (one is created, without a password, when none has it). */
  annotator: string;
  /** NIfTI, NRRD, PNG: every non-zero voxel becomes this label (a binary mask). */
  label?: number;
  /** NIfTI, NRRD: resample by nearest neighbour when the mask is not on the volume's grid. */
  resample?: boolean;
}

export interface MaskImportAnswer {
  kind: MaskFileKind;
  /** The file's name as the user picked it. */
  file: string;
  annotatorName: string;
  /** A profile without a password was created for this name. */
  annotatorCreated: boolean;
  annotationId: number;
  revisionId: number;
  /** The mask was already the annotation's head: nothing new stored. */
  unchanged: boolean;
  resampled: boolean;
  labelVoxels: Record<string, number>;
  labelsCreated: number[];
}

export interface MaskExportRequests {
  'masks:export': { req: { revisionId: number; format: MaskExportFormat }; res: MaskExportFile };
  'masks:exportReferences': { req: { projectId: number }; res: ReferencesExportFile };
  /** Electron: asks for a folder (a native dialog in main; the renderer never names a path) and writes the
   *  same files there as `concord masks export-references`; null when the dialog was closed. The web host
   *  answers 'unsupported' (a browser cannot write a folder: it downloads the tar). */
  'masks:exportReferencesToFolder': { req: { projectId: number }; res: ReferencesFolderExport | null };
  'masks:import': { req: MaskImportRequest; res: MaskImportAnswer };
}

export const MASK_EXPORT_REQUEST_CHANNELS = [
  'masks:export',
  'masks:exportReferences',
  'masks:exportReferencesToFolder',
  'masks:import',
] as const satisfies readonly (keyof MaskExportRequests)[];

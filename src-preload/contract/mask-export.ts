// Mask export's channel: a revision as a file other tools read (NIfTI label map, DICOM SEG, 3D Slicer's
// .seg.nrrd), for the app to save through the browser's download. Blinding applies: the caller
// must be allowed to see the revision's annotation.

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

export interface MaskExportRequests {
  'masks:export': { req: { revisionId: number; format: MaskExportFormat }; res: MaskExportFile };
}

export const MASK_EXPORT_REQUEST_CHANNELS = [
  'masks:export',
] as const satisfies readonly (keyof MaskExportRequests)[];

// One path for a mask file of any format Concord reads, onto a volume as a named annotator's new revision,
// shared by `concord masks import` and the app's 'masks:import'. The file's content decides its kind, then
// its name: an RTSTRUCT or a DICOM SEG (a DICOM preamble), a NRRD label map or 3D Slicer segmentation
// (.nrrd, .nhdr), a greyscale PNG (.png), else a NIfTI label map. Each kind has its own reader and checks
// (grid, labels, the series it was made on): seg-import.ts, rtstruct-import.ts, nrrd-mask-import.ts and
// masks/mask-import.ts (NIfTI, PNG). Options that do not apply to the kind are refused here, before anything
// is read or stored; a refusal is one line and stores nothing.
import { InputError } from '../../core/errors';
import { looksLikeRtStruct } from '../../io/rtstruct/read';
import { isDicomFile } from '../../io/seg/seg-mask';
import type { Workspace } from '../../workspace/workspace';
import { importMaskFile, isPngFile, type ImportedMask } from '../masks/mask-import';
import { importNrrdMaskFile, isNrrdMaskFile, type ImportedNrrdMask } from './nrrd-mask-import';
import { importRtStruct, type ImportedRtStruct } from './rtstruct-import';
import { importSegFile, type ImportedSeg } from './seg-import';

export type MaskFileKind = 'nifti' | 'nrrd' | 'png' | 'seg' | 'rtstruct';

/** The kind's name for messages. */
export const MASK_FILE_KIND_NAMES: Record<MaskFileKind, string> = {
  nifti: 'a NIfTI label map',
  nrrd: 'an NRRD label map',
  png: 'a PNG',
  seg: 'a DICOM SEG',
  rtstruct: 'an RTSTRUCT',
};

export interface MaskFileImportOptions {
  file: string;
  volumeId: number;
  /** The annotator the mask is for (a profile is created, without a password, when none has this name). */
  annotator: string;
  /** Who imports it (the audit's actor). */
  actor: string;
  /** NIfTI, NRRD, PNG: every non-zero voxel becomes this label. */
  label?: number;
  /** NIfTI, NRRD: resample by nearest neighbour when the mask is not on the volume's grid. */
  resample?: boolean;
  /** What an off-grid refusal tells the user to do (default: the CLI's --resample nearest). */
  resampleHint?: string;
  /** DICOM SEG: FRACTIONAL threshold, fraction of the maximum (default 0.5). */
  threshold?: number;
  /** DICOM SEG: the segment numbers to import (default all). */
  segments?: number[];
  /** RTSTRUCT: the ROI names to import (default all). */
  rois?: string[];
}

export type MaskFileImported =
  | ({ kind: 'nifti' | 'png' } & ImportedMask & { resampled: boolean })
  | ({ kind: 'nrrd' } & ImportedNrrdMask)
  | ({ kind: 'seg' } & ImportedSeg)
  | ({ kind: 'rtstruct' } & ImportedRtStruct);

/** The kind of a mask file, from its first bytes (DICOM) and then its name. */
export async function maskFileKind(file: string): Promise<MaskFileKind> {
  if (await looksLikeRtStruct(file)) return 'rtstruct';
  if (await isDicomFile(file)) return 'seg';
  if (isNrrdMaskFile(file)) return 'nrrd';
  if (isPngFile(file)) return 'png';
  return 'nifti';
}

/** Which options each kind takes. */
const TAKES: Record<MaskFileKind, readonly (keyof MaskFileImportOptions)[]> = {
  nifti: ['label', 'resample'],
  nrrd: ['label', 'resample'],
  png: ['label'],
  seg: ['threshold', 'segments'],
  rtstruct: ['rois'],
};

const OPTION_WORDS: Partial<Record<keyof MaskFileImportOptions, string>> = {
  label: 'a single label for every non-zero voxel',
  resample: 'resampling',
  threshold: 'a threshold',
  segments: 'a choice of segments',
  rois: 'a choice of ROIs',
};

/** Refuses an option the kind does not take (one line naming the file). */
export function checkOptionsFor(kind: MaskFileKind, o: MaskFileImportOptions): void {
  for (const key of Object.keys(OPTION_WORDS) as (keyof MaskFileImportOptions)[]) {
    if (o[key] === undefined || o[key] === false || TAKES[kind].includes(key)) continue;
    throw new InputError(o.file, `${MASK_FILE_KIND_NAMES[kind]} takes no ${OPTION_WORDS[key]}`);
  }
  if (o.label !== undefined && !(Number.isInteger(o.label) && o.label >= 1 && o.label <= 255))
    throw new InputError(undefined, `the label must be an integer 1..255 (got ${o.label})`);
  if (o.threshold !== undefined && !(o.threshold > 0 && o.threshold <= 1))
    throw new InputError(undefined, `the threshold must be a number in (0, 1] (got ${o.threshold})`);
}

/** Imports the mask file as `annotator`'s new revision of the volume's annotation (see the file comment). */
export async function importMaskFileOfAnyKind(
  ws: Workspace,
  o: MaskFileImportOptions,
  kind?: MaskFileKind,
): Promise<MaskFileImported> {
  const k = kind ?? (await maskFileKind(o.file));
  checkOptionsFor(k, o);
  const base = { file: o.file, volumeId: o.volumeId, annotator: o.annotator, actor: o.actor };
  switch (k) {
    case 'rtstruct':
      return { kind: k, ...(await importRtStruct(ws, { ...base, ...(o.rois ? { rois: o.rois } : {}) })) };
    case 'seg':
      return {
        kind: k,
        ...(await importSegFile(ws, {
          ...base,
          ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
          ...(o.segments ? { segments: o.segments } : {}),
        })),
      };
    case 'nrrd':
    case 'nifti':
    case 'png': {
      const read = {
        ...base,
        label: o.label,
        resample: o.resample === true,
        ...(o.resampleHint !== undefined ? { resampleHint: o.resampleHint } : {}),
      };
      if (k === 'nrrd') return { kind: k, ...(await importNrrdMaskFile(ws, read)) };
      return { kind: k, ...(await importMaskFile(ws, read)) };
    }
  }
}

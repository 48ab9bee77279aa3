// What the DICOM scan finds: per-file headers, and image series ready to be read as volumes.
//
// Frames: LPS world coordinates in mm (DICOM's own patient frame, never corrected for PatientPosition).
// Index layout of a series' volume: i = image column (left to right along ImageOrientationPatient's row
// direction), j = image row (top to bottom along its column direction), k = slice in sorted order
// (increasing projection of ImagePositionPatient on the slice normal rowDir x colDir).
import type { Mat4, Vec3 } from '../../core/geometry/affine';
import type { PatientIdentity, Rescale } from '../../core/volume/types';

/** How stored pixel values are laid out (identical for every slice of a readable series). */
export interface PixelFormat {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
}

/** Geometry and value mapping of one image plane (a single-frame file, or one frame of a multi-frame file). */
export interface PlaneInfo {
  /** ImagePositionPatient: LPS mm of the centre of the first transmitted pixel (row 0, column 0). */
  ipp?: Vec3;
  /** ImageOrientationPatient: row direction cosine (3) then column direction cosine (3), LPS. */
  iop?: number[];
  /** PixelSpacing in DICOM order: [row spacing (between rows, mm), column spacing (between columns, mm)]. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  rescale: Rescale;
}

export interface DicomHeader {
  file: string;
  transferSyntaxUID: string;
  sopClassUID?: string;
  sopInstanceUID?: string;
  modality?: string;
  studyInstanceUID?: string;
  frameOfReferenceUID?: string;
  seriesInstanceUID?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  /** StudyDate (DA, YYYYMMDD) as written. */
  studyDate?: string;
  instanceNumber?: number;
  imageType: string[];
  patientPosition?: string;
  /** Only when the caller asked to keep patient identity. */
  patient?: PatientIdentity;
  /** Undefined when Rows/Columns/BitsAllocated are missing. */
  pixel?: PixelFormat;
  numberOfFrames: number;
  /** One plane per frame when the file carries per-frame geometry (enhanced multi-frame), else one plane. */
  planes: PlaneInfo[];
  perFrameGeometry: boolean;
  spacingBetweenSlices?: number;
  /** Where in-plane spacing came from; undefined when neither tag is present (1 mm assumed). */
  pixelSpacingSource?: 'PixelSpacing' | 'ImagerPixelSpacing';
  /** The Pixel Data element; undefined when the file has none. */
  pixelData?: { offset: number; length: number; encapsulated: boolean };
  /** Float / Double Float Pixel Data instead of Pixel Data (not supported). */
  floatPixelData?: boolean;
  /** Siemens mosaic: several slices tiled in one image. */
  mosaic?: { images: number; sliceNormal?: Vec3 };
  /** Header values that were present but unusable (e.g. an ImageOrientationPatient that is not orthonormal). */
  invalid: string[];
}

/** One slice of a series, in sorted (k) order. */
export interface DicomSlice {
  file: string;
  /** Frame index inside the file (0 for single-frame files). */
  frame: number;
  rescale: Rescale;
  /** ImagePositionPatient (LPS mm); undefined when the file has none. */
  ipp?: Vec3;
  /** SOPInstanceUID of the file (what a DICOM SEG made on this slice references). */
  sopInstanceUID?: string;
  sopClassUID?: string;
}

/** Siemens mosaic layout: `images` tiles of tileColumns x tileRows in a grid `tilesPerRow` wide. */
export interface MosaicLayout {
  images: number;
  tilesPerRow: number;
  tileRows: number;
  tileColumns: number;
}

export interface DicomSeries {
  /** Unique within a scan: the SeriesInstanceUID, with "#part" when a series had to be split. */
  key: string;
  /** SeriesInstanceUID ('' when the files have none). */
  uid: string;
  /** Set when the series mixes image sizes or orientations and was split into parts (1-based). */
  part?: { index: number; count: number };
  /** SeriesDescription, else the folder name. */
  description: string;
  /** 'series "description" #number' (and "part i/n" when split). */
  name: string;
  /** `name` followed by " in <folder>": how messages name the series. */
  label: string;
  /** The folder holding the series' files (their common parent when they span folders). */
  folder: string;
  modality?: string;
  seriesNumber?: number;
  studyInstanceUID?: string;
  studyDate?: string;
  frameOfReferenceUID?: string;
  patientPosition?: string;
  patient?: PatientIdentity;
  /** Distinct files, in sorted slice order. */
  files: string[];
  /** Voxels along i (columns), j (rows), k (slices). */
  dims: Vec3;
  /** Reasons the series cannot be read as a volume (empty: readable). */
  problems: string[];
  /** Things the user should know that do not prevent reading (lossy compression, MONOCHROME1, assumed geometry). */
  notes: string[];
  /** Row-major IJK -> LPS (mm); undefined when problems prevent building it. */
  affineLPS?: Mat4;
  slices: DicomSlice[];
  pixel?: PixelFormat;
  transferSyntaxUIDs: string[];
  mosaic?: MosaicLayout;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface DicomScan {
  series: DicomSeries[];
  /** Files that are not DICOM images (not DICOM, no pixel data, DICOM SEG, unreadable), with the reason. */
  skipped: SkippedFile[];
}

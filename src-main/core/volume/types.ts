// The in-memory image volume every reader produces and every consumer (store, viewer, metrics) takes.
//
// Index layout: voxel (i, j, k) of frame t sits at data[i + j*nx + k*nx*ny + t*nx*ny*nz] (i fastest).
// World space is LPS (x to the patient's Left, y to Posterior, z to Superior), millimetres.
// Values are kept as stored; the physical value (HU for CT) is stored*rescale.slope + rescale.intercept.

import type { Mat4, Vec3 } from '../geometry/affine';

export type ScalarType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export type VoxelArray =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface VolumeGeometry {
  /** Voxels along i, j, k. */
  dims: Vec3;
  /** Row-major 4x4 mapping (i, j, k, 1) to the LPS position in mm of that voxel's centre. */
  affineLPS: Mat4;
}

/** physical value = stored * slope + intercept (identity: slope 1, intercept 0). */
export interface Rescale {
  slope: number;
  intercept: number;
}

export interface DicomSource {
  studyInstanceUID?: string;
  /** StudyDate (DA, YYYYMMDD): kept by clinical projects, removed or shifted by research ones. */
  studyDate?: string;
  seriesInstanceUID?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  patientPosition?: string;
  transferSyntaxUID?: string;
  /** MONOCHROME2: higher values brighter; MONOCHROME1: higher values darker (stored values are never inverted). */
  photometricInterpretation?: string;
  /** Reader remarks worth showing the user (lossy compression, assumed geometry, unpacked mosaic...). */
  notes?: string[];
  /** FrameOfReferenceUID shared by the series (a DICOM SEG made on the volume carries it). */
  frameOfReferenceUID?: string;
  /**
   * The image each slice k came from, in k order (index = k): its SOP class and instance UIDs, and the 1-based
   * frame number when the file holds several frames. Recorded since DICOM SEG export; volumes imported before
   * lack it.
   */
  instances?: DicomInstanceRef[];
}

/** One source image of a slice (what a DICOM SEG frame on that slice references). */
export interface DicomInstanceRef {
  sopClassUID: string;
  sopInstanceUID: string;
  /** 1-based frame number inside a multi-frame image; absent for single-frame images. */
  frame?: number;
}

/** Identifying patient data; readers fill it, the import service drops it unless the user opted in. */
export interface PatientIdentity {
  name?: string;
  id?: string;
  birthDate?: string;
}

export interface VolumeSource {
  format: 'nifti' | 'dicom' | 'png' | 'nrrd';
  /** Paths of the files the volume was read from (as given to the reader). */
  files: string[];
  /** Short human description: series description or file name. */
  description: string;
  modality?: string;
  dicom?: DicomSource;
  patient?: PatientIdentity;
}

export interface ImageVolume {
  geometry: VolumeGeometry;
  scalarType: ScalarType;
  /** Stored values; length nx*ny*nz*frames. */
  data: VoxelArray;
  /** Size of the 4th dimension (1 for a 3D volume). */
  frames: number;
  rescale: Rescale;
  source: VolumeSource;
}

export const BYTES_PER_SCALAR: Record<ScalarType, number> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  float64: 8,
};

/** Allocates a zeroed array of `length` elements of the given type. */
export function allocateVoxels(type: ScalarType, length: number): VoxelArray {
  switch (type) {
    case 'uint8':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
  }
}

/** A typed view of `type` over the bytes (no copy; byteOffset must be aligned to the element size). */
export function voxelView(
  type: ScalarType,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): VoxelArray {
  switch (type) {
    case 'uint8':
      return new Uint8Array(buffer, byteOffset, length);
    case 'int8':
      return new Int8Array(buffer, byteOffset, length);
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'int16':
      return new Int16Array(buffer, byteOffset, length);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, length);
    case 'int32':
      return new Int32Array(buffer, byteOffset, length);
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'float64':
      return new Float64Array(buffer, byteOffset, length);
  }
}

export function voxelCount(dims: Vec3, frames = 1): number {
  return dims[0] * dims[1] * dims[2] * frames;
}

// The workspace's entities as every layer sees them: projects, cases, volumes (geometry in LPS mm),
// the audit log, the saved view and what the running app is.
import type { Mat4, Vec3 } from '../geometry/affine';
import type { Rescale, ScalarType } from '../volume/types';

/**
 * How a project treats identifiers: 'clinical' keeps the source DICOM UIDs (a SEG sent back to the PACS
 * references its series); 'research' replaces them at import (DICOM PS3.15 Annex E, Basic Profile).
 */
export type ProjectKind = 'clinical' | 'research';

export interface ProjectInfo {
  id: number;
  name: string;
  kind: ProjectKind;
  createdAt: string;
  caseCount: number;
}

export interface CaseInfo {
  id: number;
  projectId: number;
  name: string;
  createdAt: string;
  volumeCount: number;
}

/** What the renderer knows of a stored volume; voxels come separately (HostBridge.fetchVoxels). */
export interface VolumeMeta {
  id: number;
  caseId: number;
  name: string;
  modality: string | null;
  sourceFormat: 'nifti' | 'dicom' | 'png';
  /** Voxels along i, j, k. */
  dims: Vec3;
  /** mm along i, j, k. */
  spacing: Vec3;
  /** Row-major 4x4: (i, j, k, 1) -> LPS mm of the voxel centre. */
  affineLPS: Mat4;
  scalarType: ScalarType;
  frames: number;
  rescale: Rescale;
  /** Bytes of the stored voxel blob (little-endian, i fastest). */
  byteLength: number;
  /** sha256 of the voxel blob, hex. */
  checksum: string;
  /** Over the rescaled values. */
  stats: { min: number; max: number; mean: number };
  importedAt: string;
  /** Patient position from DICOM (HFS, FFS, HFDL, ...) when known. */
  patientPosition: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  hash: string;
}

export interface ViewState {
  projectId?: number;
  caseId?: number;
  volumeId?: number;
  window?: number;
  level?: number;
  /** Crosshair in voxel index space. */
  cursor?: Vec3;
  layout?: string;
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'web';
  workspace: string;
}

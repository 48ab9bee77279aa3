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
  /** What the project's volumes are (CT, MR, ...), as its lead set it; null when not said. */
  modality: string | null;
  /** When it was archived (kept, hidden from the import targets); null while active. */
  archivedAt: string | null;
}

export interface CaseInfo {
  id: number;
  projectId: number;
  name: string;
  createdAt: string;
  volumeCount: number;
  /** The person imaged (migration 012): as given in a clinical project, a keyed pseudonym in a research one;
   *  null when the case is its own subject. A training run split by subject keeps one person on one side. */
  subject: string | null;
}

/** What the renderer knows of a stored volume; voxels come separately (HostBridge.fetchVoxels). */
export interface VolumeMeta {
  id: number;
  caseId: number;
  name: string;
  modality: string | null;
  sourceFormat: 'nifti' | 'dicom' | 'png' | 'nrrd';
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
  /** DICOM series number, when known. */
  seriesNumber: number | null;
  /** The slice plane of the k axis (core/volume/series-label.ts). */
  orientation: 'axial' | 'coronal' | 'sagittal' | 'oblique';
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  hash: string;
}

/** What a check of the audit trail found wrong first (db/audit-verify.ts says how each is detected). */
export type AuditProblem =
  /** a row's content does not match its hash: edited in place */
  | 'edited'
  /** a row's previous-hash link does not match the row before it: a row removed or inserted */
  | 'broken-chain'
  /** a row's MAC does not match: rewritten (hashes recomputed) without the workspace key */
  | 'bad-mac'
  /** a row carries no MAC in a sealed trail: written behind Concord's back */
  | 'unkeyed'
  /** the sealed head (row count, last hash) differs from the rows: rows removed at the end, or added */
  | 'seal-mismatch'
  /** the seal's signature does not verify under the workspace's public key */
  | 'bad-seal'
  /** no seal, or one never signed: the trail cannot be checked */
  | 'unsealed'
  /** workspace.key is not the key that sealed this trail */
  | 'foreign-key'
  /** workspace.key is missing: the MACs cannot be checked */
  | 'missing-key';

/** The verdict of an audit trail check (`concord audit verify`, the check when a workspace opens). */
export interface AuditVerification {
  intact: boolean;
  /** Rows read: every row when intact, else up to and including the first bad one. */
  rows: number;
  /** The first row found bad, or null (intact, or a fault of the seal or key rather than of a row). */
  firstBadId: number | null;
  /** True when the MACs and the signed head were checked (the trail is keyed), not only the hash chain. */
  sealed: boolean;
  problem: AuditProblem | null;
  /** One line saying what is wrong, or null when intact. */
  message: string | null;
  /** The workspace whose key sealed the trail, or null when unsealed. */
  workspaceId: string | null;
}

/**
 * A workspace's sealed audit head: its last row's hash and row count, signed (Ed25519, base64) by the
 * workspace key over auditHeadPayload(workspaceId, lastHash, rowCount). Exchange bundles carry it.
 */
export interface AuditHead {
  workspaceId: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  lastHash: string;
  rowCount: number;
  signature: string;
}

/**
 * An audit row as it travels between workspaces: its content (no MAC: the MAC is the holder's own), its
 * place in the exporting workspace's chain, and its origin: the workspace that first wrote it, with the
 * row's id, previous hash and hash there (for a row of the exporter's own, the exporter and the same
 * values). originHash = sha256 over (originPrevHash, at, actor, action, canonical detail), so a receiver
 * can check the content against it (auditRowHash in db/audit-rows.ts).
 */
export interface PortableAuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
  originWorkspace: string;
  originId: number;
  originPrevHash: string;
  originHash: string;
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

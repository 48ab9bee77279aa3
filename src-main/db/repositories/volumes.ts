// Volume rows <-> VolumeMeta. Geometry: dims along i, j, k; affine_lps row-major (i, j, k, 1) -> LPS mm.
import type { VolumeMeta } from '../../core/model';
import { spacingOf } from '../../core/geometry/affine';
import type { Mat4, Vec3 } from '../../core/geometry/affine';
import type { ScalarType } from '../../core/volume/types';
import { slicePlane } from '../../core/volume/series-label';
import type { Db } from '../open';

interface VolumeRow {
  id: number;
  case_id: number;
  name: string;
  blob_sha256: string;
  scalar_type: ScalarType;
  dim_i: number;
  dim_j: number;
  dim_k: number;
  frames: number;
  affine_lps: string;
  rescale_slope: number;
  rescale_intercept: number;
  modality: string | null;
  source_format: VolumeMeta['sourceFormat'];
  source_json: string;
  stats_min: number;
  stats_max: number;
  stats_mean: number;
  imported_at: string;
  byte_length: number;
}

const SELECT = `SELECT v.*, b.byte_length FROM volumes v JOIN blobs b ON b.sha256 = v.blob_sha256`;

function toMeta(r: VolumeRow): VolumeMeta {
  const affineLPS = JSON.parse(r.affine_lps) as Mat4;
  const source = JSON.parse(r.source_json) as {
    dicom?: { patientPosition?: string; seriesNumber?: number };
  };
  const dims: Vec3 = [r.dim_i, r.dim_j, r.dim_k];
  return {
    id: r.id,
    caseId: r.case_id,
    name: r.name,
    modality: r.modality,
    sourceFormat: r.source_format,
    dims,
    spacing: spacingOf(affineLPS),
    affineLPS,
    scalarType: r.scalar_type,
    frames: r.frames,
    rescale: { slope: r.rescale_slope, intercept: r.rescale_intercept },
    byteLength: r.byte_length,
    checksum: r.blob_sha256,
    stats: { min: r.stats_min, max: r.stats_max, mean: r.stats_mean },
    importedAt: r.imported_at,
    patientPosition: source.dicom?.patientPosition ?? null,
    seriesNumber: source.dicom?.seriesNumber ?? null,
    orientation: slicePlane(affineLPS),
  };
}

export function listVolumes(db: Db, caseId: number): VolumeMeta[] {
  return (db.prepare(`${SELECT} WHERE v.case_id = ? ORDER BY v.id`).all(caseId) as VolumeRow[]).map(toMeta);
}

export function getVolume(db: Db, id: number): VolumeMeta | undefined {
  const row = db.prepare(`${SELECT} WHERE v.id = ?`).get(id) as VolumeRow | undefined;
  return row && toMeta(row);
}

/** The stored source description (files, DICOM UIDs) and, if the user opted in, patient identity. */
export function getVolumeSource(db: Db, id: number): { source: unknown; patient: unknown } | undefined {
  const row = db.prepare('SELECT source_json, patient_json FROM volumes WHERE id = ?').get(id) as
    { source_json: string; patient_json: string | null } | undefined;
  return (
    row && { source: JSON.parse(row.source_json), patient: row.patient_json && JSON.parse(row.patient_json) }
  );
}

export function findVolumeByBlob(db: Db, caseId: number, sha256: string): VolumeMeta | undefined {
  const row = db.prepare(`${SELECT} WHERE v.case_id = ? AND v.blob_sha256 = ?`).get(caseId, sha256) as
    VolumeRow | undefined;
  return row && toMeta(row);
}

export interface NewVolume {
  caseId: number;
  name: string;
  blobSha256: string;
  byteLength: number;
  scalarType: ScalarType;
  dims: Vec3;
  frames: number;
  affineLPS: Mat4;
  rescale: { slope: number; intercept: number };
  modality: string | null;
  sourceFormat: VolumeMeta['sourceFormat'];
  source: unknown;
  patient: unknown;
  stats: { min: number; max: number; mean: number };
  importedAt: string;
  importedBy: string;
}

/** Records the blob (if new) and the volume row; call inside a transaction. */
export function insertVolume(db: Db, v: NewVolume): number {
  db.prepare('INSERT OR IGNORE INTO blobs (sha256, byte_length, created_at) VALUES (?, ?, ?)').run(
    v.blobSha256,
    v.byteLength,
    v.importedAt,
  );
  const info = db
    .prepare(
      `INSERT INTO volumes (case_id, name, blob_sha256, scalar_type, dim_i, dim_j, dim_k, frames, affine_lps,
         rescale_slope, rescale_intercept, modality, source_format, source_json, patient_json,
         stats_min, stats_max, stats_mean, imported_at, imported_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      v.caseId,
      v.name,
      v.blobSha256,
      v.scalarType,
      v.dims[0],
      v.dims[1],
      v.dims[2],
      v.frames,
      JSON.stringify(v.affineLPS),
      v.rescale.slope,
      v.rescale.intercept,
      v.modality,
      v.sourceFormat,
      JSON.stringify(v.source),
      v.patient === undefined || v.patient === null ? null : JSON.stringify(v.patient),
      v.stats.min,
      v.stats.max,
      v.stats.mean,
      v.importedAt,
      v.importedBy,
    );
  return Number(info.lastInsertRowid);
}

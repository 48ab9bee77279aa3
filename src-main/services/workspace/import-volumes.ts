// Import use-case: read volumes from files/folders, store their voxels as blobs, then record projects,
// cases, volumes and audit rows in ONE short synchronous transaction (file I/O first, rows last), so a
// crash or an error at any point leaves the workspace as it was (at worst an unreferenced blob file).
// Patient name, ID and birth date are dropped unless the caller opted in (never for a research project).
// A case is named by a pseudonym unless the caller names it; a research project's sources go through the
// confidentiality profile (deidentify.ts) before anything is stored; file paths are kept as base names
// (research: none), and audit rows carry no path or free text.
// An import keeps what it can: a file that cannot be read (or a 4D file the request did not say how to
// take) is refused with its one-line reason and the other files still import; only an import that finds
// no image at all fails. An upload's files are named relative to what the user picked: neither the upload's
// id nor the workspace's folder appears in what the user reads.
import path from 'node:path';
import fs from 'node:fs/promises';
import type { ImportRequest, ImportSummary, RefusedFile, VolumeMeta } from '@contract';
import {
  applyConfidentialityProfile,
  casePseudonym,
  subjectPseudonym,
  neutralDescription,
} from '../../core/deid/confidentiality-profile';
import type { ProjectKind } from '../../core/model';
import { CancelledError, InputError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { computeStats } from '../../core/volume/stats';
import type { VolumeStats } from '../../core/volume/stats';
import { appendAudit } from '../../db/audit';
import {
  findCase,
  findProjectByName,
  getCaseSubject,
  getProject,
  insertCase,
  insertProject,
  setCaseSubject,
} from '../../db/repositories/projects';
import { findVolumeByBlob, getVolume, insertVolume } from '../../db/repositories/volumes';
import { readVolumes } from '../../io/read-volumes';
import type { ReadOptions } from '../../io/read-options';
import type { Workspace } from '../../workspace/workspace';
import {
  deidHash,
  importProjectKind,
  type MappingEntries,
  readMappingFile,
  writeMappingFile,
} from './deidentify';

export const DEFAULT_PROJECT = 'Default';

export interface ImportProgressSink {
  (phase: 'scanning' | 'reading' | 'storing' | 'done', fraction: number, detail: string): void;
}

export function uploadDir(ws: Workspace, uploadId: string): string {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(uploadId))
    throw new InputError(undefined, 'the upload was not found; pick the files again');
  return path.join(ws.tmpDir, 'uploads', uploadId);
}

/** Folder names that say nothing about the case; the case is then named after the folder above. */
const GENERIC_FOLDERS = new Set([
  'dicom',
  'dcm',
  'images',
  'image',
  'series',
  'data',
  'in',
  'input',
  'scans',
]);

export function caseNameFor(topPath: string): string {
  let base = path.basename(topPath).replace(/\.(nii\.gz|nii|hdr|img|png|dcm)$/i, '');
  if (GENERIC_FOLDERS.has(base.toLowerCase())) {
    const parent = path.basename(path.dirname(path.resolve(topPath)));
    if (parent) base = parent;
  }
  return base || 'Case';
}

function topPathOf(volume: ImageVolume, tops: string[]): string {
  const first = path.resolve(volume.source.files[0] ?? '');
  const hit = tops.find((t) => first === path.resolve(t) || first.startsWith(path.resolve(t) + path.sep));
  return hit ?? tops[0] ?? first;
}

function asBytes(v: ImageVolume): Uint8Array {
  return new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
}

export interface PreparedVolume {
  volume: ImageVolume;
  sha256: string;
  caseName: string;
  /** What the case would be named after at the source (folder, file, study): the mapping file's entry. */
  sourceName: string;
  /** Original UID -> replacement (research projects), for the mapping file. */
  uids: Map<string, string>;
  dateShiftDays: number | null;
  /** The kind of project the source was prepared for (research: already through the profile). */
  kind: ProjectKind;
  byteLength: number;
  stats: VolumeStats;
  /** The case's subject (migration 012): a keyed pseudonym of the source's Patient ID, when it has one. */
  subject: string | null;
}

function sourceTops(ws: Workspace, req: ImportRequest): string[] {
  return req.source.kind === 'paths' ? req.source.paths : [uploadDir(ws, req.source.uploadId)];
}

/**
 * A 4D volume (frames > 1, frame t's voxels at data[t*nx*ny*nz ...]) as the request asks: its first frame,
 * or one 3D volume per frame (named "<description> (frame t of n)", 1-based, in the file's case); without
 * a choice, the reason it was refused. The frames share the read buffer (subarrays), nothing is copied.
 */
export function framesOf(v: ImageVolume, choice: ImportRequest['frames']): ImageVolume[] | string {
  if (v.frames <= 1) return [v];
  if (choice === undefined)
    return `a 4D image (${v.frames} frames): import it as its first frame or as one volume per frame`;
  const n = v.geometry.dims[0] * v.geometry.dims[1] * v.geometry.dims[2];
  const count = choice === 'first' ? 1 : v.frames;
  return Array.from({ length: count }, (_, t) => ({
    ...v,
    data: v.data.subarray(t * n, (t + 1) * n),
    frames: 1,
    source: { ...v.source, description: `${v.source.description} (frame ${t + 1} of ${v.frames})` },
  }));
}

/** Says a path of an upload relative to what the user picked (the upload's folder is the workspace's). */
export function uploadPathShown(root: string): (text: string) => string {
  return (text) =>
    text
      .split(root + path.sep)
      .join('')
      .split(root)
      .join('the picked files');
}

/** Reader settings a host may set for an import (the CLI's --max-voxels); unset: the readers' defaults. */
export type ImportReadOptions = Pick<ReadOptions, 'maxVoxels'>;

/** What a host may add to an import's de-identification: the case pseudonym's seed (PACS: the study). */
export interface ImportNaming {
  caseSeed?: string;
}

/** The kind of project the import goes to, with the patient-identity rules it sets. */
function kindOf(ws: Workspace, req: ImportRequest): ProjectKind {
  const kind = importProjectKind(ws.db, req, DEFAULT_PROJECT);
  if (kind === 'research' && req.keepPatientIdentity === true) {
    throw new InputError(
      undefined,
      'a research project stores no patient identity; drop --keep-patient-identity (a mapping file kept ' +
        'with --keep-mapping links pseudonyms back to patients)',
    );
  }
  if (req.dates !== undefined && req.dates !== 'remove' && req.dates !== 'shift')
    throw new InputError(undefined, `dates are 'remove' or 'shift', not '${String(req.dates)}'`);
  if (req.dates === 'shift' && kind !== 'research')
    throw new InputError(
      undefined,
      'dates are shifted only in a research project (a clinical one keeps them)',
    );
  return kind;
}

/**
 * File I/O of an import: reads the volumes and writes their voxel blobs (atomic, content-addressed); no
 * row is written. Follow with recordVolumes inside a transaction.
 */
export async function readAndStoreVolumes(
  ws: Workspace,
  req: ImportRequest,
  progress: ImportProgressSink,
  signal?: AbortSignal,
  read: ImportReadOptions = {},
  naming: ImportNaming = {},
): Promise<{ prepared: PreparedVolume[]; skipped: string[]; refused: RefusedFile[] }> {
  const isUpload = req.source.kind === 'upload';
  const tops = sourceTops(ws, req);
  const shown = isUpload ? uploadPathShown(tops[0]!) : (t: string) => t;
  const kind = kindOf(ws, req);
  const hash = deidHash(ws);
  progress('reading', 0, 'reading files');
  const read3d = await readVolumes(tops, {
    ...read,
    signal,
    // Read even when not kept: a research import keys its date shift on the patient, and a mapping file
    // (import-volumes' caller) names the patient. recordVolumes stores it only when the user opted in.
    keepPatientIdentity: true,
    onProgress: (f, detail) => progress('reading', f * 0.8, detail ? `reading ${detail}` : ''),
  });
  const refused: RefusedFile[] = [...read3d.refused];
  const volumes: ImageVolume[] = [];
  for (const v of read3d.volumes) {
    // The readers refuse zero sizes; checked again here so that no empty volume is ever stored.
    if (v.data.length === 0) {
      refused.push({
        file: v.source.files[0] ?? v.source.description,
        reason: `the image has no voxels (dims ${v.geometry.dims.join('x')})`,
      });
      continue;
    }
    const frames = framesOf(v, req.frames);
    if (typeof frames === 'string') refused.push({ file: v.source.files[0] ?? '', reason: frames });
    else volumes.push(...frames);
  }
  const refusedShown = refused.map((r) => ({ file: shown(r.file), reason: shown(r.reason) }));
  const skipped = refusedShown.map((r) => `${r.file}: ${r.reason}`);
  if (volumes.length === 0) {
    // The one file the user named, refused: its own reason, as a reader would have said it.
    const only = refused.length === 1 && tops.length === 1 && refused[0]!.file === tops[0];
    if (only) throw new InputError(refusedShown[0]!.file, refusedShown[0]!.reason);
    const why = skipped.length > 0 ? `: ${skipped.slice(0, 3).join('; ')}` : '';
    throw new InputError(isUpload ? undefined : tops.join(', '), `no image found to import${why}`);
  }

  // File I/O first: hash and write each voxel blob (atomic, content-addressed).
  const prepared: PreparedVolume[] = [];
  for (const [n, volume] of volumes.entries()) {
    if (signal?.aborted) throw new CancelledError('import');
    progress('storing', 0.8 + (0.2 * n) / volumes.length, volume.source.description);
    const bytes = asBytes(volume);
    let stats: VolumeStats | undefined;
    // Statistics are computed while the blob is being written.
    const { sha256 } = await ws.blobs.put(bytes, {
      whileWriting: () => {
        stats = computeStats(volume.data, volume.rescale);
      },
    });
    const sourceName =
      naming.caseSeed ?? (isUpload ? uploadNameOf(volume, tops[0]!) : caseNameFor(topPathOf(volume, tops)));
    const caseName = req.caseName?.trim() || casePseudonym(hash, sourceName);
    // The same key as a research import's date shift: one person, one subject, in every project kind.
    const patientId = volume.source.patient?.id?.trim();
    const subject = patientId ? subjectPseudonym(hash, `id ${patientId}`) : null;
    if (stats!.count === 0) {
      const file = shown(volume.source.files[0] ?? volume.source.description);
      refusedShown.push({ file, reason: 'every voxel is NaN: there is no image to import' });
      skipped.push(`${file}: every voxel is NaN: there is no image to import`);
      continue;
    }
    let uids = new Map<string, string>();
    let dateShiftDays: number | null = null;
    if (kind === 'research') {
      const patient = volume.source.patient;
      const profiled = applyConfidentialityProfile(volume.source, {
        hash,
        dates: req.dates ?? 'remove',
        patientKey: patient?.id ? `id ${patient.id}` : `source ${sourceName}`,
      });
      volume.source = patient ? { ...profiled.source, patient } : profiled.source;
      uids = profiled.uids;
      dateShiftDays = profiled.dateShiftDays;
    } else if (volume.source.format === 'dicom' && !volume.source.dicom?.seriesDescription) {
      // A series without a description would be described by its folder's name, often the patient's ID.
      volume.source.description = neutralDescription(volume.source);
    }
    prepared.push({
      volume,
      sha256,
      caseName,
      sourceName,
      uids,
      dateShiftDays,
      kind,
      byteLength: bytes.byteLength,
      stats: stats!,
      subject,
    });
  }
  if (signal?.aborted) throw new CancelledError('import');
  if (prepared.length === 0)
    throw new InputError(isUpload ? undefined : tops.join(', '), `no image found to import: ${skipped[0]}`);
  return { prepared, skipped, refused: refusedShown };
}

/**
 * The rows of an import whose blobs are stored: project (found or created), cases, volumes and their audit
 * rows. Call inside a transaction (no await), so they commit together or not at all.
 */
export function recordVolumes(
  ws: Workspace,
  req: ImportRequest,
  stored: { prepared: PreparedVolume[]; skipped: string[]; refused: RefusedFile[] },
  actor: string,
  at: string,
): ImportSummary {
  const db = ws.db;
  let projectId: number;
  if (req.projectId !== undefined) {
    if (!getProject(db, req.projectId))
      throw new InputError(undefined, `project ${req.projectId} does not exist`);
    projectId = req.projectId;
  } else {
    const name = req.projectName?.trim() || DEFAULT_PROJECT;
    const existing = findProjectByName(db, name);
    if (existing) projectId = existing.id;
    else {
      const kind = req.projectKind ?? 'clinical';
      projectId = insertProject(db, name, at, { kind });
      appendAudit(db, { actor, action: 'project.create', detail: { projectId, name, kind } }, at);
    }
  }
  // Checked again inside the transaction: the project may have been made meanwhile, of the other kind.
  const kind = importProjectKind(db, { ...req, projectId }, DEFAULT_PROJECT);
  if (stored.prepared.some((p) => p.kind !== kind)) {
    throw new InputError(undefined, `project ${projectId} became a ${kind} project meanwhile; import again`);
  }
  const imported: VolumeMeta[] = [];
  const already: string[] = [];
  for (const p of stored.prepared) {
    let caseId = findCase(db, projectId, p.caseName)?.id;
    if (caseId === undefined) {
      caseId = insertCase(db, projectId, p.caseName, at, p.subject);
      appendAudit(db, { actor, action: 'case.create', detail: { projectId, caseId, name: p.caseName } }, at);
    } else if (p.subject !== null && getCaseSubject(db, caseId) === null)
      setCaseSubject(db, caseId, p.subject);
    const dup = findVolumeByBlob(db, caseId, p.sha256);
    if (dup) {
      already.push(
        `${p.volume.source.description}: already imported as volume ${dup.id} in case ${p.caseName}`,
      );
      imported.push(dup);
      continue;
    }
    const v = p.volume;
    const { stats } = p;
    const { patient, ...source } = v.source;
    const volumeId = insertVolume(db, {
      caseId,
      name: v.source.description,
      blobSha256: p.sha256,
      byteLength: p.byteLength,
      scalarType: v.scalarType,
      dims: v.geometry.dims,
      frames: v.frames,
      affineLPS: v.geometry.affineLPS,
      rescale: v.rescale,
      modality: v.source.modality ?? null,
      sourceFormat: v.source.format,
      // Base names only: a folder is often named after the patient (research sources have no files left).
      source: { ...source, files: source.files.map((f) => path.basename(f)) },
      patient: req.keepPatientIdentity && kind === 'clinical' ? (patient ?? null) : null,
      stats: { min: stats.min, max: stats.max, mean: stats.mean },
      importedAt: at,
      importedBy: actor,
    });
    appendAudit(
      db,
      {
        actor,
        action: 'volume.import',
        detail: {
          projectId,
          caseId,
          volumeId,
          format: v.source.format,
          files: v.source.files.length,
          sha256: p.sha256,
          dims: v.geometry.dims,
          patientIdentityKept:
            req.keepPatientIdentity === true && kind === 'clinical' && patient !== undefined,
          projectKind: kind,
        },
      },
      at,
    );
    imported.push(getVolume(db, volumeId)!);
  }
  return { projectId, volumes: imported, skipped: [...stored.skipped, ...already], refused: stored.refused };
}

export async function importVolumes(
  ws: Workspace,
  req: ImportRequest,
  actor: string,
  progress: ImportProgressSink,
  signal?: AbortSignal,
  read: ImportReadOptions = {},
  keepMapping?: { file: string },
): Promise<ImportSummary> {
  const uploaded = req.source.kind === 'upload' ? uploadDir(ws, req.source.uploadId) : null;
  try {
    if (keepMapping) readMappingFile(ws, keepMapping.file);
    const stored = await readAndStoreVolumes(ws, req, progress, signal, read);
    // The mapping the user asked for, before the rows: a failed commit leaves an entry that names nothing,
    // never rows whose mapping was lost.
    if (keepMapping) writeMappingFile(ws, keepMapping.file, mappingOf(stored.prepared));
    // Then the rows, in one transaction with their audit entries.
    const at = new Date().toISOString();
    const result = ws.db.transaction(() => recordVolumes(ws, req, stored, actor, at))();
    progress('done', 1, `${result.volumes.length} volume(s) imported`);
    return result;
  } catch (e) {
    // A reader's message names the file it read: for an upload, relative to what the user picked.
    if (!uploaded || !(e instanceof Error)) throw e;
    const shown = uploadPathShown(uploaded);
    if (e instanceof InputError)
      throw new InputError(e.file === undefined ? undefined : shown(e.file), shown(e.reason));
    e.message = shown(e.message);
    throw e;
  } finally {
    if (uploaded) await fs.rm(uploaded, { recursive: true, force: true });
  }
}

/** The mapping file's entries for prepared volumes: each case's pseudonym and source, the replaced UIDs. */
export function mappingOf(prepared: PreparedVolume[]): MappingEntries {
  const out: MappingEntries = { cases: [], uids: {} };
  const seen = new Set<string>();
  for (const p of prepared) {
    const patient = p.volume.source.patient;
    const entry = {
      caseName: p.caseName,
      sourceName: p.sourceName,
      ...(patient && Object.keys(patient).length > 0 ? { patient } : {}),
      ...(p.dateShiftDays !== null ? { dateShiftDays: p.dateShiftDays } : {}),
    };
    const key = JSON.stringify(entry);
    if (!seen.has(key)) out.cases.push(entry);
    seen.add(key);
    for (const [from, to] of p.uids) out.uids[from] = to;
  }
  return out;
}

/**
 * For uploads, the case is named after the first folder level the user picked (or the file); a generic
 * folder name ("dicom") gives way to the series' own description.
 */
function uploadNameOf(volume: ImageVolume, root: string): string {
  const rel = path.relative(root, volume.source.files[0] ?? root);
  const first = (rel.split(path.sep)[0] ?? rel).replace(/\.(nii\.gz|nii|hdr|img|png|dcm)$/i, '');
  if (!first || GENERIC_FOLDERS.has(first.toLowerCase())) return volume.source.description || 'Upload';
  return first;
}

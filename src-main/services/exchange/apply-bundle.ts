// The rows of a verified bundle, written in the importer's one transaction (import-bundle.ts says what
// comes before). Every row is matched before it is written, so importing the same bundle again writes
// nothing:
//  - projects by name (labels this project lacks are added; a label it has keeps its local name/colour);
//  - volumes by checksum wherever they are in this workspace; a case by any of its volumes, else a new case
//    of that name in the project (another name when a case of that name holds other images);
//  - profiles by name (one that does not exist is created as an annotator without a password, as a mask
//    import does: an admin sets one before they sign in);
//  - an annotator's manual annotation of a volume by (volume, annotator); derived annotations, revisions and
//    review rows by global id (exchange_origins); submissions by (case, annotator), the later state wins
//    (apply-submissions.ts); measurements by a global id made from their content, a deletion kept
//    (bundle-measurements.ts).
// A revision is inserted with its author, time, tool, provenance and parent; when its parent is not the
// head here, it starts a second branch (migration 'exchange' lets an imported revision do so). Work status:
// the later status change wins; time spent: the larger total (each machine's figure already includes what
// it imported).
import { appendAudit } from '../../db/audit';
import { appendImportedAudit } from '../../db/audit-exchange';
import { findAnnotatorByName, findAnnotatorByUid, insertAnnotator } from '../../db/repositories/annotators';
import type { Db } from '../../db/open';
import {
  findManualAnnotation,
  insertDerivedAnnotation,
  insertManualAnnotation,
} from '../../db/repositories/annotations';
import { gidsOf, insertTrustedSigner, recordOrigin } from '../../db/repositories/exchange';
import type { Gids } from '../../db/repositories/exchange';
import { getLabel, upsertLabel } from '../../db/repositories/labels';
import {
  findCase,
  findProjectByName,
  getCaseSubject,
  insertCase,
  insertProject,
  setCaseSubject,
} from '../../db/repositories/projects';
import { getRevision } from '../../db/repositories/revisions';
import { insertVolume } from '../../db/repositories/volumes';
import type {
  BundleAnnotation,
  BundleManifest,
  BundleRevision,
  BundleVolume,
} from '../../io/bundle/manifest';
import type { Mat4, Vec3 } from '../../core/geometry/affine';
import type { ScalarType } from '../../core/volume/types';
import type { VolumeMeta } from '../../core/model';
import type { Workspace } from '../../workspace/workspace';
import { checkProfileName } from '../identity/profiles';
import type { BundleAudit } from './bundle-audit';
import type { ImportOptions } from './import-bundle';
import type { VerifiedBundle } from './verify-bundle';
import { recordReview } from './apply-review';
import { recordSubmissions } from './apply-submissions';
import { recordMeasurements } from './bundle-measurements';

export interface ImportSummary {
  file: string;
  kind: BundleManifest['kind'];
  signer: string;
  /** The signer was trusted by this import (first use). */
  trustedNow: boolean;
  /** False when the workspace already held everything the bundle carries. */
  changed: boolean;
  casesCreated: number;
  volumesCreated: number;
  profilesCreated: number;
  annotationsCreated: number;
  revisionsAdded: number;
  revisionsKnown: number;
  /** Annotations where an added revision does not continue the head: two branches now. */
  forks: { annotationId: number; revisionId: number; parentId: number | null }[];
  reviewRowsAdded: number;
  /** Submissions (the review gate) taken from the bundle: new here, or changed later than this one's. */
  submissionsTaken: number;
  /** Measurements new here (deleted ones included), and measurements here that the bundle marks deleted. */
  measurementsAdded: number;
  measurementsDeleted: number;
  /** The exporter's audit rows appended here with their origin (rows already here are skipped). */
  auditRowsAdded: number;
  /** One line each: what the bundle carries that this workspace could not take (kept as it is here). */
  notes: string[];
}

export function applyBundle(ws: Workspace, v: VerifiedBundle, opts: ImportOptions): ImportSummary {
  const db = ws.db;
  const m = v.manifest;
  const at = new Date().toISOString();
  const actor = opts.actor;
  const gids = gidsOf(db, ws.key.id);
  const s: ImportSummary = {
    file: v.file,
    kind: m.kind,
    signer: v.signer.workspaceId,
    trustedNow: false,
    changed: false,
    casesCreated: 0,
    volumesCreated: 0,
    profilesCreated: 0,
    annotationsCreated: 0,
    revisionsAdded: 0,
    revisionsKnown: 0,
    forks: [],
    reviewRowsAdded: 0,
    submissionsTaken: 0,
    measurementsAdded: 0,
    measurementsDeleted: 0,
    auditRowsAdded: 0,
    notes: [],
  };
  if (!v.signer.trusted) {
    insertTrustedSigner(db, {
      workspaceId: v.signer.workspaceId,
      publicKeyPem: m.exporter.publicKeyPem,
      trustedAt: at,
      trustedBy: actor,
    });
    appendAudit(db, { actor, action: 'bundle.trust', detail: { workspaceId: v.signer.workspaceId } }, at);
    s.trustedNow = true;
  }

  const volumeIds = recordCases(ws, m, actor, at, s);
  // The bundle's rows first: the rows this import writes come after them in the chain.
  s.auditRowsAdded = appendImportedAudit(db, (m.audit as BundleAudit).rows).appended.length;
  const profileIds = new Map<string, number>();
  const uids = new Map(m.profiles.map((p) => [p.name.toLowerCase(), p.uid]));
  const profileOf = (name: string): number => {
    const key = name.toLowerCase();
    let id = profileIds.get(key);
    if (id === undefined) {
      id = findOrCreateProfile(db, name, uids.get(key), actor, at, s);
      profileIds.set(key, id);
    }
    return id;
  };

  const annotationIds = new Map<string, number>();
  for (const a of m.annotations) {
    annotationIds.set(a.gid, recordAnnotation(db, gids, a, volumeIds.get(a.volume)!, profileOf, at, s));
  }
  for (const r of m.revisions) recordRevision(db, gids, r, annotationIds.get(r.annotation)!, at, s);
  for (const a of m.annotations) mergeWorkState(db, annotationIds.get(a.gid)!, a, s);
  if (m.assignment) {
    const annotatorId = profileOf(m.assignment.annotator);
    for (const checksum of m.assignment.volumes) {
      const volumeId = volumeIds.get(checksum)!;
      if (!findManualAnnotation(db, volumeId, annotatorId)) {
        insertManualAnnotation(db, volumeId, annotatorId, at);
        s.annotationsCreated++;
      }
    }
  }
  recordReview(db, gids, m, volumeIds, at, s);
  recordSubmissions(db, m, volumeIds, profileOf, actor, at, s);
  recordMeasurements(db, m, volumeIds, profileOf, actor, at, s);

  s.changed =
    s.trustedNow ||
    s.casesCreated +
      s.volumesCreated +
      s.profilesCreated +
      s.annotationsCreated +
      s.revisionsAdded +
      s.reviewRowsAdded +
      s.submissionsTaken +
      s.measurementsAdded +
      s.measurementsDeleted >
      0 ||
    s.changed;
  if (s.changed) {
    appendAudit(
      db,
      {
        actor,
        action: 'bundle.import',
        detail: {
          kind: m.kind,
          manifestSha256: v.manifestSha256,
          signer: v.signer.workspaceId,
          exportedBy: m.exporter.actor,
          exportedAt: m.createdAt,
          casesCreated: s.casesCreated,
          volumesCreated: s.volumesCreated,
          revisionsAdded: s.revisionsAdded,
          forks: s.forks.length,
          reviewRowsAdded: s.reviewRowsAdded,
          submissionsTaken: s.submissionsTaken,
          measurementsAdded: s.measurementsAdded,
          measurementsDeleted: s.measurementsDeleted,
        },
      },
      at,
    );
  }
  return s;
}

/**
 * A profile by its stable id, else by name; else a new annotator profile WITHOUT a password and with the
 * bundle's uid (an admin sets a password before they sign in; a bundle never grants a role above annotator).
 */
function findOrCreateProfile(
  db: Db,
  name: string,
  uid: string | undefined,
  actor: string,
  at: string,
  s: ImportSummary,
): number {
  const found =
    (uid !== undefined ? findAnnotatorByUid(db, uid) : undefined) ?? findAnnotatorByName(db, name);
  if (found) return found.id;
  const clean = checkProfileName(name);
  const id = insertAnnotator(
    db,
    { name: clean, role: 'annotator', passwordHash: null, ...(uid ? { uid } : {}) },
    at,
  );
  appendAudit(
    db,
    {
      actor,
      action: 'annotator.create',
      detail: { annotatorId: id, name: clean, role: 'annotator', password: false, from: 'bundle' },
    },
    at,
  );
  s.profilesCreated++;
  return id;
}

/** Projects, cases and volumes; returns volume checksum -> local volume id. */
function recordCases(
  ws: Workspace,
  m: BundleManifest,
  actor: string,
  at: string,
  s: ImportSummary,
): Map<string, number> {
  const db = ws.db;
  const volumeIds = new Map<string, number>();
  const projectIds = new Map<string, number>();
  for (const p of m.projects) {
    let id = findProjectByName(db, p.name)?.id;
    const created = id === undefined;
    if (id === undefined) {
      id = insertProject(db, p.name, at);
      appendAudit(db, { actor, action: 'project.create', detail: { projectId: id, name: p.name } }, at);
    }
    for (const l of p.labels) {
      if (created || !getLabel(db, id, l.value)) {
        upsertLabel(db, {
          projectId: id,
          value: l.value,
          name: l.name,
          color: l.color,
          visible: true,
          opacity: 0.5,
        });
        if (!created) s.changed = true;
      }
    }
    projectIds.set(p.name, id);
  }
  const findVolume = db.prepare(
    `SELECT v.id, v.case_id AS caseId FROM volumes v JOIN cases c ON c.id = v.case_id
     WHERE v.blob_sha256 = ? ORDER BY (c.project_id = ?) DESC, v.id LIMIT 1`,
  );
  for (const c of m.cases) {
    const projectId = projectIds.get(c.project)!;
    let caseId: number | undefined;
    for (const vol of c.volumes) {
      const found = findVolume.get(vol.checksum, projectId) as { id: number; caseId: number } | undefined;
      if (found) {
        volumeIds.set(vol.checksum, found.id);
        caseId ??= found.caseId;
      }
    }
    for (const vol of c.volumes) {
      if (volumeIds.has(vol.checksum)) continue;
      if (caseId === undefined) {
        caseId = insertCase(db, projectId, freeCaseName(db, projectId, c.name), at, c.subject ?? null);
        appendAudit(
          db,
          { actor, action: 'case.create', detail: { projectId, caseId, name: c.name, from: 'bundle' } },
          at,
        );
        s.casesCreated++;
      }
      const volumeId = insertBundleVolume(db, caseId, vol, at);
      appendAudit(
        db,
        {
          actor,
          action: 'volume.import',
          detail: {
            projectId,
            caseId,
            volumeId,
            name: vol.name,
            sha256: vol.checksum,
            dims: vol.dims,
            from: 'bundle',
          },
        },
        at,
      );
      volumeIds.set(vol.checksum, volumeId);
      s.volumesCreated++;
    }
    // A case that had no subject here takes the bundle's; one it had is kept (it may be this side's own key).
    if (caseId !== undefined && c.subject !== undefined && getCaseSubject(db, caseId) === null) {
      setCaseSubject(db, caseId, c.subject);
      s.changed = true;
    }
  }
  return volumeIds;
}

/** The case's own name, or "<name> (2)", "(3)"… when a case of that name (with other images) exists. */
function freeCaseName(db: Db, projectId: number, name: string): string {
  if (!findCase(db, projectId, name)) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!findCase(db, projectId, candidate)) return candidate;
  }
}

function insertBundleVolume(db: Db, caseId: number, v: BundleVolume, at: string): number {
  return insertVolume(db, {
    caseId,
    name: v.name,
    blobSha256: v.checksum,
    byteLength: v.bytes,
    scalarType: v.scalarType as ScalarType,
    dims: v.dims as Vec3,
    frames: v.frames,
    affineLPS: v.affineLPS as Mat4,
    rescale: v.rescale,
    modality: v.modality,
    sourceFormat: v.sourceFormat as VolumeMeta['sourceFormat'],
    source: v.source,
    patient: null,
    stats: v.stats,
    importedAt: v.importedAt || at,
    importedBy: v.importedBy,
  });
}

function recordAnnotation(
  db: Db,
  gids: Gids,
  a: BundleAnnotation,
  volumeId: number,
  profileOf: (name: string) => number,
  at: string,
  s: ImportSummary,
): number {
  if (a.kind === 'manual') {
    const annotatorId = profileOf(a.annotator!);
    const found = findManualAnnotation(db, volumeId, annotatorId);
    if (found) return found.id;
    s.annotationsCreated++;
    const id = insertManualAnnotation(db, volumeId, annotatorId, a.createdAt);
    return id;
  }
  const known = gids.resolve('annotation', a.gid);
  if (known !== null) return known;
  const id = insertDerivedAnnotation(db, volumeId, a.name ?? 'derived', a.createdAt);
  recordOrigin(db, 'annotation', a.gid, id, at);
  s.annotationsCreated++;
  return id;
}

function recordRevision(
  db: Db,
  gids: Gids,
  r: BundleRevision,
  annotationId: number,
  at: string,
  s: ImportSummary,
): void {
  if (gids.resolve('revision', r.gid) !== null) {
    s.revisionsKnown++;
    return;
  }
  // planBlobs (import-bundle.ts) made sure parents and bases resolve; the bundle lists them first.
  const parentId = r.parent === null ? null : gids.resolve('revision', r.parent)!;
  const baseId = r.base === null ? null : gids.resolve('revision', r.base)!;
  const base = baseId === null ? undefined : getRevision(db, baseId);
  const head = db
    .prepare('SELECT max(id) AS id FROM annotation_revisions WHERE annotation_id = ?')
    .get(annotationId) as { id: number | null };
  const id = (
    db.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM annotation_revisions').get() as { id: number }
  ).id;
  // The origin first: it is what lets an imported revision fork (migration 'exchange').
  recordOrigin(db, 'revision', r.gid, id, at);
  db.prepare('INSERT OR IGNORE INTO blobs (sha256, byte_length, created_at) VALUES (?, ?, ?)').run(
    r.blob,
    r.bytes,
    at,
  );
  db.prepare(
    `INSERT INTO annotation_revisions
       (id, annotation_id, parent_id, blob_sha256, storage, base_id, chain_depth, chain_bytes, author, tool,
        provenance_json, label_voxels_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    annotationId,
    parentId,
    r.blob,
    r.storage,
    baseId,
    base ? base.chainDepth + 1 : 0,
    base ? base.chainBytes + r.bytes : 0,
    r.author,
    r.tool,
    JSON.stringify(r.provenance),
    JSON.stringify(r.labelVoxels),
    r.createdAt,
  );
  if (parentId !== head.id) s.forks.push({ annotationId, revisionId: id, parentId });
  s.revisionsAdded++;
}

function mergeWorkState(db: Db, annotationId: number, a: BundleAnnotation, s: ImportSummary): void {
  const local = db
    .prepare(
      'SELECT status, status_at AS statusAt, time_spent_sec AS t, flag_comment AS c FROM annotations WHERE id = ?',
    )
    .get(annotationId) as { status: string; statusAt: string | null; t: number; c: string | null };
  if (a.statusAt !== null && (local.statusAt === null || a.statusAt > local.statusAt)) {
    db.prepare('UPDATE annotations SET status = ?, status_at = ?, flag_comment = ? WHERE id = ?').run(
      a.status,
      a.statusAt,
      a.flagComment,
      annotationId,
    );
    s.changed = true;
  }
  if (a.timeSpentSec > local.t) {
    db.prepare('UPDATE annotations SET time_spent_sec = ? WHERE id = ?').run(a.timeSpentSec, annotationId);
    s.changed = true;
  }
}

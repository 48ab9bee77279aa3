// For exchange tests: workspaces holding one small volume, edits by named annotators, and views of a
// workspace that must be equal on every machine after bundles went around (ids differ; gids, content,
// authors, parents and times do not).
import fs from 'node:fs';
import path from 'node:path';
import type { Vec3 } from '../../core/geometry/affine';
import { findManualAnnotation, insertManualAnnotation } from '../../db/repositories/annotations';
import { gidsOf } from '../../db/repositories/exchange';
import { getRevision, headRevisionId } from '../../db/repositories/revisions';
import { openWorkspace } from '../../workspace/workspace';
import type { Workspace } from '../../workspace/workspace';
import type { MeasurementInfo, Role, SubmissionInfo } from '../../core/model';
import { findAnnotatorByName, insertAnnotator } from '../../db/repositories/annotators';
import type { Profile } from '../identity/access';
import { findOrCreateImportedAnnotator } from '../identity/profiles';
import { createMeasurement } from '../measure/measurements';
import { returnCase, submitCase } from '../team/submissions';
import { MaskStore } from '../masks/mask-store';
import { importVolumes } from '../workspace/import-volumes';
import { fill, writeTestVolume } from './labelling';

export const EXCHANGE_DIMS: Vec3 = [12, 10, 6];

export async function exchangeImage(dir: string, dims: Vec3 = EXCHANGE_DIMS): Promise<string> {
  const file = path.join(dir, 'image.nii.gz');
  if (!fs.existsSync(file)) await writeTestVolume(file, dims);
  return file;
}

/** A workspace; with `image`, that image imported as case "A" of project "P". */
export async function exchangeWorkspace(
  dir: string,
  image?: string,
): Promise<{ ws: Workspace; volumeId: number | null }> {
  const ws = openWorkspace(dir);
  if (!image) return { ws, volumeId: null };
  const s = await importVolumes(
    ws,
    { jobId: 'x', source: { kind: 'paths', paths: [image] }, projectName: 'P', caseName: 'A' },
    'test',
    () => undefined,
  );
  return { ws, volumeId: s.volumes[0]!.id };
}

/** The volume of case "A" (by checksum of the first volume). */
export function volumeIdOf(ws: Workspace): number {
  return (ws.db.prepare('SELECT id FROM volumes ORDER BY id LIMIT 1').get() as { id: number }).id;
}

/** Saves a box of `label` as `annotator`'s next revision of the volume (a profile and annotation if needed). */
export async function edit(
  ws: Workspace,
  volumeId: number,
  annotator: string,
  box: [number, number, number, number, number, number],
  label = 1,
): Promise<number> {
  const at = new Date().toISOString();
  const annotationId = ws.db.transaction(() => {
    const { annotator: a } = findOrCreateImportedAnnotator(ws.db, annotator, 'test', at);
    return (
      findManualAnnotation(ws.db, volumeId, a.id)?.id ?? insertManualAnnotation(ws.db, volumeId, a.id, at)
    );
  })();
  const store = new MaskStore(ws);
  const r = await store.commitPatch({
    annotationId,
    parentRevisionId: headRevisionId(ws.db, annotationId),
    patch: fill(box, label),
    tool: 'brush',
    author: annotator,
  });
  return r.id;
}

/** Every row count and blob file: equal before and after means nothing was written. */
export function workspaceState(ws: Workspace): Record<string, unknown> {
  const tables = (
    ws.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  const counts: Record<string, number> = {};
  for (const t of tables)
    counts[t] = (ws.db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
  const blobs = fs.existsSync(ws.blobs.dir)
    ? fs
        .readdirSync(ws.blobs.dir, { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile())
        .map((f) => f.name)
        .sort()
    : [];
  return { counts, blobs };
}

export interface RevisionView {
  gid: string;
  annotation: string;
  parent: string | null;
  author: string;
  tool: string | null;
  createdAt: string;
  blob: string;
  labelVoxels: Record<string, number>;
}

/** Every revision by gid, with what must be equal on every machine, sorted by gid. */
export function revisionsView(ws: Workspace): RevisionView[] {
  const gids = gidsOf(ws.db, ws.key.id);
  const rows = ws.db
    .prepare(
      `SELECT r.id, a.kind, coalesce(p.name, a.name) AS owner, v.blob_sha256 AS volume FROM annotation_revisions r
       JOIN annotations a ON a.id = r.annotation_id JOIN volumes v ON v.id = a.volume_id
       LEFT JOIN annotators p ON p.id = a.annotator_id`,
    )
    .all() as { id: number; kind: string; owner: string; volume: string }[];
  return rows
    .map((row) => {
      const r = getRevision(ws.db, row.id)!;
      return {
        gid: gids.of('revision', r.id),
        annotation: `${row.kind}:${row.volume}:${row.owner.toLowerCase()}`,
        parent: r.parentId === null ? null : gids.of('revision', r.parentId),
        author: r.author,
        tool: r.tool,
        createdAt: r.createdAt,
        blob: r.blobSha256,
        labelVoxels: r.labelVoxels,
      };
    })
    .sort((a, b) => (a.gid < b.gid ? -1 : 1));
}

/** The profile named `name` as a signed-in window would hold it; created with `role` when absent. */
export function profileNamed(ws: Workspace, name: string, role: Role = 'annotator'): Profile {
  let p = findAnnotatorByName(ws.db, name);
  if (!p) {
    insertAnnotator(ws.db, { name, role, passwordHash: null }, new Date().toISOString());
    p = findAnnotatorByName(ws.db, name)!;
  }
  return { id: p.id, name: p.name, role: p.role };
}

/** The case of the workspace's first volume (case "A"). */
export function caseIdOf(ws: Workspace): number {
  return ws.db.prepare('SELECT case_id FROM volumes ORDER BY id LIMIT 1').pluck().get() as number;
}

/** `annotator` submits case "A" as in the app (team/submissions.ts: the review gate). */
export function submitAs(ws: Workspace, annotator: string, comment?: string): SubmissionInfo {
  return submitCase(ws.db, profileNamed(ws, annotator), {
    caseId: caseIdOf(ws),
    ...(comment ? { comment } : {}),
  });
}

/** `reviewer` (a reviewer profile, created when absent) returns `annotator`'s submission of case "A". */
export function returnAs(
  ws: Workspace,
  reviewer: string,
  annotator: string,
  comment: string,
): SubmissionInfo {
  const who = findAnnotatorByName(ws.db, annotator)!;
  return returnCase(ws.db, profileNamed(ws, reviewer, 'reviewer'), {
    caseId: caseIdOf(ws),
    annotatorId: who.id,
    comment,
  });
}

/** `who` draws a ruler on axial slice k = 1 of case "A" from voxel (0, 0) to (len, 0), as in the app. */
export function measureAs(ws: Workspace, who: string, len: number): MeasurementInfo {
  return createMeasurement(ws.db, profileNamed(ws, who), {
    volumeId: volumeIdOf(ws),
    kind: 'ruler',
    axis: 2,
    slice: 1,
    points: [
      [0, 0, 1],
      [len, 0, 1],
    ],
  });
}

/** The workspace's measurements as every machine must agree on them (ids differ), oldest first. */
export function measurementsView(ws: Workspace): Record<string, unknown>[] {
  return ws.db
    .prepare(
      `SELECT p.name AS annotator, m.name, m.kind, m.axis, m.slice, m.points_json AS points, m.created_at AS createdAt,
              m.deleted_at AS deletedAt, m.deleted_by AS deletedBy
       FROM measurements m JOIN annotators p ON p.id = m.annotator_id ORDER BY m.created_at, m.id`,
    )
    .all() as Record<string, unknown>[];
}

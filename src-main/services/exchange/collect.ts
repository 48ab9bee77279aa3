// What a bundle of each kind holds, read from the exporting workspace (io/bundle/manifest.ts describes the
// manifest; DESIGN.md §2 the rows):
//  - task: the cases (volumes and, unless left out, their voxels), the project's labels, and the assignment of
//    one annotator (--for): their own annotation history if they have one, and NONE of the other raters'
//    masks, derived masks or review, so that blinding holds on the receiving machine;
//  - result: annotators' manual annotations (one annotator's with --for) with every revision, work status
//    and time spent, and their submissions of the cases (the review gate: the receiver's reviewer sees them
//    submitted);
//  - review: every annotation of the cases (raters, consensus, working and reference masks) with the
//    adjudications, their decisions, sign-offs and reopenings, and every submission (returns travel back).
// A task also carries its annotator's own submission (returned with the reviewer's comment, say). The
// viewer's measurements go the same way as the annotations (bundle-measurements.ts): a task its annotator's
// own, a result its annotators', a review every one.
import type {
  BundleAdjudication,
  BundleAnnotation,
  BundleCase,
  BundleDecision,
  BundleKind,
  BundleManifest,
  BundleMember,
  BundleProfile,
  BundleProject,
  BundleReopening,
  BundleRevision,
  BundleSignOff,
  BundleSubmission,
  BundleVolume,
} from '../../io/bundle/manifest';
import { BUNDLE_FORMAT, BUNDLE_VERSION, memberName } from '../../io/bundle/manifest';
import { InputError, NotFoundError } from '../../core/errors';
import type { Db } from '../../db/open';
import { findAnnotatorByName, getAnnotator } from '../../db/repositories/annotators';
import { gidsOf } from '../../db/repositories/exchange';
import type { Gids } from '../../db/repositories/exchange';
import { listLabels } from '../../db/repositories/labels';
import { findProjectByName, getCaseSubject } from '../../db/repositories/projects';
import { listRevisions } from '../../db/repositories/revisions';
import { listSubmissions } from '../../db/repositories/team';
import type { Workspace } from '../../workspace/workspace';
import { collectMeasurements } from './bundle-measurements';

export interface BundleSelection {
  kind: BundleKind;
  /** A project by name or id, or cases by id or name. */
  project?: string;
  cases?: string[];
  /** The annotator a task is for (required) or whose results go (optional). */
  forAnnotator?: string;
  /** Voxel data of the volumes in the bundle; default: yes for a task, no for results and reviews. */
  images?: boolean;
  /**
   * Apply PS3.15's Basic Profile to what the bundle carries (deidentify-bundle.ts); always so when a case is
   * in a research project.
   */
  deidentify?: boolean;
  /** De-identified bundles of clinical projects: study dates removed (default) or shifted per patient. */
  dates?: 'remove' | 'shift';
}

/** The gid of an annotator's manual annotation of a volume: the same on every machine (manifest.ts). */
export function manualAnnotationGid(volumeChecksum: string, annotatorName: string): string {
  return `manual:${volumeChecksum}:${annotatorName.toLowerCase()}`;
}

interface CaseRow {
  id: number;
  name: string;
  projectId: number;
  projectName: string;
}

function selectCases(db: Db, sel: BundleSelection): CaseRow[] {
  const base = `SELECT c.id, c.name, p.id AS projectId, p.name AS projectName FROM cases c
    JOIN projects p ON p.id = c.project_id`;
  if (sel.project !== undefined) {
    const byName = findProjectByName(db, sel.project);
    const id = byName?.id ?? (/^\d+$/.test(sel.project) ? Number(sel.project) : -1);
    const rows = db.prepare(`${base} WHERE p.id = ? ORDER BY c.name`).all(id) as CaseRow[];
    if (rows.length === 0) {
      const exists = db.prepare('SELECT 1 FROM projects WHERE id = ?').get(id);
      throw exists
        ? new InputError(undefined, `project '${sel.project}' has no cases to export`)
        : new NotFoundError(`project '${sel.project}' does not exist`);
    }
    return rows;
  }
  if (!sel.cases || sel.cases.length === 0)
    throw new InputError(undefined, 'a bundle needs --project <name> or --case <id|name>');
  const out = new Map<number, CaseRow>();
  for (const c of sel.cases) {
    const rows = /^\d+$/.test(c)
      ? (db.prepare(`${base} WHERE c.id = ?`).all(Number(c)) as CaseRow[])
      : (db.prepare(`${base} WHERE c.name = ?`).all(c) as CaseRow[]);
    if (rows.length === 0) throw new NotFoundError(`case '${c}' does not exist`);
    if (rows.length > 1)
      throw new InputError(undefined, `case name '${c}' is in ${rows.length} projects: give its id`);
    out.set(rows[0]!.id, rows[0]!);
  }
  return [...out.values()];
}

interface RawVolume {
  id: number;
  case_id: number;
  name: string;
  blob_sha256: string;
  byte_length: number;
  scalar_type: string;
  dim_i: number;
  dim_j: number;
  dim_k: number;
  frames: number;
  affine_lps: string;
  rescale_slope: number;
  rescale_intercept: number;
  modality: string | null;
  source_format: string;
  source_json: string;
  stats_min: number;
  stats_max: number;
  stats_mean: number;
  imported_at: string;
  imported_by: string;
}

function volumeOf(r: RawVolume): BundleVolume {
  return {
    checksum: r.blob_sha256,
    bytes: r.byte_length,
    name: r.name,
    scalarType: r.scalar_type,
    dims: [r.dim_i, r.dim_j, r.dim_k],
    frames: r.frames,
    affineLPS: JSON.parse(r.affine_lps) as number[],
    rescale: { slope: r.rescale_slope, intercept: r.rescale_intercept },
    modality: r.modality,
    sourceFormat: r.source_format,
    source: JSON.parse(r.source_json) as unknown,
    stats: { min: r.stats_min, max: r.stats_max, mean: r.stats_mean },
    importedAt: r.imported_at,
    importedBy: r.imported_by,
  };
}

interface RawAnnotation {
  id: number;
  volume_id: number;
  kind: 'manual' | 'derived';
  annotator: string | null;
  name: string | null;
  created_at: string;
  status: BundleAnnotation['status'];
  status_at: string | null;
  time_spent_sec: number;
  flag_comment: string | null;
}

export type ManifestBody = Omit<BundleManifest, 'exporter' | 'members' | 'audit' | 'createdAt'>;

/** The local rows behind a manifest: the case ids in the order of its cases, volume checksum -> volume id. */
export interface BundleRefs {
  caseIds: number[];
  volumeIds: Map<string, number>;
}

/** The manifest's content (all but who signs it), the blobs it needs (sha256 -> bytes) and its local rows. */
export function collectBundle(
  ws: Workspace,
  sel: BundleSelection,
): { body: ManifestBody; members: BundleMember[]; refs: BundleRefs } {
  const db = ws.db;
  const gids = gidsOf(db, ws.key.id);
  const cases = selectCases(db, sel);
  const images = sel.images ?? sel.kind === 'task';
  const forName = sel.forAnnotator ? findAnnotatorByName(db, sel.forAnnotator) : undefined;
  if (sel.forAnnotator !== undefined && !forName)
    throw new NotFoundError(`there is no profile named '${sel.forAnnotator}'`);
  if (sel.kind === 'task' && !forName)
    throw new InputError(undefined, 'a task bundle is for one annotator: give --for <name>');

  const members = new Map<string, number>();
  const projects = new Map<number, BundleProject>();
  const bundleCases: BundleCase[] = [];
  const checksumOf = new Map<number, string>();
  for (const c of cases) {
    if (!projects.has(c.projectId)) {
      projects.set(c.projectId, {
        name: c.projectName,
        labels: listLabels(db, c.projectId).map((l) => ({ value: l.value, name: l.name, color: l.color })),
      });
    }
    const vols = db
      .prepare(
        `SELECT v.*, b.byte_length FROM volumes v JOIN blobs b ON b.sha256 = v.blob_sha256
         WHERE v.case_id = ? ORDER BY v.id`,
      )
      .all(c.id) as RawVolume[];
    for (const v of vols) {
      checksumOf.set(v.id, v.blob_sha256);
      if (images) members.set(v.blob_sha256, v.byte_length);
    }
    const subject = getCaseSubject(db, c.id);
    bundleCases.push({
      project: c.projectName,
      name: c.name,
      ...(subject !== null ? { subject } : {}),
      volumes: vols.map(volumeOf),
    });
  }

  const volumeIds = [...checksumOf.keys()];
  const annotationRows = volumeIds.length
    ? (db
        .prepare(
          `SELECT a.id, a.volume_id, a.kind, p.name AS annotator, a.name, a.created_at, a.status, a.status_at,
                  a.time_spent_sec, a.flag_comment
           FROM annotations a LEFT JOIN annotators p ON p.id = a.annotator_id
           WHERE a.volume_id IN (${volumeIds.map(() => '?').join(',')}) ORDER BY a.id`,
        )
        .all(...volumeIds) as RawAnnotation[])
    : [];
  const chosen = annotationRows.filter((a) => {
    if (sel.kind === 'review') return true;
    if (a.kind !== 'manual') return false;
    return !forName || a.annotator!.toLowerCase() === forName.name.toLowerCase();
  });
  const annotationGid = new Map<number, string>();
  const annotations: BundleAnnotation[] = chosen.map((a) => {
    const volume = checksumOf.get(a.volume_id)!;
    const gid = a.kind === 'manual' ? manualAnnotationGid(volume, a.annotator!) : gids.of('annotation', a.id);
    annotationGid.set(a.id, gid);
    return {
      gid,
      volume,
      kind: a.kind,
      annotator: a.annotator,
      name: a.kind === 'derived' ? a.name : null,
      createdAt: a.created_at,
      status: a.status,
      statusAt: a.status_at,
      timeSpentSec: a.time_spent_sec,
      flagComment: a.flag_comment,
    };
  });
  const revisions: BundleRevision[] = [];
  for (const a of chosen) {
    for (const r of listRevisions(db, a.id)) {
      members.set(r.blobSha256, r.blobBytes);
      revisions.push({
        gid: gids.of('revision', r.id),
        annotation: annotationGid.get(a.id)!,
        parent: r.parentId === null ? null : gids.of('revision', r.parentId),
        storage: r.storage,
        base: r.baseId === null ? null : gids.of('revision', r.baseId),
        blob: r.blobSha256,
        bytes: r.blobBytes,
        author: r.author,
        tool: r.tool,
        provenance: r.provenance,
        labelVoxels: r.labelVoxels,
        createdAt: r.createdAt,
      });
    }
  }
  // Parents before children across annotations too (ids grow with time in every workspace).
  const review = sel.kind === 'review' ? collectReview(db, gids, volumeIds, checksumOf) : null;

  const submitters =
    sel.kind === 'review'
      ? null
      : new Set(forName ? [forName.id] : chosen.map((a) => findAnnotatorByName(db, a.annotator!)!.id));
  const submissions = collectSubmissions(db, cases, checksumOf, submitters);
  const measurements = collectMeasurements(db, checksumOf, submitters);

  const profiles = new Map<string, BundleProfile>();
  for (const name of [
    ...annotations.map((a) => a.annotator),
    ...submissions.map((s) => s.annotator),
    ...measurements.map((m) => m.annotator),
  ]) {
    if (name && !profiles.has(name.toLowerCase())) {
      const p = findAnnotatorByName(db, name)!;
      profiles.set(name.toLowerCase(), { uid: p.uid, name: p.name, role: 'annotator' });
    }
  }
  if (forName)
    profiles.set(forName.name.toLowerCase(), { uid: forName.uid, name: forName.name, role: forName.role });

  return {
    body: {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      kind: sel.kind,
      imagesIncluded: images,
      projects: [...projects.values()],
      profiles: [...profiles.values()],
      cases: bundleCases,
      annotations,
      revisions,
      assignment:
        sel.kind === 'task' && forName
          ? { annotator: forName.name, volumes: [...checksumOf.values()] }
          : null,
      adjudications: review?.adjudications ?? [],
      decisions: review?.decisions ?? [],
      signOffs: review?.signOffs ?? [],
      reopenings: review?.reopenings ?? [],
      submissions,
      measurements,
    },
    members: [...members].map(([sha256, bytes]) => ({ name: memberName(sha256), sha256, bytes })),
    refs: {
      caseIds: cases.map((c) => c.id),
      volumeIds: new Map([...checksumOf].map(([id, checksum]) => [checksum, id])),
    },
  };
}

/** The cases' submissions (of `submitters` only, unless null), each case named by its first volume. */
function collectSubmissions(
  db: Db,
  cases: CaseRow[],
  checksumOf: Map<number, string>,
  submitters: Set<number> | null,
): BundleSubmission[] {
  const firstVolume = db.prepare('SELECT id FROM volumes WHERE case_id = ? ORDER BY id LIMIT 1').pluck();
  const out: BundleSubmission[] = [];
  for (const c of cases) {
    const volumeId = firstVolume.get(c.id) as number | undefined;
    const checksum = volumeId === undefined ? undefined : checksumOf.get(volumeId);
    if (checksum === undefined) continue;
    for (const s of listSubmissions(db, c.id)) {
      if (submitters && !submitters.has(s.annotatorId)) continue;
      out.push({
        case: checksum,
        annotator: getAnnotator(db, s.annotatorId)!.name,
        state: s.state,
        stateAt: s.stateAt,
        stateBy: s.stateBy,
        comment: s.comment,
        submittedAt: s.submittedAt,
      });
    }
  }
  return out;
}

function collectReview(
  db: Db,
  gids: Gids,
  volumeIds: number[],
  checksumOf: Map<number, string>,
): Pick<ManifestBody, 'adjudications' | 'decisions' | 'signOffs' | 'reopenings'> {
  const out = {
    adjudications: [] as BundleAdjudication[],
    decisions: [] as BundleDecision[],
    signOffs: [] as BundleSignOff[],
    reopenings: [] as BundleReopening[],
  };
  if (volumeIds.length === 0) return out;
  const rev = (id: number) => gids.of('revision', id);
  const ann = (id: number) => gids.of('annotation', id);
  const adjs = db
    .prepare(
      `SELECT * FROM adjudications WHERE volume_id IN (${volumeIds.map(() => '?').join(',')}) ORDER BY id`,
    )
    .all(...volumeIds) as {
    id: number;
    volume_id: number;
    label: number;
    working_annotation_id: number;
    seed_revision_id: number;
    started_by: string;
    started_at: string;
  }[];
  for (const a of adjs) {
    const gid = gids.of('adjudication', a.id);
    out.adjudications.push({
      gid,
      volume: checksumOf.get(a.volume_id)!,
      label: a.label,
      workingAnnotation: ann(a.working_annotation_id),
      seedRevision: rev(a.seed_revision_id),
      startedBy: a.started_by,
      startedAt: a.started_at,
    });
    for (const d of db
      .prepare('SELECT * FROM adjudication_decisions WHERE adjudication_id = ? ORDER BY id')
      .all(a.id) as {
      id: number;
      kind: BundleDecision['kind'];
      region_json: string | null;
      source_revision_id: number | null;
      rationale: string;
      result_revision_id: number;
      voxels_changed: number;
      decided_by: string;
      decided_at: string;
    }[]) {
      out.decisions.push({
        gid: gids.of('decision', d.id),
        adjudication: gid,
        kind: d.kind,
        region: d.region_json === null ? null : (JSON.parse(d.region_json) as unknown),
        sourceRevision: d.source_revision_id === null ? null : rev(d.source_revision_id),
        rationale: d.rationale,
        resultRevision: rev(d.result_revision_id),
        voxelsChanged: d.voxels_changed,
        decidedBy: d.decided_by,
        decidedAt: d.decided_at,
      });
    }
    for (const s of db.prepare('SELECT * FROM sign_offs WHERE adjudication_id = ? ORDER BY id').all(a.id) as {
      id: number;
      reference_annotation_id: number;
      reference_revision_id: number;
      working_revision_id: number;
      comment: string | null;
      signed_by: string;
      signed_at: string;
    }[]) {
      const sgid = gids.of('sign-off', s.id);
      out.signOffs.push({
        gid: sgid,
        adjudication: gid,
        referenceAnnotation: ann(s.reference_annotation_id),
        referenceRevision: rev(s.reference_revision_id),
        workingRevision: rev(s.working_revision_id),
        comment: s.comment,
        signedBy: s.signed_by,
        signedAt: s.signed_at,
      });
      const r = db.prepare('SELECT * FROM case_reopenings WHERE sign_off_id = ?').get(s.id) as
        { id: number; reopened_by: string; reopened_at: string; reason: string } | undefined;
      if (r) {
        out.reopenings.push({
          gid: gids.of('reopening', r.id),
          signOff: sgid,
          reopenedBy: r.reopened_by,
          reopenedAt: r.reopened_at,
          reason: r.reason,
        });
      }
    }
  }
  return out;
}

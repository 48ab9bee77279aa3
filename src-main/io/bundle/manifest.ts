// The manifest of a Concord bundle (a file that carries work between workstations without a network): what
// the bundle holds, as canonical JSON (core/canonical-json.ts: keys sorted, so the signed bytes are the same
// on every machine), signed by the exporting workspace's Ed25519 key (manifest.sig beside it).
//
// Everything that names another row names it by a global id ("gid"), never by a local row id, which differs
// on every machine: a row made in workspace W has gid "<W's id>/<kind>/<its id in W>", and keeps it wherever
// it travels. Two exceptions, matched by content because they are the same thing wherever they were made:
// volumes by their checksum (sha256 of the voxel blob), and an annotator's manual annotation of a volume by
// "manual:<volume checksum>:<annotator name, lower case>" (one per annotator and volume, migration 002).
// Profiles are named by their name (unique regardless of case) and carry their stable id (uid), which a
// receiver keeps; a profile is matched by uid first, then by name. A de-identified bundle names profiles and
// authors by pseudonyms and cases by theirs, carries profiled volume sources and no audit rows
// (services/exchange/deidentify-bundle.ts); its shape is the same.
//
// Members ("blobs/<sha256>") are the workspace's blobs byte for byte: voxel data raw as in the workspace,
// masks as the mask codec stored them (workspace/mask-codec.ts snapshots, mask-codec-delta.ts deltas).
// Geometry: dims along i, j, k; affineLPS row-major (i, j, k, 1) -> LPS millimetres. Times ISO-8601 UTC.
import { InputError } from '../../core/errors';
import type { BundleMeasurement } from './measurements';
import { measurementsProblem } from './measurements';

export type { BundleMeasurement } from './measurements';

export const BUNDLE_FORMAT = 'concord-bundle';
export const BUNDLE_VERSION = 1;
export const BUNDLE_KINDS = ['task', 'result', 'review'] as const;
export type BundleKind = (typeof BUNDLE_KINDS)[number];

export interface BundleMember {
  /** "blobs/<sha256>" */
  name: string;
  sha256: string;
  bytes: number;
}

export interface BundleVolume {
  checksum: string;
  bytes: number;
  name: string;
  scalarType: string;
  dims: [number, number, number];
  frames: number;
  affineLPS: number[];
  rescale: { slope: number; intercept: number };
  modality: string | null;
  sourceFormat: string;
  /** Files, description, DICOM UIDs; never patient identity (a bundle never carries it). */
  source: unknown;
  stats: { min: number; max: number; mean: number };
  importedAt: string;
  importedBy: string;
}

export interface BundleCase {
  project: string;
  name: string;
  /** Who the case's images are of (migration 012); absent when it names no one, and in older bundles. */
  subject?: string;
  volumes: BundleVolume[];
}

export interface BundleProject {
  name: string;
  labels: { value: number; name: string; color: string }[];
}

export interface BundleProfile {
  /** The profile's stable id (a UUID kept across machines). */
  uid: string;
  name: string;
  role: 'annotator' | 'reviewer' | 'admin';
}

export interface BundleAnnotation {
  gid: string;
  /** The volume's checksum. */
  volume: string;
  kind: 'manual' | 'derived';
  /** Profile name (manual); null for derived. */
  annotator: string | null;
  /** What made a derived annotation ("STAPLE", "reference"); null for manual. */
  name: string | null;
  createdAt: string;
  status: 'not-started' | 'in-progress' | 'done' | 'flagged';
  statusAt: string | null;
  timeSpentSec: number;
  flagComment: string | null;
}

export interface BundleRevision {
  gid: string;
  annotation: string;
  parent: string | null;
  storage: 'snapshot' | 'delta';
  /** A delta's base revision (gid); null for a snapshot. */
  base: string | null;
  blob: string;
  bytes: number;
  author: string;
  tool: string | null;
  /** As recorded where it was made (ids in it are that workspace's). */
  provenance: Record<string, unknown>;
  labelVoxels: Record<string, number>;
  createdAt: string;
}

export interface BundleAdjudication {
  gid: string;
  volume: string;
  label: number;
  workingAnnotation: string;
  seedRevision: string;
  startedBy: string;
  startedAt: string;
}

export interface BundleDecision {
  gid: string;
  adjudication: string;
  kind: 'seed' | 'take-rater' | 'take-consensus' | 'manual';
  region: unknown;
  sourceRevision: string | null;
  rationale: string;
  resultRevision: string;
  voxelsChanged: number;
  decidedBy: string;
  decidedAt: string;
}

export interface BundleSignOff {
  gid: string;
  adjudication: string;
  referenceAnnotation: string;
  referenceRevision: string;
  workingRevision: string;
  comment: string | null;
  signedBy: string;
  signedAt: string;
}

export interface BundleReopening {
  gid: string;
  signOff: string;
  reopenedBy: string;
  reopenedAt: string;
  reason: string;
}

/**
 * An annotator's submission of a case (the review gate, migration 009): its state as the exporter holds it.
 * The case is named by the checksum of one of its volumes (cases are matched by content), the annotator by
 * profile name (with its uid among the profiles). The receiver keeps whichever of its row and this one
 * changed state last (stateAt), so a second import changes nothing and a return travels back the same way.
 */
export interface BundleSubmission {
  case: string;
  annotator: string;
  state: 'submitted' | 'returned';
  stateAt: string;
  /** Who submitted (the annotator) or returned it (a reviewer), by name. */
  stateBy: string;
  /** The annotator's optional comment on a submission; the reviewer's (required) on a return. */
  comment: string | null;
  submittedAt: string;
}

/** What a task hands to one annotator: the volumes they are to label (extensible: projects, due dates). */
export interface BundleAssignment {
  annotator: string;
  volumes: string[];
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  kind: BundleKind;
  createdAt: string;
  exporter: { workspaceId: string; publicKeyPem: string; actor: string };
  /** False when the voxel data of the volumes was left out (the receiver has them: matched by checksum). */
  imagesIncluded: boolean;
  projects: BundleProject[];
  profiles: BundleProfile[];
  cases: BundleCase[];
  annotations: BundleAnnotation[];
  /** Parents (and delta bases) before their children. */
  revisions: BundleRevision[];
  assignment: BundleAssignment | null;
  adjudications: BundleAdjudication[];
  decisions: BundleDecision[];
  signOffs: BundleSignOff[];
  reopenings: BundleReopening[];
  /** Submissions of the cases (absent in bundles made before submissions travelled: read as none). A task
   *  carries its annotator's own, a result its annotators', a review every one. */
  submissions?: BundleSubmission[];
  /** The viewer's measurements of the cases, deleted ones marked (absent in bundles made before they
   *  travelled: read as none). Blinded like the annotations: a task carries its annotator's own, a result its
   *  annotators', a review every one (io/bundle/measurements.ts). */
  measurements?: BundleMeasurement[];
  /** The exporting workspace's audit rows with their origins and its sealed head (exchange/bundle-audit.ts). */
  audit: unknown;
  members: BundleMember[];
}

export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'manifest.sig';
/** A manifest larger than this is refused before it is parsed (a real one is a few MiB at most). */
export const MAX_MANIFEST_BYTES = 256 * 2 ** 20;

export function memberName(sha256: string): string {
  return `blobs/${sha256}`;
}

const SHA = /^[0-9a-f]{64}$/;

/**
 * Parses and checks the manifest's shape and references: every name a bundle uses must resolve inside it or be
 * left for the importer to find locally (parents, bases, volumes). Throws InputError naming the first problem.
 */
export function parseManifest(bytes: Uint8Array, file: string): BundleManifest {
  let m: BundleManifest;
  try {
    m = JSON.parse(Buffer.from(bytes).toString('utf8')) as BundleManifest;
  } catch {
    throw new InputError(file, 'not a Concord bundle: its manifest is not JSON');
  }
  const bad = (why: string): never => {
    throw new InputError(file, `not a valid Concord bundle: ${why}`);
  };
  if (typeof m !== 'object' || m === null || m.format !== BUNDLE_FORMAT)
    bad('the manifest is not a Concord manifest');
  if (m.version !== BUNDLE_VERSION)
    bad(`format version ${String(m.version)} (this Concord reads ${BUNDLE_VERSION})`);
  if (!BUNDLE_KINDS.includes(m.kind)) bad(`unknown kind '${String(m.kind)}'`);
  if (typeof m.exporter?.publicKeyPem !== 'string' || typeof m.exporter.workspaceId !== 'string')
    bad('no exporting workspace');
  for (const key of [
    'projects',
    'profiles',
    'cases',
    'annotations',
    'revisions',
    'adjudications',
    'decisions',
    'signOffs',
    'reopenings',
    'members',
  ] as const) {
    if (!Array.isArray(m[key])) bad(`'${key}' is not a list`);
  }
  const members = new Set<string>();
  for (const mem of m.members) {
    if (
      !SHA.test(mem.sha256) ||
      mem.name !== memberName(mem.sha256) ||
      !Number.isSafeInteger(mem.bytes) ||
      mem.bytes < 0
    )
      bad(`member '${String(mem.name)}' is malformed`);
    if (members.has(mem.sha256)) bad(`member ${mem.name} is listed twice`);
    members.add(mem.sha256);
  }
  const volumes = new Set<string>();
  const dims = new Map<string, [number, number, number]>();
  for (const c of m.cases) {
    if (
      c.subject !== undefined &&
      !(typeof c.subject === 'string' && c.subject.trim() && c.subject.length <= 200)
    )
      bad(`case '${String(c.name)}' has a malformed subject`);
    for (const v of c.volumes) {
      if (!SHA.test(v.checksum)) bad(`volume '${v.name}' has no checksum`);
      if (m.imagesIncluded && !members.has(v.checksum)) bad(`volume '${v.name}' is not among the members`);
      volumes.add(v.checksum);
      dims.set(v.checksum, v.dims);
    }
  }
  const annotations = new Set<string>();
  for (const a of m.annotations) {
    if (!volumes.has(a.volume)) bad(`annotation ${a.gid} is of a volume the bundle does not describe`);
    if ((a.kind === 'manual') !== (a.annotator !== null)) bad(`annotation ${a.gid} is malformed`);
    annotations.add(a.gid);
  }
  for (const r of m.revisions) {
    if (!annotations.has(r.annotation)) bad(`revision ${r.gid} belongs to no annotation of the bundle`);
    if (!members.has(r.blob)) bad(`revision ${r.gid}'s mask is not among the members`);
    if ((r.storage === 'delta') !== (r.base !== null)) bad(`revision ${r.gid} is malformed`);
  }
  if (m.submissions !== undefined && !Array.isArray(m.submissions)) bad("'submissions' is not a list");
  for (const sub of m.submissions ?? []) {
    const who = `the submission of ${String(sub.annotator)}`;
    if (!volumes.has(sub.case)) bad(`${who} is of a case the bundle does not describe`);
    if (!m.profiles.some((p) => p.name === sub.annotator))
      bad(`${who} names a profile the bundle does not describe`);
    if (sub.state !== 'submitted' && sub.state !== 'returned') bad(`${who} has no valid state`);
    if (![sub.stateAt, sub.stateBy, sub.submittedAt].every((x) => typeof x === 'string' && x.length > 0))
      bad(`${who} is malformed`);
    if (sub.comment !== null && typeof sub.comment !== 'string') bad(`${who} is malformed`);
    if (sub.state === 'returned' && !sub.comment?.trim()) bad(`${who} was returned without a comment`);
  }
  const measured = measurementsProblem(
    m.measurements,
    dims,
    new Set(m.profiles.map((p) => p.name.toLowerCase())),
  );
  if (measured) bad(measured);
  if (m.assignment && !m.profiles.some((p) => p.name === m.assignment!.annotator))
    bad('the assignment names a profile the bundle does not describe');
  return m;
}

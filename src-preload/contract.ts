// The one list of what the renderer may ask of main ('noun:verb' requests) and what main may push
// ('noun:event' events). Main implements every request with a mapped type (src-main/services/handlers.ts),
// so a missing handler does not compile; the Electron preload and the web host both carry exactly these
// channels. Expected failures travel as data: { ok: false, error: { code, message } }.
//
// Types only: this file is imported by main, preload and renderer alike.

import type { Mat4, Vec3 } from '../src-main/core/geometry/affine';
import type { Rescale, ScalarType } from '../src-main/core/volume/types';
import {
  TRAINING_EVENT_CHANNELS,
  TRAINING_REQUEST_CHANNELS,
  type TrainingEvents,
  type TrainingRequests,
} from './training-contract';

export type * from './training-contract';

export type ErrorCode =
  | 'bad-input'
  | 'not-found'
  | 'cancelled'
  | 'unsupported'
  | 'conflict'
  /** Signed out, or the signed-in profile's role (or blinding) does not allow the request. */
  | 'forbidden'
  | 'internal';

export interface AppError {
  code: ErrorCode;
  /** One line, for the user: names the file and the reason where there is one. */
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export interface ProjectInfo {
  id: number;
  name: string;
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

export type ImportSource =
  /** Paths on this machine (Electron file dialog, CLI, or typed by the user). */
  | { kind: 'paths'; paths: string[] }
  /** Files the web host received under this upload id (HostBridge.uploadFiles). */
  | { kind: 'upload'; uploadId: string };

export interface ImportRequest {
  /** Chosen by the caller, so that it can follow progress and cancel. */
  jobId: string;
  source: ImportSource;
  /** Existing project, or a name to find or create; default: "Default". */
  projectId?: number;
  projectName?: string;
  /** Case name; default: derived from the series or file name. */
  caseName?: string;
  /** Keep patient name, ID and birth date (off unless the user opts in). */
  keepPatientIdentity?: boolean;
}

export interface ImportSummary {
  projectId: number;
  volumes: VolumeMeta[];
  /** Files or series that were not images and were skipped, one line each. */
  skipped: string[];
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

// ---- Labelling (issue 3): profiles, labels, annotations with revisions, worklist ----

export type Role = 'annotator' | 'reviewer' | 'admin';

export interface AnnotatorInfo {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
  /** False for profiles created by a mask import: they cannot sign in until an admin sets a password. */
  hasPassword: boolean;
}

export interface SessionInfo {
  /** The signed-in profile of this window/tab, or null. */
  annotator: AnnotatorInfo | null;
  /** No profile exists yet: the first one created is an admin and needs no sign-in to create. */
  firstRun: boolean;
}

export interface LabelInfo {
  id: number;
  projectId: number;
  /** 1..255; 0 is background. */
  value: number;
  name: string;
  /** '#rrggbb' */
  color: string;
  visible: boolean;
  /** 0..1 */
  opacity: number;
}

export type WorkStatus = 'not-started' | 'in-progress' | 'done' | 'flagged';

export interface AnnotationInfo {
  id: number;
  volumeId: number;
  caseId: number;
  kind: 'manual' | 'derived';
  /** The annotator for manual annotations; null for derived ones (consensus, model drafts). */
  annotatorId: number | null;
  /** Annotator name, or the derivation (e.g. "STAPLE", "model 3"). */
  authorName: string;
  headRevisionId: number | null;
  revisionCount: number;
  updatedAt: string | null;
  status: WorkStatus;
}

export interface RevisionInfo {
  id: number;
  annotationId: number;
  parentId: number | null;
  author: string;
  /** The tool or operation that made this revision ("brush", "undo", "revert", "import", …). */
  tool: string | null;
  createdAt: string;
  /** For derived revisions: method, parameters, input revision ids. */
  provenance: Record<string, unknown>;
  /** Voxel count per label value present (keys are label values as strings). */
  labelVoxels: Record<string, number>;
}

/**
 * A change to a mask: the new labels of every voxel in a box. The box is half-open in voxel indices,
 * [i0, i1) x [j0, j1) x [k0, k1) on the volume's grid, written box = [i0, i1, j0, j1, k0, k1]; data holds
 * (i1-i0)*(j1-j0)*(k1-k0) labels, i fastest, then j, then k. Every value must be 0 or a label of the project.
 */
export interface MaskPatch {
  /** [i0, i1, j0, j1, k0, k1], half-open, 0 <= i0 < i1 <= nx (same for j, k). */
  box: [number, number, number, number, number, number];
  data: Uint8Array;
}

export interface MaskData {
  revisionId: number;
  /** Voxels along i, j, k (the volume's grid). */
  dims: Vec3;
  /** Labels, i fastest (i + j*nx + k*nx*ny). */
  data: Uint8Array;
}

export interface WorklistRow {
  caseId: number;
  caseName: string;
  volumeId: number;
  annotatorId: number;
  annotatorName: string;
  annotationId: number | null;
  status: WorkStatus;
  timeSpentSec: number;
  flagComment: string | null;
  updatedAt: string | null;
}

export interface CaseReviewState {
  caseId: number;
  /** When the case was opened for review (unblinding everyone's annotations), or null. */
  reviewOpenedAt: string | null;
  reviewOpenedBy: string | null;
}

/** Request channels: request payload and response value (wrapped in Result on the wire). */
export interface Requests extends TrainingRequests {
  'app:info': { req: void; res: AppInfo };
  'project:list': { req: void; res: ProjectInfo[] };
  'project:create': { req: { name: string }; res: ProjectInfo };
  'case:list': { req: { projectId: number }; res: CaseInfo[] };
  'volume:list': { req: { caseId: number }; res: VolumeMeta[] };
  'volume:get': { req: { volumeId: number }; res: VolumeMeta };
  'import:run': { req: ImportRequest; res: ImportSummary };
  'import:cancel': { req: { jobId: string }; res: { cancelled: boolean } };
  'audit:list': { req: { limit?: number }; res: AuditEntry[] };
  'audit:verify': { req: void; res: { intact: boolean; rows: number; firstBadId: number | null } };
  'view:get': { req: void; res: ViewState };
  'view:set': { req: ViewState; res: ViewState };
  /** Native file/folder picker (Electron only; the web host answers 'unsupported'). */
  'dialog:pickImport': { req: { folder: boolean }; res: string[] };
  'annotator:list': { req: void; res: AnnotatorInfo[] };
  /** Admin only, except the very first profile (which must be an admin). */
  'annotator:create': { req: { name: string; role: Role; password: string }; res: AnnotatorInfo };
  /** Admin only: sets (or resets) a profile's password, e.g. for annotators created by a mask import. */
  'annotator:setPassword': { req: { annotatorId: number; password: string }; res: AnnotatorInfo };
  'session:get': { req: void; res: SessionInfo };
  'session:signIn': { req: { annotatorId: number; password: string }; res: SessionInfo };
  'session:signOut': { req: void; res: SessionInfo };
  'label:list': { req: { projectId: number }; res: LabelInfo[] };
  'label:save': { req: Omit<LabelInfo, 'id'>; res: LabelInfo };
  /** The annotations of a volume this session may see (blinding applies). */
  'annotation:list': { req: { volumeId: number }; res: AnnotationInfo[] };
  /** The signed-in annotator's own annotation of a volume, created when absent. */
  'annotation:open': { req: { volumeId: number }; res: AnnotationInfo };
  /** A revision's labels (blinding applies). */
  'annotation:mask': { req: { revisionId: number }; res: MaskData };
  /** Saves one finished edit as a new revision; refused ('conflict') when parentRevisionId is not the head. */
  'annotation:commit': {
    req: { annotationId: number; parentRevisionId: number | null; tool: string; patch: MaskPatch };
    res: RevisionInfo;
  };
  'annotation:history': { req: { annotationId: number }; res: RevisionInfo[] };
  /** A new head revision whose labels equal an earlier revision's. */
  'annotation:revert': { req: { annotationId: number; revisionId: number }; res: RevisionInfo };
  'worklist:get': { req: { projectId: number }; res: WorklistRow[] };
  /** The signed-in annotator's next case to work on, or null when all are done. */
  'worklist:next': { req: { projectId: number }; res: { caseId: number; volumeId: number } | null };
  'worklist:setStatus': {
    req: { annotationId: number; status: WorkStatus; comment?: string };
    res: WorklistRow;
  };
  /** Time spent on an annotation (seconds of focused work, reported by the renderer). */
  'worklist:addTime': { req: { annotationId: number; seconds: number }; res: { timeSpentSec: number } };
  /** Reviewer/admin: open a case for review, which unblinds its annotations. */
  'case:openReview': { req: { caseId: number }; res: CaseReviewState };
  'case:reviewState': { req: { caseId: number }; res: CaseReviewState };
}

export interface ImportProgress {
  jobId: string;
  /** 0..1 */
  fraction: number;
  phase: 'scanning' | 'reading' | 'storing' | 'done';
  detail: string;
}

/** Events main pushes to the renderer. */
export interface Events extends TrainingEvents {
  'import:progress': ImportProgress;
  /** An annotation got a new head revision (from this or another window). */
  'annotation:changed': { annotationId: number; headRevisionId: number; author: string };
}

export type RequestChannel = keyof Requests;
export type EventChannel = keyof Events;
export type Req<C extends RequestChannel> = Requests[C]['req'];
export type Res<C extends RequestChannel> = Requests[C]['res'];

/** Runtime list of channels, for allow-listing in the preload and the web host. */
export const REQUEST_CHANNELS = [
  'app:info',
  'project:list',
  'project:create',
  'case:list',
  'volume:list',
  'volume:get',
  'import:run',
  'import:cancel',
  'audit:list',
  'audit:verify',
  'view:get',
  'view:set',
  'dialog:pickImport',
  'annotator:list',
  'annotator:create',
  'annotator:setPassword',
  'session:get',
  'session:signIn',
  'session:signOut',
  'label:list',
  'label:save',
  'annotation:list',
  'annotation:open',
  'annotation:mask',
  'annotation:commit',
  'annotation:history',
  'annotation:revert',
  'worklist:get',
  'worklist:next',
  'worklist:setStatus',
  'worklist:addTime',
  'case:openReview',
  'case:reviewState',
  ...TRAINING_REQUEST_CHANNELS,
] as const satisfies readonly RequestChannel[];

export const EVENT_CHANNELS = [
  'import:progress',
  'annotation:changed',
  ...TRAINING_EVENT_CHANNELS,
] as const satisfies readonly EventChannel[];

/** Compile-time check that REQUEST_CHANNELS lists every request channel. */
type MissingChannels = Exclude<RequestChannel, (typeof REQUEST_CHANNELS)[number]>;
export const ALL_CHANNELS_LISTED: [MissingChannels] extends [never] ? true : never = true;

/** What the Electron preload exposes as window.concord (the only bridge into the sandboxed renderer). */
export interface PreloadApi {
  invoke<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Origin that serves the app and /api/volumes/<id>/voxels (concord-app://app). */
  appOrigin: string;
  /** Local path of a File the user dropped or picked. */
  pathForFile(file: File): string;
}

/**
 * What the renderer is given by its host (the Electron preload as window.concord, or the web client).
 * The renderer never knows which host it has.
 */
export interface HostBridge {
  readonly host: 'electron' | 'web';
  invoke<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Streams a volume's voxel blob by id, reporting bytes received. */
  fetchVoxels(volumeId: number, onProgress?: (received: number, total: number) => void): Promise<ArrayBuffer>;
  /** Web host only: sends files chosen in the browser; resolves to an upload id for ImportSource. */
  uploadFiles?(
    files: { path: string; file: Blob }[],
    onProgress?: (sent: number, total: number) => void,
  ): Promise<string>;
  /** Electron only: the local path of a dropped File. */
  pathForFile?(file: File): string;
}

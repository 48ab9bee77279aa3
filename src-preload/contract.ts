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
import type { PairMetrics } from '../src-main/core/metrics/compare';
import type { KappaRegion } from '../src-main/core/metrics/kappa';
import type { MetricName } from '../src-main/core/metrics/definitions';
import type { TiePolicy } from '../src-main/core/consensus/vote';

export type { PairMetrics, KappaRegion, MetricName, TiePolicy };

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

// ---- Consensus (issue 4): compare raters, merge, agreement map, adjudication, sign-off ----
//
// Every channel below is for reviewers and admins only, and only on a case opened for review
// ('case:openReview'): anyone else gets 'forbidden', so blinding holds (an annotator never receives another
// rater's voxels or figures through them). Index layout of every voxel array: i + j*nx + k*nx*ny (i fastest)
// on the volume's grid. IJK are voxel indices; LPS is patient space in mm (VolumeMeta.affineLPS). Lengths
// are mm, volumes mL (1 mL = 1000 mm^3).

/** Which raters to use: annotations of one volume (the case is the volume's case), at their head revisions. */
export interface RaterSelection {
  volumeId: number;
  /**
   * Annotations to use, in this order (rater index = position). Default: every manual annotation of the
   * volume that has a revision, by annotation id; then, when includeDerived, every derived one (consensus,
   * model drafts) except adjudication working masks.
   */
  annotationIds?: number[];
  /** Add derived annotations to the default selection; default false. */
  includeDerived?: boolean;
}

/** One rater of a result: the annotation and the exact revision that was used. */
export interface RaterRef {
  /** Position in this result's rater arrays (PairMetrics.a / .b, raterVoxels, ...). */
  index: number;
  annotationId: number;
  revisionId: number;
  /** Annotator name, or the derivation ("STAPLE", "majority vote", ...). */
  name: string;
  kind: 'manual' | 'derived';
}

export interface MaskGridInfo {
  /** Voxels along i, j, k. */
  dims: Vec3;
  /** mm between voxel centres along i, j, k. */
  spacing: Vec3;
  /** mL of one voxel. */
  voxelMl: number;
}

export interface CompareRequest extends RaterSelection {
  /** Caller-chosen, for 'consensus:progress' and 'consensus:cancel'. */
  jobId: string;
  /** One label (1..255); default every label present in any rater. */
  label?: number;
  /** Surface Dice tolerance tau, mm; default 1. */
  toleranceMm?: number;
  /** Margin of the kappa region around the label's bounding box in all raters, mm; default 5. */
  kappaMarginMm?: number;
  /** Tie policy of the majority vote the raters are compared against; default 'undecided'. */
  ties?: TiePolicy;
}

/** Every rater against one consensus of one label. */
export interface VersusConsensus {
  method: 'vote' | 'staple';
  label: number;
  /** STAPLE's EM iterations; null for a vote. */
  iterations: number | null;
  /** Voxels the consensus gave the label. */
  consensusVoxels: number;
  /** Vote: tied voxels left undecided (they count as "not the label" in the metrics); STAPLE: W = 0.5. */
  undecidedVoxels: number;
  /**
   * Per rater (same order as CaseComparison.raters): the pair metrics of rater (as A) vs consensus (as B),
   * and sensitivity/specificity: STAPLE's EM estimates, or for a vote the rater's voxels against the voted
   * mask (undecided voxels excluded). null where undefined.
   */
  raters: (Omit<PairMetrics, 'a' | 'b'> & {
    rater: number;
    sensitivity: number | null;
    specificity: number | null;
  })[];
}

export interface CaseComparison {
  /** Handle for 'consensus:export' (main keeps the 16 newest comparisons). */
  comparisonId: string;
  caseId: number;
  volumeId: number;
  raters: RaterRef[];
  grid: MaskGridInfo;
  labels: number[];
  toleranceMm: number;
  kappaMarginMm: number;
  /** Every pair a < b for every label; a and b index `raters`. Distances mm, volumes mL. */
  pairs: PairMetrics[];
  /** Fleiss' kappa over all raters (binary for `label` when one was asked, else every value a category). */
  fleiss: {
    kappa: number | null;
    reason: 'empty-region' | 'no-variation' | null;
    observed: number | null;
    chance: number | null;
    /** Region counted over: inclusive IJK box, its voxel count, the margin it was grown by. */
    region: KappaRegion | null;
    label: number | null;
  };
  /** Each rater against the majority vote and against STAPLE, per label. */
  versusConsensus: VersusConsensus[];
  /** One-line definition of each figure, to show beside it. */
  definitions: Record<MetricName, string>;
  /** Unit of each numeric field of PairMetrics ('' for ratios). */
  units: Record<string, string>;
  computedAt: string;
}

export interface ConsensusProgress {
  jobId: string;
  /** 0..1 */
  fraction: number;
  /** Short stage name ("reading", "distances", "staple", "regions", ...). */
  stage: string;
}

export type MergeMethod = 'vote' | 'staple' | 'mstaple';

export interface MergeRequest extends RaterSelection {
  jobId: string;
  method: MergeMethod;
  /** vote: binary on this label (omitted: multi-label vote); staple: the label (default 1); mstaple: the label
   *  whose sensitivity/specificity are reported (default 1). */
  label?: number;
  /** vote only; default 'undecided'. */
  ties?: TiePolicy;
  /** vote (ties 'undecided') and mstaple; default 255, or the smallest free value when 255 is a label. */
  undecidedLabel?: number;
  /** staple: mask = probability > threshold; default 0.5. */
  threshold?: number;
  /** staple: ITK's ConfidenceWeight; default 1. */
  confidenceWeight?: number;
  /** staple/mstaple iteration cap; default none (as ITK). */
  maxIterations?: number;
  /** Store the result as a derived annotation (default true); false returns the mask instead. */
  save?: boolean;
}

export interface MergeResult {
  method: MergeMethod;
  caseId: number;
  volumeId: number;
  /** The parameters in force, defaults filled in (as stored in the provenance). */
  parameters: Record<string, unknown>;
  /** Per rater: STAPLE's estimates, or for a vote each rater against the voted mask. */
  raters: (RaterRef & { sensitivity: number | null; specificity: number | null })[];
  iterations: number | null;
  converged: boolean | null;
  foregroundVoxels: number;
  undecidedVoxels: number;
  /** vote: voxels whose top count was shared (whatever the tie policy made of them); else null. */
  tiedVoxels: number | null;
  /** mstaple: per rater, confusion[r][j][c] = P(rater says j | truth c), labels 0..L-1; else null. */
  confusion: number[][][] | null;
  /** mstaple: prior of each label 0..L-1; staple: [1 - g, g] with g the global prior; vote: null. */
  priors: number[] | null;
  /** When saved: the derived annotation (named after the method) and its revision with provenance. */
  saved: { annotationId: number; revision: RevisionInfo } | null;
  /** When not saved: the merged labels (i fastest); else null. */
  mask: Uint8Array | null;
}

/** What each byte of the agreement map means. */
export type AgreementMeasure =
  /** Number of raters giving the label, 0..N (N = raters.length). */
  | 'votes'
  /** STAPLE probability W of the label, round(255 W): 0..255 means 0..1. */
  | 'staple'
  /** Binary entropy of the raters' vote fraction p = votes/N, H = -p log2 p - (1-p) log2 (1-p) bits,
   *  round(255 H): 0 = all agree, 255 = an even split. */
  | 'entropy';

export interface AgreementRequest extends RaterSelection {
  jobId: string;
  /** Label (1..255); default 1. */
  label?: number;
  measure: AgreementMeasure;
  /** Neighbourhood of the disagreement regions: 6 (faces), 18 (+ edges) or 26 (+ corners); default 26. */
  connectivity?: 6 | 18 | 26;
  /** Regions returned, largest first; default 500 (totalRegions says how many exist). */
  maxRegions?: number;
}

/**
 * A connected component of voxels where raters differ for the label (some but not all raters gave it).
 * Ids are 1, 2, ... in order of decreasing volume (ties: lower first voxel index first).
 */
export interface DisagreementRegion {
  id: number;
  voxels: number;
  volumeMl: number;
  /** Inclusive IJK bounding box. */
  bbox: { min: Vec3; max: Vec3 };
  /** Mean voxel index (may fall outside a non-convex region). */
  centroidIJK: Vec3;
  /** centroidIJK through the volume's affine, LPS mm. */
  centroidLPS: Vec3;
  /** A voxel of the region nearest the centroid: where navigation should go. */
  seedIJK: Vec3;
  /** Raters giving the label to at least one voxel of the region. */
  ratersIncluding: number;
  /** Per rater index: voxels of the region the rater gave the label. */
  raterVoxels: number[];
  /** Mean number of raters per voxel of the region (between 0 and N, exclusive). */
  meanVotes: number;
}

export interface AgreementMap {
  /** Handle for adjudication decisions on its regions (main keeps the 16 newest; older ones are recomputed). */
  agreementId: string;
  caseId: number;
  volumeId: number;
  label: number;
  measure: AgreementMeasure;
  raters: RaterRef[];
  dims: Vec3;
  /** One byte per voxel, i + j*nx + k*nx*ny; meaning per `measure`. */
  data: Uint8Array;
  /** data value meaning "complete agreement on the label" for votes: N; else 255. */
  maxValue: number;
  connectivity: 6 | 18 | 26;
  /** Voxels where raters differ; voxels every rater gave the label. */
  disagreementVoxels: number;
  unanimousVoxels: number;
  regions: DisagreementRegion[];
  totalRegions: number;
}

export type DecisionKind = 'seed' | 'take-rater' | 'take-consensus' | 'manual';

export interface AdjudicationDecision {
  id: number;
  adjudicationId: number;
  kind: DecisionKind;
  /** The region decided (null for 'seed' and for a manual edit not tied to a region). */
  region: {
    agreementId: string;
    regionId: number;
    voxels: number;
    bbox: { min: Vec3; max: Vec3 };
  } | null;
  /** seed / take-rater / take-consensus: the revision whose voxels were taken. */
  sourceRevisionId: number | null;
  rationale: string;
  /** The working mask's revision this decision made. */
  resultRevisionId: number;
  /** Voxels whose label changed. */
  voxelsChanged: number;
  decidedBy: string;
  decidedAt: string;
}

export interface SignOffInfo {
  id: number;
  /** The case's reference mask: a derived annotation with method 'reference'. */
  referenceAnnotationId: number;
  referenceRevisionId: number;
  /** The working mask revision that was signed. */
  workingRevisionId: number;
  comment: string | null;
  signedBy: string;
  signedAt: string;
  /** Set when the case was reopened after this sign-off. */
  reopenedBy: string | null;
  reopenedAt: string | null;
  reopenReason: string | null;
}

export interface AdjudicationState {
  id: number;
  caseId: number;
  volumeId: number;
  /** The label adjudicated (the decisions' regions are of this label). */
  label: number;
  /** The reviewer's working reference mask: a derived annotation edited by decisions (and annotation:commit). */
  workingAnnotationId: number;
  headRevisionId: number;
  seedRevisionId: number;
  status: 'open' | 'signed-off';
  startedBy: string;
  startedAt: string;
  /** Oldest first; the first is the seed. */
  decisions: AdjudicationDecision[];
  /** Oldest first; the last one is in force unless reopened. */
  signOffs: SignOffInfo[];
}

export type DecideRequest = {
  adjudicationId: number;
  /** The working mask's head the reviewer sees; refused ('conflict') when it moved. */
  parentRevisionId: number;
  /** Required: why (1..4000 characters). */
  rationale: string;
} & (
  | {
      /** Within the region, the label's voxels become exactly the source revision's. */
      kind: 'take-rater' | 'take-consensus';
      region: { agreementId: string; regionId: number };
      /** take-rater: a manual annotation's revision; take-consensus: a derived one (of the same volume). */
      sourceRevisionId: number;
    }
  | {
      /**
       * A manual edit: `patch` is applied (the labelling tools' MaskPatch); without a patch the decision
       * records the edits already committed to the working annotation since the last decision.
       */
      kind: 'manual';
      region?: { agreementId: string; regionId: number };
      patch?: MaskPatch;
    }
);

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
  /** Every pair's metrics, Fleiss' kappa, each rater vs vote and STAPLE; in a worker, with progress. */
  'consensus:compare': { req: CompareRequest; res: CaseComparison };
  /** A comparison as CSV (one row per pair and label, units in the header) or JSON, for saving. */
  'consensus:export': {
    req: { comparisonId: string; format: 'csv' | 'json' };
    res: { fileName: string; mimeType: string; text: string };
  };
  /** Vote / STAPLE / multi-label STAPLE, stored as a derived annotation with provenance (unless save: false). */
  'consensus:merge': { req: MergeRequest; res: MergeResult };
  /** Per-voxel agreement for the overlay and the ranked disagreement regions. */
  'consensus:agreement': { req: AgreementRequest; res: AgreementMap };
  /** Cancels a compare/merge/agreement job; the job answers 'cancelled'. */
  'consensus:cancel': { req: { jobId: string }; res: { cancelled: boolean } };
  /** The volume's adjudication (the newest), or null when none was started. */
  'adjudication:get': { req: { volumeId: number }; res: AdjudicationState | null };
  /** Starts adjudicating: the working reference mask is a copy of seedRevisionId (a rater or a consensus). */
  'adjudication:start': {
    req: { volumeId: number; seedRevisionId: number; label?: number; rationale?: string };
    res: AdjudicationState;
  };
  /** One decision: a new working revision, a decision row and an audit row. */
  'adjudication:decide': { req: DecideRequest; res: AdjudicationState };
  /** Signs off the working head as the case's reference mask (derived annotation, method 'reference'). */
  'adjudication:signOff': {
    req: { adjudicationId: number; parentRevisionId: number; comment?: string };
    res: AdjudicationState;
  };
  /** Reopens a signed-off case (reason required); the reference stays stored, marked reopened. */
  'adjudication:reopen': { req: { adjudicationId: number; reason: string }; res: AdjudicationState };
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
  /** Progress of a consensus:compare / merge / agreement job. */
  'consensus:progress': ConsensusProgress;
  /** An adjudication changed (decision, sign-off, reopen), from this or another window. */
  'adjudication:changed': {
    adjudicationId: number;
    volumeId: number;
    headRevisionId: number;
    status: 'open' | 'signed-off';
  };
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
  'consensus:compare',
  'consensus:export',
  'consensus:merge',
  'consensus:agreement',
  'consensus:cancel',
  'adjudication:get',
  'adjudication:start',
  'adjudication:decide',
  'adjudication:signOff',
  'adjudication:reopen',
  ...TRAINING_REQUEST_CHANNELS,
] as const satisfies readonly RequestChannel[];

export const EVENT_CHANNELS = [
  'import:progress',
  'annotation:changed',
  'consensus:progress',
  'adjudication:changed',
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

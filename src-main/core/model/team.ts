// A labelling team's entities: who labels which case (assignments), each annotator's submission of a case
// (the review gate), the reviewer's per-case view, and the raters a comparison or merge may use.
import type { RevisionInfo } from './labelling';

/**
 * Where one annotator stands on one case: 'not-started' (assigned, nothing saved), 'in-progress', 'flagged'
 * (asked a question), 'submitted' (read-only to them until returned), 'returned' (a reviewer sent it back
 * with a comment; editable again).
 */
export type AssigneeStatus = 'not-started' | 'in-progress' | 'flagged' | 'submitted' | 'returned';

export interface SubmissionInfo {
  caseId: number;
  annotatorId: number;
  state: 'submitted' | 'returned';
  /** When and by whom the state was set (the annotator for a submission, the reviewer for a return). */
  stateAt: string;
  stateBy: string;
  /** The reviewer's comment of a return; the annotator's note on a submission, if any. */
  comment: string | null;
  /** The latest submission. */
  submittedAt: string;
}

export interface AssigneeInfo {
  annotatorId: number;
  annotatorName: string;
  /** False for someone who labelled the case without being assigned to it. */
  assigned: boolean;
  status: AssigneeStatus;
  submission: SubmissionInfo | null;
  timeSpentSec: number;
}

/** The reviewer's view of a project: one row per case with each assignee's status. */
export interface CaseTeamRow {
  caseId: number;
  caseName: string;
  volumeIds: number[];
  assignees: AssigneeInfo[];
  reviewOpen: boolean;
}

export interface AssignRequest {
  projectId: number;
  /** Profiles with the annotator role. */
  annotatorIds: number[];
  /** Cases of the project; default every case of the project. */
  caseIds?: number[];
  /**
   * Each case to this many of the annotators (1..annotators), least-loaded first; default: each case to every
   * listed annotator.
   */
  perCase?: number;
}

export interface AssignResult {
  projectId: number;
  /** The new (case, annotator) pairs; pairs that already existed are not repeated. */
  added: { caseId: number; annotatorId: number; annotatorName: string }[];
  /** Assignments of each listed annotator in the project after this call. */
  load: { annotatorId: number; annotatorName: string; cases: number }[];
}

/** A possible rater of a volume, and whether the default set holds it. */
export interface RaterCandidate {
  annotationId: number;
  name: string;
  kind: 'manual' | 'derived';
  /** For derived ones: 'reference', 'draft' (an AI draft), 'consensus', 'working' (adjudication's). */
  derivation: 'consensus' | 'draft' | 'reference' | 'working' | null;
  headRevisionId: number | null;
  /** Manual: whether its annotator has submitted the case. */
  submitted: boolean;
  /** Whether the default rater set holds it (submitted manual annotations with a saved mask). */
  byDefault: boolean;
}

/** Who has and has not submitted a case, shown before it is opened for review. */
export interface ReviewReadiness {
  caseId: number;
  reviewOpen: boolean;
  /** Assignees and labellers who have not submitted, with where they stand. */
  pending: { annotatorId: number; annotatorName: string; status: AssigneeStatus }[];
  submitted: { annotatorId: number; annotatorName: string; submittedAt: string }[];
}

/**
 * One annotation's open fork as a profile may see it (services/team/branches.ts): two or more branch tips
 * after bundles from two workstations continued the same revision. Picking a tip makes a new head with its
 * mask; nothing is removed.
 */
export interface AnnotationBranches {
  annotationId: number;
  kind: 'manual' | 'derived';
  /** The annotator (manual) or what made it (derived). */
  authorName: string;
  headRevisionId: number | null;
  /** The newest revision every branch continues; null when the branches share none. */
  forkedAfter: number | null;
  /** The branch tips, the head first. */
  tips: RevisionInfo[];
}

/** A reviewer's three-way merge of two branch tips (annotation:mergeBranches). */
export interface MergeBranchesResult {
  /** The new head: tool 'merge-branches', provenance mergedBranches {tips, base, primary, conflicts}. */
  revision: RevisionInfo;
  /** The revision after which the tips forked (the merge's base); null when they share none. */
  base: number | null;
  /** Voxels both tips changed to different labels (they took the primary tip's label). */
  conflicts: number;
}

// Labelling's entities: a project's labels, annotations (an annotator's or a derivation's mask of a
// volume) with their revisions, mask data and changes (index layout i + j*nx + k*nx*ny, i fastest, on the
// volume's grid), the worklist and a case's review state.
import type { Vec3 } from '../geometry/affine';

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
  /** Whether the case is assigned to this annotator (false: they labelled it unassigned). */
  assigned: boolean;
  /** The review gate: submitted (read-only to them), returned (with the reviewer's comment), or neither. */
  submission: 'submitted' | 'returned' | null;
  /** The reviewer's comment when returned. */
  returnComment: string | null;
}

export interface CaseReviewState {
  caseId: number;
  /** When the case was opened for review (unblinding everyone's annotations), or null. */
  reviewOpenedAt: string | null;
  reviewOpenedBy: string | null;
}

// Consensus's entities: raters (annotations at a revision), comparisons, merges, the agreement map with its
// disagreement regions, and adjudication with its decisions and sign-offs. Index layout of every voxel
// array: i + j*nx + k*nx*ny (i fastest) on the volume's grid. IJK are voxel indices; LPS is patient space in
// mm (VolumeMeta.affineLPS). Lengths are mm, volumes mL (1 mL = 1000 mm^3).
import type { Vec3 } from '../geometry/affine';
import type { PairMetrics } from '../metrics/compare';
import type { KappaRegion } from '../metrics/kappa';
import type { MetricName } from '../metrics/definitions';
import type { RevisionInfo } from './labelling';

export type { PairMetrics, KappaRegion, MetricName };
export type { TiePolicy } from '../consensus/vote';

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

export type MergeMethod = 'vote' | 'staple' | 'mstaple';

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

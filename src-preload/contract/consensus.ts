// Consensus's channels: compare raters, merge, agreement map, adjudication and sign-off.
//
// Every channel below is for reviewers and admins only, and only on a case opened for review
// ('case:openReview'): anyone else gets 'forbidden', so blinding holds (an annotator never receives another
// rater's voxels or figures through them). Index layout of every voxel array: i + j*nx + k*nx*ny (i fastest)
// on the volume's grid. IJK are voxel indices; LPS is patient space in mm (VolumeMeta.affineLPS). Lengths
// are mm, volumes mL (1 mL = 1000 mm^3).
import type {
  AdjudicationState,
  AgreementMap,
  AgreementMeasure,
  CaseComparison,
  MaskPatch,
  MergeMethod,
  MergeResult,
  RaterCandidate,
  RaterSelection,
  TiePolicy,
} from '../../src-main/core/model';

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

export interface ConsensusProgress {
  jobId: string;
  /** 0..1 */
  fraction: number;
  /** Short stage name ("reading", "distances", "staple", "regions", ...). */
  stage: string;
}

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

export interface ConsensusRequests {
  /** The volume's possible raters: which the default set holds (submitted manual annotations) and which not. */
  'consensus:raters': { req: { volumeId: number }; res: RaterCandidate[] };
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

export interface ConsensusEvents {
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

export const CONSENSUS_REQUEST_CHANNELS = [
  'consensus:raters',
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
] as const satisfies readonly (keyof ConsensusRequests)[];

export const CONSENSUS_EVENT_CHANNELS = [
  'consensus:progress',
  'adjudication:changed',
] as const satisfies readonly (keyof ConsensusEvents)[];

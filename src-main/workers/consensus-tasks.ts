// The consensus computations a worker can run, as plain data in and out: one dispatcher that both the
// worker thread and in-process callers (tests, the CLI) use, so a result never depends on where it ran.
import type { ComputeControl } from '../core/compute/control';
import {
  multiLabelStaple,
  type MultiLabelStapleOptions,
  type MultiLabelStapleResult,
} from '../core/consensus/multi-label-staple';
import { staple, type StapleOptions, type StapleResult } from '../core/consensus/staple';
import { majorityVote, type VoteOptions, type VoteResult } from '../core/consensus/vote';
import { compareRaters, type CompareOptions, type ComparisonResult } from '../core/metrics/compare';
import type { MaskGrid } from '../core/metrics/grid';
import { raterAgreementMap, type AgreementOptions, type AgreementResult } from '../core/consensus/agreement';
import {
  compareWithConsensus,
  type CaseCompareOptions,
  type CaseCompareResult,
} from '../core/consensus/versus-consensus';

/** Raters' masks on one grid (index i + j*nx + k*nx*ny), in rater order. */
export type ConsensusTask =
  | { kind: 'compare'; masks: Uint8Array[]; grid: MaskGrid; options: CompareOptions }
  | { kind: 'vote'; masks: Uint8Array[]; grid: MaskGrid; options: VoteOptions }
  | { kind: 'staple'; masks: Uint8Array[]; grid: MaskGrid; options: StapleOptions }
  | { kind: 'mstaple'; masks: Uint8Array[]; grid: MaskGrid; options: MultiLabelStapleOptions }
  /** Every pair, Fleiss' kappa, and each rater against the vote and STAPLE per label. */
  | { kind: 'caseCompare'; masks: Uint8Array[]; grid: MaskGrid; options: CaseCompareOptions }
  /** Per-voxel agreement map and the disagreement regions with their voxels. */
  | { kind: 'agreement'; masks: Uint8Array[]; grid: MaskGrid; options: AgreementOptions };

export interface ConsensusResults {
  compare: ComparisonResult;
  vote: VoteResult;
  staple: StapleResult;
  mstaple: MultiLabelStapleResult;
  caseCompare: CaseCompareResult;
  agreement: AgreementResult;
}

export type ConsensusResult = ConsensusResults[ConsensusTask['kind']];

export function runConsensusTask<K extends ConsensusTask['kind']>(
  task: Extract<ConsensusTask, { kind: K }>,
  control?: ComputeControl,
): ConsensusResults[K] {
  const t = task as ConsensusTask;
  switch (t.kind) {
    case 'compare':
      return compareRaters(t.masks, t.grid, t.options, control) as ConsensusResults[K];
    case 'vote':
      return majorityVote(t.masks, t.options, control) as ConsensusResults[K];
    case 'staple':
      return staple(t.masks, t.options, control) as ConsensusResults[K];
    case 'mstaple':
      return multiLabelStaple(t.masks, t.options, control) as ConsensusResults[K];
    case 'caseCompare':
      return compareWithConsensus(t.masks, t.grid, t.options, control) as ConsensusResults[K];
    case 'agreement':
      return raterAgreementMap(t.masks, t.grid.dims, t.options, control) as ConsensusResults[K];
  }
}

/** The big arrays of a result (masks, probability maps), to transfer rather than copy. */
export function resultBuffers(result: ConsensusResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  if ('mask' in result) out.push(result.mask.buffer as ArrayBuffer);
  if ('regionVoxels' in result) {
    out.push(result.map.buffer as ArrayBuffer);
    out.push(result.regionOffsets.buffer as ArrayBuffer, result.regionVoxels.buffer as ArrayBuffer);
  }
  if ('probability' in result && result.probability) out.push(result.probability.buffer as ArrayBuffer);
  return out;
}

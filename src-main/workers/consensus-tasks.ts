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

/** Raters' masks on one grid (index i + j*nx + k*nx*ny), in rater order. */
export type ConsensusTask =
  | { kind: 'compare'; masks: Uint8Array[]; grid: MaskGrid; options: CompareOptions }
  | { kind: 'vote'; masks: Uint8Array[]; grid: MaskGrid; options: VoteOptions }
  | { kind: 'staple'; masks: Uint8Array[]; grid: MaskGrid; options: StapleOptions }
  | { kind: 'mstaple'; masks: Uint8Array[]; grid: MaskGrid; options: MultiLabelStapleOptions };

export interface ConsensusResults {
  compare: ComparisonResult;
  vote: VoteResult;
  staple: StapleResult;
  mstaple: MultiLabelStapleResult;
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
  }
}

/** The big arrays of a result (masks, probability maps), to transfer rather than copy. */
export function resultBuffers(result: ConsensusResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  if ('mask' in result) out.push(result.mask.buffer as ArrayBuffer);
  if ('probability' in result && result.probability) out.push(result.probability.buffer as ArrayBuffer);
  return out;
}

// The comparison behind the reviewer's matrix: every pair of raters (metrics/compare.ts), Fleiss' kappa, and
// each rater against two consensus masks of each label, the binary majority vote (vote.ts, with the caller's
// tie policy) and binary STAPLE (staple.ts, ITK's defaults: mask = W > 0.5).
//
// Rater vs consensus: the pair metrics of (rater as A, consensus as B) for the label, each pair's kappa over
// its own region (the union's bounding box grown by the margin). Sensitivity and specificity: STAPLE's own
// EM estimates; for the vote, the rater's voxels against the voted mask with undecided (tied) voxels left
// out of both counts (rater-agreement.ts). In the pair metrics an undecided voxel is "not the label".
import { checkpoint, subControl, type ComputeControl } from '../compute/control';
import {
  compareRaters,
  comparePair,
  type CompareOptions,
  type ComparisonResult,
  type PairMetrics,
} from '../metrics/compare';
import type { MaskGrid } from '../metrics/grid';
import { raterAgreement } from './rater-agreement';
import { staple } from './staple';
import { majorityVote, type TiePolicy } from './vote';

export interface CaseCompareOptions extends CompareOptions {
  /** Tie policy of the vote the raters are compared against; default 'undecided'. */
  ties?: TiePolicy;
}

export interface RaterVersusConsensus extends Omit<PairMetrics, 'a' | 'b'> {
  rater: number;
  sensitivity: number | null;
  specificity: number | null;
}

export interface VersusConsensusResult {
  method: 'vote' | 'staple';
  label: number;
  iterations: number | null;
  consensusVoxels: number;
  undecidedVoxels: number;
  raters: RaterVersusConsensus[];
}

export interface CaseCompareResult extends ComparisonResult {
  versusConsensus: VersusConsensusResult[];
}

export function compareWithConsensus(
  masks: Uint8Array[],
  grid: MaskGrid,
  opts: CaseCompareOptions = {},
  control?: ComputeControl,
): CaseCompareResult {
  const comparison = compareRaters(masks, grid, opts, subControl(control, 0, 0.5));
  const versusConsensus: VersusConsensusResult[] = [];
  const labels = comparison.labels;
  const R = masks.length;
  const steps = Math.max(1, labels.length * 2);
  let step = 0;
  const part = () => subControl(control, 0.5 + (0.5 * step) / steps, 0.5 + (0.5 * (step + 1)) / steps);
  const versus = (
    method: 'vote' | 'staple',
    label: number,
    consensus: Uint8Array,
    estimates: { sensitivity: number | null; specificity: number | null }[],
    c: ComputeControl | undefined,
  ): RaterVersusConsensus[] =>
    masks.map((m, r) => ({
      rater: r,
      ...comparePair(
        m,
        consensus,
        grid,
        label,
        { toleranceMm: opts.toleranceMm, kappaMarginMm: opts.kappaMarginMm },
        subControl(c, r / R, (r + 1) / R),
      ),
      sensitivity: estimates[r]?.sensitivity ?? null,
      specificity: estimates[r]?.specificity ?? null,
    }));
  for (const label of labels) {
    const v = majorityVote(masks, { label, ties: opts.ties ?? 'undecided' }, subControl(part(), 0, 0.2));
    const undecided = v.parameters.ties === 'undecided' ? v.parameters.undecidedLabel : null;
    versusConsensus.push({
      method: 'vote',
      label,
      iterations: null,
      consensusVoxels: v.foregroundVoxels,
      undecidedVoxels: v.undecidedVoxels,
      raters: versus(
        'vote',
        label,
        v.mask,
        raterAgreement(masks, v.mask, label, undecided),
        subControl(part(), 0.2, 1),
      ),
    });
    step++;
    const s = staple(masks, { label, probabilityMap: false }, subControl(part(), 0, 0.3));
    versusConsensus.push({
      method: 'staple',
      label,
      iterations: s.iterations,
      consensusVoxels: s.foregroundVoxels,
      undecidedVoxels: s.undecidedVoxels,
      raters: versus(
        'staple',
        label,
        s.mask,
        s.sensitivity.map((p, r) => ({ sensitivity: p, specificity: s.specificity[r] ?? null })),
        subControl(part(), 0.3, 1),
      ),
    });
    step++;
  }
  checkpoint(control, 1, 'compare');
  return { ...comparison, versusConsensus };
}

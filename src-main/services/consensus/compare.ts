// Comparing a case's raters: every pair's metrics per label, Fleiss' kappa, and each rater against the
// majority vote and STAPLE (core/consensus/versus-consensus.ts), computed by the consensus runner (a worker
// thread in the app). Definitions and units travel with the numbers so that the UI and exports quote them.
import { randomUUID } from 'node:crypto';
import type { CaseComparison, CompareRequest } from '@contract';
import { METRIC_DEFINITIONS } from '../../core/metrics/definitions';
import type { MaskStore } from '../masks/mask-store';
import type { ConsensusRunner, RunOptions } from './runner';
import { loadMasks, requireLabelPresent, selectRaters } from './raters';

/** Unit of each numeric field of PairMetrics ('' for ratios and kappas). */
export const METRIC_UNITS: Record<string, string> = {
  dice: '',
  jaccard: '',
  volumeA_ml: 'mL',
  volumeB_ml: 'mL',
  volumeDifferenceMl: 'mL',
  absVolumeDifferenceMl: 'mL',
  volumeDifferencePercent: '%',
  volumeSimilarity: '',
  hausdorff: 'mm',
  averageHausdorff: 'mm',
  hd95: 'mm',
  assd: 'mm',
  surfaceDice: '',
  toleranceMm: 'mm',
  voxelsA: 'voxels',
  voxelsB: 'voxels',
  voxelsBoth: 'voxels',
  boundaryVoxelsA: 'voxels',
  boundaryVoxelsB: 'voxels',
  cohenKappa: '',
  sensitivity: '',
  specificity: '',
};

export type CompareInput = Omit<CompareRequest, 'jobId'>;

export async function compareCase(
  store: MaskStore,
  runner: ConsensusRunner,
  req: CompareInput,
  opts: RunOptions = {},
): Promise<CaseComparison> {
  const sel = selectRaters(store, req, 2, 'a comparison');
  if (req.label !== undefined) requireLabelPresent(sel, req.label);
  const progress = opts.onProgress;
  const masks = await loadMasks(store, sel, (f, s) => progress?.(0.1 * f, s));
  const toleranceMm = req.toleranceMm ?? 1;
  const kappaMarginMm = req.kappaMarginMm ?? 5;
  const r = await runner(
    {
      kind: 'caseCompare',
      masks,
      grid: sel.grid,
      options: { label: req.label, toleranceMm, kappaMarginMm, ties: req.ties },
    },
    { signal: opts.signal, onProgress: (f, s) => progress?.(0.1 + 0.9 * f, s) },
  );
  return {
    comparisonId: randomUUID(),
    caseId: sel.volume.caseId,
    volumeId: sel.volume.id,
    raters: sel.raters,
    grid: { dims: sel.grid.dims, spacing: sel.grid.spacing, voxelMl: sel.grid.voxelMl },
    labels: r.labels,
    toleranceMm,
    kappaMarginMm,
    pairs: r.pairs,
    fleiss: r.fleiss,
    versusConsensus: r.versusConsensus,
    definitions: { ...METRIC_DEFINITIONS },
    units: { ...METRIC_UNITS },
    computedAt: new Date().toISOString(),
  };
}

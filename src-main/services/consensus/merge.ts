// Merging a case's raters (majority vote, STAPLE, multi-label STAPLE) in the consensus runner, and storing
// the result as a derived annotation (services/masks/derived.ts) named after the method, whose revision's
// provenance holds the method, every parameter in force, and the input revision ids.
import type { MergeRequest, MergeResult, RaterRef } from '@contract';
import { raterAgreement } from '../../core/consensus/rater-agreement';
import { InputError } from '../../core/errors';
import { toRevisionInfo } from '../../db/repositories/revisions';
import type { Workspace } from '../../workspace/workspace';
import { saveDerivedMask } from '../masks/derived';
import type { MaskStore } from '../masks/mask-store';
import type { ConsensusRunner, RunOptions } from './runner';
import { loadMasks, raterSetOf, requireLabelPresent, selectRaters } from './raters';

export const METHOD_NAMES = {
  vote: 'majority vote',
  staple: 'STAPLE',
  mstaple: 'multi-label STAPLE',
} as const;

export type MergeInput = Omit<MergeRequest, 'jobId'> & {
  /** STAPLE / multi-label STAPLE: also compute the probability map of the label (CLI --prob). */
  probabilityMap?: boolean;
};

/** The wire result, plus the merged labels and (when asked) the probability map, for the CLI's files. */
export interface MergeOutcome {
  result: MergeResult;
  mask: Uint8Array;
  probability: Float32Array | null;
}

interface Summary {
  parameters: Record<string, unknown>;
  mask: Uint8Array;
  estimates: { sensitivity: number | null; specificity: number | null }[];
  iterations: number | null;
  converged: boolean | null;
  foregroundVoxels: number;
  undecidedVoxels: number;
  tiedVoxels: number | null;
  confusion: number[][][] | null;
  priors: number[] | null;
  probability: Float32Array | null;
}

/** What binary and multi-label STAPLE share: per-rater estimates, iterations, counts, probability map. */
type StapleLike = Pick<Summary, 'mask' | 'foregroundVoxels' | 'undecidedVoxels' | 'probability'> & {
  parameters: object;
  sensitivity: (number | null)[];
  specificity: (number | null)[];
  iterations: number;
  converged: boolean;
};

function stapleSummary(r: StapleLike, confusion: Summary['confusion'], priors: number[]): Summary {
  return {
    parameters: { ...r.parameters },
    mask: r.mask,
    estimates: r.sensitivity.map((p, i) => ({ sensitivity: p, specificity: r.specificity[i] ?? null })),
    iterations: r.iterations,
    converged: r.converged,
    foregroundVoxels: r.foregroundVoxels,
    undecidedVoxels: r.undecidedVoxels,
    tiedVoxels: null,
    confusion,
    priors,
    probability: r.probability,
  };
}

export async function mergeCase(
  ws: Workspace,
  store: MaskStore,
  runner: ConsensusRunner,
  req: MergeInput,
  author: string,
  opts: RunOptions = {},
): Promise<MergeOutcome> {
  if (!(req.method in METHOD_NAMES))
    throw new InputError(undefined, 'method must be vote, staple or mstaple');
  if (req.ties !== undefined && req.method !== 'vote')
    throw new InputError(undefined, 'ties applies to the vote only');
  const sel = selectRaters(store, req, 2, METHOD_NAMES[req.method]);
  const label = req.label ?? 1;
  if (req.method !== 'vote' || req.label !== undefined) requireLabelPresent(sel, label);
  const progress = opts.onProgress;
  const masks = await loadMasks(store, sel, (f, s) => progress?.(0.1 * f, s));
  const run = { signal: opts.signal, onProgress: (f: number, s: string) => progress?.(0.1 + 0.8 * f, s) };
  const { grid } = sel;
  let s: Summary;
  if (req.method === 'vote') {
    const r = await runner(
      {
        kind: 'vote',
        masks,
        grid,
        options: { label: req.label, ties: req.ties, undecidedLabel: req.undecidedLabel },
      },
      run,
    );
    s = {
      parameters: { ...r.parameters },
      mask: r.mask,
      estimates: raterAgreement(
        r.masks,
        r.mask,
        label,
        r.parameters.ties === 'undecided' ? r.parameters.undecidedLabel : null,
      ),
      iterations: null,
      converged: null,
      foregroundVoxels: r.foregroundVoxels,
      undecidedVoxels: r.undecidedVoxels,
      tiedVoxels: r.tiedVoxels,
      confusion: null,
      priors: null,
      probability: null,
    };
  } else if (req.method === 'staple') {
    const r = await runner(
      {
        kind: 'staple',
        masks,
        grid,
        options: {
          label,
          threshold: req.threshold,
          confidenceWeight: req.confidenceWeight,
          maxIterations: req.maxIterations,
          probabilityMap: req.probabilityMap === true,
        },
      },
      run,
    );
    s = stapleSummary(r, null, [1 - r.prior, r.prior]);
  } else {
    const r = await runner(
      {
        kind: 'mstaple',
        masks,
        grid,
        options: {
          label,
          undecidedLabel: req.undecidedLabel,
          maxIterations: req.maxIterations,
          probabilityMap: req.probabilityMap === true,
        },
      },
      run,
    );
    s = stapleSummary(r, r.confusion, r.priors);
  }
  const parameters = { algorithm: req.method, ...s.parameters };
  let saved: MergeResult['saved'] = null;
  if (req.save !== false) {
    progress?.(0.9, 'saving');
    const stored = await saveDerivedMask(ws, {
      volumeId: sel.volume.id,
      labels: s.mask,
      author,
      tool: req.method,
      derivation: {
        method: METHOD_NAMES[req.method],
        parameters: {
          ...parameters,
          raters: sel.raters.map(({ annotationId, revisionId, name }) => ({
            annotationId,
            revisionId,
            name,
          })),
          raterSet: raterSetOf(sel),
        },
        inputRevisionIds: sel.raters.map((r) => r.revisionId),
      },
    });
    saved = { annotationId: stored.annotationId, revision: toRevisionInfo(stored.revision) };
  }
  progress?.(1, 'done');
  const result: MergeResult = {
    method: req.method,
    caseId: sel.volume.caseId,
    volumeId: sel.volume.id,
    parameters,
    raters: sel.raters.map((r: RaterRef, i) => ({
      ...r,
      sensitivity: s.estimates[i]?.sensitivity ?? null,
      specificity: s.estimates[i]?.specificity ?? null,
    })),
    iterations: s.iterations,
    converged: s.converged,
    foregroundVoxels: s.foregroundVoxels,
    undecidedVoxels: s.undecidedVoxels,
    tiedVoxels: s.tiedVoxels,
    confusion: s.confusion,
    priors: s.priors,
    saved,
    mask: saved ? null : s.mask,
  };
  return { result, mask: s.mask, probability: s.probability };
}

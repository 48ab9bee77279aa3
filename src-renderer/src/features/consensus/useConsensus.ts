// Everything the review of one volume holds: the jobs (compare, merge, agreement map: one each, so that
// each section shows its own progress and message), the last comparison and merge of this volume, the
// agreement overlay with region navigation, and the adjudication. Called by the app for the open volume
// when a reviewer or admin has the consensus panel open (null otherwise: nothing is asked of main). Every job
// runs on the rater set the reviewer ticked (RaterPicker), else on main's default set.
import { useState } from 'react';
import type { Vec3 } from '@core/geometry/affine';
import type { CaseComparison, MergeResult } from '@contract';
import type { Adjudication } from './useAdjudication';
import { useAdjudication } from './useAdjudication';
import type { Agreement } from './useAgreement';
import { useAgreement } from './useAgreement';
import type { ConsensusJob } from './useConsensusJob';
import { useConsensusJob } from './useConsensusJob';

export interface Consensus {
  volumeId: number | null;
  label: number;
  compareJob: ConsensusJob;
  mergeJob: ConsensusJob;
  agreementJob: ConsensusJob;
  comparison: CaseComparison | null;
  setComparison(c: CaseComparison): void;
  merge: MergeResult | null;
  setMerge(m: MergeResult): void;
  agreement: Agreement;
  adjudication: Adjudication;
  /** The ticked rater set of this volume (annotation ids), or null for the default (submitted) set. */
  raters: number[] | null;
  setRaters(ids: number[] | null): void;
}

const NO_DIMS: Vec3 = [0, 0, 0];

export function useConsensus(volume: { id: number; dims: Vec3 } | null, label: number): Consensus {
  const volumeId = volume?.id ?? null;
  const [ratersAny, setRatersAny] = useState<{ volumeId: number | null; ids: number[] | null }>({
    volumeId: null,
    ids: null,
  });
  const raters = ratersAny.volumeId === volumeId ? ratersAny.ids : null;
  const compareJob = useConsensusJob(raters);
  const mergeJob = useConsensusJob(raters);
  const agreementJob = useConsensusJob(raters);
  const [comparisonAny, setComparison] = useState<CaseComparison | null>(null);
  const [mergeAny, setMerge] = useState<MergeResult | null>(null);
  const agreement = useAgreement(volumeId, label, agreementJob);
  const adjudication = useAdjudication(volumeId, volume?.dims ?? NO_DIMS);
  return {
    volumeId,
    label,
    compareJob,
    mergeJob,
    agreementJob,
    comparison: comparisonAny?.volumeId === volumeId ? comparisonAny : null,
    setComparison,
    merge: mergeAny?.volumeId === volumeId ? mergeAny : null,
    setMerge,
    agreement,
    adjudication,
    raters,
    setRaters: (ids) => setRatersAny({ volumeId, ids }),
  };
}

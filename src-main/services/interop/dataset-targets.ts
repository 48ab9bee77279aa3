// The label mask of each case for a data set: the chosen target (reference, vote, staple, one annotator),
// multi-label, on the case's volume grid (i fastest), from the same case plan as training (planTargets) and
// the same merges as `concord consensus --workspace` (mergeCase, in this process, nothing saved):
//  - vote: majority vote over every label, ties to background (a training label cannot be "undecided");
//  - staple: STAPLE (ITK's, threshold 0.5) when the case's raters use one label, multi-label STAPLE when
//    they use more; a voxel multi-label STAPLE leaves undecided becomes background (counted);
//  - reference / annotator:<name>: that revision's labels as they are.
import type { TrainingTarget } from '../../core/model';
import { getAnnotation } from '../../db/repositories/annotations';
import { getRevision } from '../../db/repositories/revisions';
import type { Workspace } from '../../workspace/workspace';
import { mergeCase, METHOD_NAMES } from '../consensus/merge';
import { inProcessRunner } from '../consensus/runner';
import { MaskStore } from '../masks/mask-store';
import { readRevisionLabels } from '../masks/revision-reader';
import type { CasePlan } from '../training/targets';

export interface CaseLabels {
  labels: Uint8Array;
  /** How the labels were made (a merge's name and parameters, or the single revision's kind). */
  method: string;
  parameters: Record<string, unknown>;
  /** The revisions read, with their annotators (null for a derived reference). */
  inputs: { revisionId: number; annotatorId: number | null }[];
  /** multi-label STAPLE: voxels left undecided, written as background. */
  undecidedToBackground: number;
}

export async function caseLabels(ws: Workspace, target: TrainingTarget, plan: CasePlan): Promise<CaseLabels> {
  const store = new MaskStore(ws);
  const revisions = plan.inputs.map((i) => getRevision(ws.db, i.revisionId)!);
  const inputs = revisions.map((r) => ({
    revisionId: r.id,
    annotatorId: getAnnotation(ws.db, r.annotationId)!.annotatorId,
  }));
  if (target !== 'vote' && target !== 'staple') {
    const labels = await readRevisionLabels(ws, revisions[0]!, plan.volume.dims);
    return {
      labels,
      method: target === 'reference' ? 'reference' : 'annotator',
      parameters: {},
      inputs: inputs.slice(0, 1),
      undecidedToBackground: 0,
    };
  }
  const used = new Set<number>();
  if (target === 'staple') {
    for (const r of revisions)
      for (const v of await readRevisionLabels(ws, r, plan.volume.dims)) if (v) used.add(v);
    if (used.size === 0) {
      const n = plan.volume.dims[0] * plan.volume.dims[1] * plan.volume.dims[2];
      return {
        labels: new Uint8Array(n),
        method: 'none (every rater left the case empty)',
        parameters: {},
        inputs,
        undecidedToBackground: 0,
      };
    }
  }
  const method = target === 'vote' ? 'vote' : used.size === 1 ? 'staple' : 'mstaple';
  const { mask, result } = await mergeCase(
    ws,
    store,
    inProcessRunner,
    {
      volumeId: plan.volume.id,
      annotationIds: revisions.map((r) => r.annotationId),
      method,
      ...(method === 'vote' ? { ties: 'background' as const } : {}),
      ...(method === 'staple' ? { label: [...used][0]! } : {}),
      save: false,
    },
    'dataset export',
  );
  let undecided = 0;
  if (method === 'mstaple') {
    const u = result.parameters['undecidedLabel'];
    for (let p = 0; p < mask.length; p++) {
      if (mask[p] === u) {
        mask[p] = 0;
        undecided++;
      }
    }
  }
  return {
    labels: mask,
    method: METHOD_NAMES[method],
    parameters: result.parameters,
    inputs,
    undecidedToBackground: undecided,
  };
}

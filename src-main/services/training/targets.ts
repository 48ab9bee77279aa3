// Training targets from the workspace, per case (DESIGN.md's words: a case's volume and its annotations).
//  - 'agreement' (the default): the share of the case's raters marking each voxel, a soft target
//    (training/data/agreement.ts); the raters are the default rater set of the consensus panel (the case's
//    submitted manual annotations with a saved mask: team/submissions.ts, consensus/raters.ts) or, for a
//    case where nobody has submitted, every manual annotation with a saved mask (the plan says which);
//    one rater or more;
//  - 'reference': the case's signed-off reference mask: a derived annotation whose head revision's
//    provenance method is 'reference' (stored by the sign-off with saveDerivedMask);
//  - 'vote': the majority vote of the case's annotators (core/consensus/vote.ts, ITK's LabelVoting on the
//    label; a tie is background); needs two annotators or more;
//  - 'staple': STAPLE's foreground probability (core/consensus/staple.ts) as a soft target; two or more;
//  - 'annotator:<name>': that annotator's mask.
// Annotators' masks are their annotations' head revisions. A case is the first of its volumes that has
// what the target needs. Targets are bytes 0..255 on the volume's grid: 255 * foreground probability
// (0 or 255 for hard targets).
import type { TrainingTarget } from '../../core/model';
import { InputError } from '../../core/errors';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { listAnnotationsOfVolume, type AnnotationRow } from '../../db/repositories/annotations';
import { isSubmitted } from '../../db/repositories/team';
import { listCases } from '../../db/repositories/projects';
import { getRevision } from '../../db/repositories/revisions';
import { listVolumes } from '../../db/repositories/volumes';
import type { VolumeMeta } from '../../core/model';
import type { Workspace } from '../../workspace/workspace';
import { combineMasks } from '../../training/process/prepare-dataset';
import { labelPlanes } from '../../training/data/multi-label';
import { readRevisionLabels } from '../masks/revision-reader';

export const REFERENCE_METHOD = 'reference';

export function parseTarget(text: string): TrainingTarget {
  if (text === 'agreement' || text === 'reference' || text === 'vote' || text === 'staple') return text;
  if (text.startsWith('annotator:') && text.length > 'annotator:'.length) return text as TrainingTarget;
  throw new InputError(
    undefined,
    `target must be agreement, reference, vote, staple or annotator:<name> (got '${text}')`,
  );
}

export interface CaseTarget {
  caseId: number;
  caseName: string;
  volume: VolumeMeta;
  /** 0..255 per voxel of the volume; with several labels, one such plane per label, in their order
   *  (training/data/multi-label.ts). */
  target: Uint8Array;
  soft: boolean;
  /** The revisions the target was computed from. */
  revisionIds: number[];
}

export interface TargetSelection {
  cases: CaseTarget[];
  /** Cases left out, with why (shown with the run). */
  skipped: { caseId: number; caseName: string; reason: string }[];
}

interface Input {
  revisionId: number;
  annotation: AnnotationRow;
}

/** Which raters a case's agreement came from: its submitted annotations, or (none submitted) all. */
export type RaterSource = 'submitted' | 'all manual';

function manualHeads(annotations: AnnotationRow[]): Input[] {
  return annotations
    .filter((a) => a.kind === 'manual' && a.headRevisionId !== null)
    .map((a) => ({ revisionId: a.headRevisionId!, annotation: a }));
}

function referenceHead(ws: Workspace, annotations: AnnotationRow[]): Input | undefined {
  for (const a of annotations) {
    if (a.kind !== 'derived' || a.headRevisionId === null) continue;
    const head = getRevision(ws.db, a.headRevisionId);
    if (head?.provenance['method'] === REFERENCE_METHOD) return { revisionId: head.id, annotation: a };
  }
  return undefined;
}

async function binaryMask(ws: Workspace, revisionId: number, volume: VolumeMeta, label: number) {
  const rev = getRevision(ws.db, revisionId)!;
  const labels = await readRevisionLabels(ws, rev, volume.dims);
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === label ? 1 : 0;
  return out;
}

function inputsFor(
  ws: Workspace,
  target: TrainingTarget,
  annotations: AnnotationRow[],
  annotatorId: number | undefined,
): { inputs: Input[]; raters?: RaterSource } | string {
  const r = inputsOf(ws, target, annotations, annotatorId);
  if (typeof r === 'string' || target !== 'agreement') return typeof r === 'string' ? r : { inputs: r };
  const submitted = r.filter((h) => isSubmitted(ws.db, h.annotation.caseId, h.annotation.annotatorId!));
  return submitted.length > 0
    ? { inputs: submitted, raters: 'submitted' }
    : { inputs: r, raters: 'all manual' };
}

function inputsOf(
  ws: Workspace,
  target: TrainingTarget,
  annotations: AnnotationRow[],
  annotatorId: number | undefined,
): Input[] | string {
  if (target === 'agreement') {
    const heads = manualHeads(annotations);
    return heads.length > 0 ? heads : 'no annotator mask';
  }
  if (target === 'reference') {
    const r = referenceHead(ws, annotations);
    return r ? [r] : 'no signed-off reference mask';
  }
  const heads = manualHeads(annotations);
  if (target === 'vote' || target === 'staple') {
    return heads.length >= 2 ? heads : `${heads.length} annotator mask(s); ${target} needs two or more`;
  }
  const own = heads.filter((h) => h.annotation.annotatorId === annotatorId);
  return own.length ? own : `no mask by ${target.slice('annotator:'.length)}`;
}

export interface CasePlan {
  caseId: number;
  caseName: string;
  volume: VolumeMeta;
  /** The revisions the target is computed from (their blobs may be deltas: read them with
   *  readRevisionLabels, or hand snapshotBlobOf's whole-mask blobs to a reader of files). */
  inputs: { revisionId: number }[];
  /** For the agreement: whether its raters are the case's submitted annotations or (none submitted) all. */
  raters?: RaterSource;
}

export interface TargetPlan {
  combine: 'agreement' | 'vote' | 'staple' | 'single';
  cases: CasePlan[];
  /** The label values the planned masks use (ascending; from each revision's recorded voxel counts). */
  usedLabels: number[];
  /** Cases left out, with why (shown with the run). */
  skipped: { caseId: number; caseName: string; reason: string }[];
}

/** Which revisions make each case's target (database only, no voxels). Throws InputError when no case
 *  of the project has a target of this kind. */
export function planTargets(ws: Workspace, projectId: number, target: TrainingTarget): TargetPlan {
  let annotatorId: number | undefined;
  if (target.startsWith('annotator:')) {
    const name = target.slice('annotator:'.length);
    const a = findAnnotatorByName(ws.db, name);
    if (!a) throw new InputError(undefined, `no annotator named '${name}' in this workspace`);
    annotatorId = a.id;
  }
  const plan: TargetPlan = {
    combine:
      target === 'agreement'
        ? 'agreement'
        : target === 'vote'
          ? 'vote'
          : target === 'staple'
            ? 'staple'
            : 'single',
    cases: [],
    usedLabels: [],
    skipped: [],
  };
  const used = new Set<number>();
  for (const c of listCases(ws.db, projectId)) {
    let why = 'no volume';
    let found: CasePlan | undefined;
    for (const volume of listVolumes(ws.db, c.id)) {
      const chosen = inputsFor(ws, target, listAnnotationsOfVolume(ws.db, volume.id), annotatorId);
      if (typeof chosen === 'string') why = chosen;
      else {
        found = {
          caseId: c.id,
          caseName: c.name,
          volume,
          inputs: chosen.inputs.map((i) => ({ revisionId: i.revisionId })),
          ...(chosen.raters ? { raters: chosen.raters } : {}),
        };
        break;
      }
    }
    if (found) {
      plan.cases.push(found);
      for (const i of found.inputs)
        for (const [v, n] of Object.entries(getRevision(ws.db, i.revisionId)?.labelVoxels ?? {}))
          if (n > 0 && Number(v) > 0) used.add(Number(v));
    } else plan.skipped.push({ caseId: c.id, caseName: c.name, reason: why });
  }
  plan.usedLabels = [...used].sort((a, b) => a - b);
  if (plan.cases.length === 0) {
    const hint =
      target === 'reference'
        ? 'this project has no signed-off reference masks (sign off cases first, or train on vote, staple or annotator:<name>)'
        : `no case of this project has a ${target} target`;
    const first = plan.skipped[0];
    throw new InputError(undefined, first ? `${hint}; e.g. case ${first.caseName}: ${first.reason}` : hint);
  }
  return plan;
}

/** The targets computed here, in this process (tests, scripts); training computes them in the trainer
 *  process from the same plan (training/process/prepare-dataset.ts). */
export async function selectTargets(
  ws: Workspace,
  projectId: number,
  target: TrainingTarget,
  label: number | number[],
): Promise<TargetSelection> {
  const plan = planTargets(ws, projectId, target);
  const out: TargetSelection = { cases: [], skipped: plan.skipped };
  const labels = typeof label === 'number' ? [label] : label;
  for (const c of plan.cases) {
    const read = async (revisionId: number) =>
      readRevisionLabels(ws, getRevision(ws.db, revisionId)!, c.volume.dims);
    out.cases.push({
      caseId: c.caseId,
      caseName: c.caseName,
      volume: c.volume,
      target:
        labels.length > 1
          ? labelPlanes(plan.combine, await Promise.all(c.inputs.map((i) => read(i.revisionId))), labels)
          : combineMasks(
              plan.combine,
              await Promise.all(c.inputs.map((i) => binaryMask(ws, i.revisionId, c.volume, labels[0]!))),
            ),
      soft: plan.combine === 'staple' || plan.combine === 'agreement',
      revisionIds: c.inputs.map((i) => i.revisionId),
    });
  }
  return out;
}

export interface UnlabelledCase {
  caseId: number;
  caseName: string;
  volume: VolumeMeta;
}

/** The project's unlabelled cases, for a semi-supervised run's pseudo-labels: cases with a volume and, on
 *  none of their volumes, a manual annotation with a saved mask or a signed-off reference (an AI draft
 *  alone leaves a case unlabelled: it is the model's word, not an expert's). A case's first volume. */
export function planUnlabelled(ws: Workspace, projectId: number): UnlabelledCase[] {
  const out: UnlabelledCase[] = [];
  for (const c of listCases(ws.db, projectId)) {
    const volumes = listVolumes(ws.db, c.id);
    if (volumes.length === 0) continue;
    const labelled = volumes.some((v) => {
      const annotations = listAnnotationsOfVolume(ws.db, v.id);
      return manualHeads(annotations).length > 0 || referenceHead(ws, annotations) !== undefined;
    });
    if (!labelled) out.push({ caseId: c.id, caseName: c.name, volume: volumes[0]! });
  }
  return out;
}

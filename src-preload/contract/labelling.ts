// Labelling's channels: labels, annotations with revisions (blinding applies to every read), the worklist
// and opening a case for review.
import type {
  AnnotationInfo,
  CaseReviewState,
  LabelInfo,
  MaskData,
  MaskPatch,
  RevisionInfo,
  WorkStatus,
  WorklistRow,
} from '../../src-main/core/model';

export interface LabellingRequests {
  'label:list': { req: { projectId: number }; res: LabelInfo[] };
  'label:save': { req: Omit<LabelInfo, 'id'>; res: LabelInfo };
  /** The annotations of a volume this session may see (blinding applies). */
  'annotation:list': { req: { volumeId: number }; res: AnnotationInfo[] };
  /** The signed-in annotator's own annotation of a volume, created when absent. */
  'annotation:open': { req: { volumeId: number }; res: AnnotationInfo };
  /** A revision's labels (blinding applies). */
  'annotation:mask': { req: { revisionId: number }; res: MaskData };
  /** Saves one finished edit as a new revision; refused ('conflict') when parentRevisionId is not the head. */
  'annotation:commit': {
    req: { annotationId: number; parentRevisionId: number | null; tool: string; patch: MaskPatch };
    res: RevisionInfo;
  };
  'annotation:history': { req: { annotationId: number }; res: RevisionInfo[] };
  /** A new head revision whose labels equal an earlier revision's. */
  'annotation:revert': { req: { annotationId: number; revisionId: number }; res: RevisionInfo };
  'worklist:get': { req: { projectId: number }; res: WorklistRow[] };
  /** The signed-in annotator's next case to work on, or null when all are done. */
  'worklist:next': { req: { projectId: number }; res: { caseId: number; volumeId: number } | null };
  'worklist:setStatus': {
    req: { annotationId: number; status: WorkStatus; comment?: string };
    res: WorklistRow;
  };
  /** Time spent on an annotation (seconds of focused work, reported by the renderer). */
  'worklist:addTime': { req: { annotationId: number; seconds: number }; res: { timeSpentSec: number } };
  /** Reviewer/admin: open a case for review, which unblinds its annotations. */
  'case:openReview': { req: { caseId: number }; res: CaseReviewState };
  'case:reviewState': { req: { caseId: number }; res: CaseReviewState };
}

export interface LabellingEvents {
  /** An annotation got a new head revision (from this or another window). */
  'annotation:changed': { annotationId: number; headRevisionId: number; author: string };
}

export const LABELLING_REQUEST_CHANNELS = [
  'label:list',
  'label:save',
  'annotation:list',
  'annotation:open',
  'annotation:mask',
  'annotation:commit',
  'annotation:history',
  'annotation:revert',
  'worklist:get',
  'worklist:next',
  'worklist:setStatus',
  'worklist:addTime',
  'case:openReview',
  'case:reviewState',
] as const satisfies readonly (keyof LabellingRequests)[];

export const LABELLING_EVENT_CHANNELS = [
  'annotation:changed',
] as const satisfies readonly (keyof LabellingEvents)[];

// A labelling team's channels: projects (modality, labels, rename, archive), moving and removing cases, a
// case's subject, assignments, the reviewer's per-case view, and the review gate (submit, return with a
// comment, who has not submitted before a case is opened for review), and the branches of forked annotations.
import type {
  AnnotationBranches,
  AssignRequest,
  AssignResult,
  CaseInfo,
  CaseTeamRow,
  LabelInfo,
  MergeBranchesResult,
  ProjectInfo,
  ProjectKind,
  ReviewReadiness,
  RevisionInfo,
  SubmissionInfo,
} from '../../src-main/core/model';

export interface TeamRequests {
  /** Reviewer/admin: a project with its modality and labels (default one label, 1 'Lesion'). */
  'project:create': {
    req: {
      name: string;
      modality?: string | null;
      /** Default clinical; research de-identifies at import. */
      kind?: ProjectKind;
      labels?: Omit<LabelInfo, 'id' | 'projectId'>[];
    };
    res: ProjectInfo;
  };
  /** Reviewer/admin: rename, change the modality, archive (true) or restore (false). */
  'project:update': {
    req: { projectId: number; name?: string; modality?: string | null; archived?: boolean };
    res: ProjectInfo;
  };
  /** Reviewer/admin: move a case (volumes, annotations, assignments) to another project. */
  'case:move': { req: { caseId: number; projectId: number }; res: CaseInfo };
  /** Admin: remove a case from its project's lists, with a reason (its data stays, the audit says why). */
  'case:remove': { req: { caseId: number; reason: string }; res: { caseId: number } };
  /** Reviewer/admin: set a case's subject (the person imaged), or clear it with null (the case is then its
   *  own); a research project stores a keyed pseudonym, never the name. Audited; answers the case as stored. */
  'case:setSubject': { req: { caseId: number; subject: string | null }; res: CaseInfo };
  /** Reviewer/admin: give cases to annotators (each to k of them, balanced, when perCase is set). */
  'assignment:add': { req: AssignRequest; res: AssignResult };
  'assignment:remove': { req: { caseId: number; annotatorId: number }; res: { removed: boolean } };
  /** Reviewer/admin: one row per case with each assignee's status. */
  'assignment:team': { req: { projectId: number }; res: CaseTeamRow[] };
  /** The signed-in profile submits their work on a case: read-only to them until returned. */
  'case:submit': { req: { caseId: number; comment?: string }; res: SubmissionInfo };
  /** Reviewer/admin: return an annotator's submission with a comment (required). */
  'case:return': { req: { caseId: number; annotatorId: number; comment: string }; res: SubmissionInfo };
  /** The signed-in profile's own submission of a case, or null. */
  'case:mySubmission': { req: { caseId: number }; res: SubmissionInfo | null };
  /** Reviewer/admin: who has and has not submitted (asked before opening the case for review). */
  'case:reviewReadiness': { req: { caseId: number }; res: ReviewReadiness };
  /** The open forks (two branch tips after bundles) of the volume's annotations this profile may see. */
  'annotation:branches': { req: { volumeId: number }; res: AnnotationBranches[] };
  /** Makes a branch tip the head (a new revision with its mask): reviewers and admins on any rater's
   *  annotation, an annotator on their own while it is not submitted. Audited with who picked it. */
  'annotation:pickBranch': { req: { annotationId: number; revisionId: number }; res: RevisionInfo };
  /** Merges two branch tips three-way against where they forked (a new head; conflicting voxels take the
   *  primary tip's label and are counted). One of the tips is the head. Same access as a pick; audited. */
  'annotation:mergeBranches': {
    req: { annotationId: number; tips: [number, number]; primary: number };
    res: MergeBranchesResult;
  };
}

export const TEAM_REQUEST_CHANNELS = [
  'project:create',
  'project:update',
  'case:move',
  'case:remove',
  'case:setSubject',
  'assignment:add',
  'assignment:remove',
  'assignment:team',
  'case:submit',
  'case:return',
  'case:mySubmission',
  'case:reviewReadiness',
  'annotation:branches',
  'annotation:pickBranch',
  'annotation:mergeBranches',
] as const satisfies readonly (keyof TeamRequests)[];

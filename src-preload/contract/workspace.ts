// The workspace's channels: the app, projects, cases, volumes, import (with progress), the audit log, the
// saved view and the native file picker.
import type {
  AppInfo,
  AuditEntry,
  CaseInfo,
  ProjectInfo,
  ProjectKind,
  ViewState,
  VolumeMeta,
} from '../../src-main/core/model';

export type ImportSource =
  /** Paths on this machine (Electron file dialog, CLI, or typed by the user). */
  | { kind: 'paths'; paths: string[] }
  /** Files the web host received under this upload id (HostBridge.uploadFiles). */
  | { kind: 'upload'; uploadId: string };

export interface ImportRequest {
  /** Chosen by the caller, so that it can follow progress and cancel. */
  jobId: string;
  source: ImportSource;
  /** Existing project, or a name to find or create; default: "Default". */
  projectId?: number;
  projectName?: string;
  /** Case name; default: derived from the series or file name. */
  caseName?: string;
  /** Keep patient name, ID and birth date (off unless the user opts in; refused for a research project). */
  keepPatientIdentity?: boolean;
  /** The kind of the project this import creates (default clinical); refused when it names an existing
   *  project of the other kind. */
  projectKind?: ProjectKind;
  /** Research projects: DICOM dates removed (default) or shifted by a per-patient number of days. */
  dates?: 'remove' | 'shift';
}

export interface ImportSummary {
  projectId: number;
  volumes: VolumeMeta[];
  /** Files or series that were not images and were skipped, one line each. */
  skipped: string[];
}

export interface ImportProgress {
  jobId: string;
  /** 0..1 */
  fraction: number;
  phase: 'scanning' | 'reading' | 'storing' | 'done';
  detail: string;
}

export interface WorkspaceRequests {
  'app:info': { req: void; res: AppInfo };
  'project:list': { req: void; res: ProjectInfo[] };
  'project:create': { req: { name: string; kind?: ProjectKind }; res: ProjectInfo };
  'case:list': { req: { projectId: number }; res: CaseInfo[] };
  'volume:list': { req: { caseId: number }; res: VolumeMeta[] };
  'volume:get': { req: { volumeId: number }; res: VolumeMeta };
  /** Web host: a signed-in importer announces the files it will upload (count, total bytes); answers the
   *  upload id its PUTs and import:run use. Refused over the total cap or the free disk space. */
  'import:beginUpload': { req: { files: number; bytes: number }; res: { uploadId: string } };
  'import:run': { req: ImportRequest; res: ImportSummary };
  'import:cancel': { req: { jobId: string }; res: { cancelled: boolean } };
  'audit:list': { req: { limit?: number }; res: AuditEntry[] };
  'audit:verify': { req: void; res: { intact: boolean; rows: number; firstBadId: number | null } };
  'view:get': { req: void; res: ViewState };
  'view:set': { req: ViewState; res: ViewState };
  /** Native file/folder picker (Electron only; the web host answers 'unsupported'). */
  'dialog:pickImport': { req: { folder: boolean }; res: string[] };
}

export interface WorkspaceEvents {
  'import:progress': ImportProgress;
}

export const WORKSPACE_REQUEST_CHANNELS = [
  'app:info',
  'project:list',
  'project:create',
  'case:list',
  'volume:list',
  'volume:get',
  'import:beginUpload',
  'import:run',
  'import:cancel',
  'audit:list',
  'audit:verify',
  'view:get',
  'view:set',
  'dialog:pickImport',
] as const satisfies readonly (keyof WorkspaceRequests)[];

export const WORKSPACE_EVENT_CHANNELS = [
  'import:progress',
] as const satisfies readonly (keyof WorkspaceEvents)[];

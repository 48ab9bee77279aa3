// The workspace's channels: the app, projects, cases, volumes, import (with progress), the audit log, the
// saved view and the native file picker.
import type {
  AppInfo,
  AuditEntry,
  AuditVerification,
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
  /** A 4D file (time series, several echoes): its first frame only, or one volume per frame; absent: the
   *  file is refused with a reason that names both choices (the other files still import). */
  frames?: 'first' | 'all';
}

/** A file (or a DICOM series, by its label) that was not imported, and why, in one line. Paths of an
 *  upload are relative to what the user picked. */
export interface RefusedFile {
  file: string;
  reason: string;
}

export interface ImportSummary {
  projectId: number;
  volumes: VolumeMeta[];
  /** Every file or series not imported, one line each ("<file>: <reason>"), then each image that was
   *  already imported. */
  skipped: string[];
  /** The files and series not imported, with the reason; the others were imported. */
  refused: RefusedFile[];
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
  'case:list': { req: { projectId: number }; res: CaseInfo[] };
  'volume:list': { req: { caseId: number }; res: VolumeMeta[] };
  'volume:get': { req: { volumeId: number }; res: VolumeMeta };
  /** Web host: a signed-in importer announces the files it will upload (count, total bytes); answers the
   *  upload id its PUTs and import:run use. Refused over the total cap or the free disk space. */
  'import:beginUpload': { req: { files: number; bytes: number }; res: { uploadId: string } };
  'import:run': { req: ImportRequest; res: ImportSummary };
  'import:cancel': { req: { jobId: string }; res: { cancelled: boolean } };
  'audit:list': { req: { limit?: number }; res: AuditEntry[] };
  /** The audit trail check (rows, MACs, the sealed head, the key file); the one running when one does. */
  'audit:verify': { req: void; res: AuditVerification };
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

// The PACS over DICOMweb (services/interop/pacs-*.ts): the servers a workspace knows, study search
// (QIDO-RS), fetching a study into a project (WADO-RS, then the import path), and sending a revision's
// DICOM SEG (STOW-RS). Who may: the list is open to every signed-in profile; search, get and send to the
// data managers (reviewer, admin), as importing is; adding or removing a server to admins.
import type { ImportSummary } from './workspace';

export interface PacsServerInfo {
  name: string;
  /** DICOMweb base URL. */
  url: string;
  /** Milliseconds one request may take. */
  timeoutMs: number;
}

export interface PacsStudy {
  studyInstanceUID: string;
  /** YYYYMMDD */
  studyDate: string | null;
  studyDescription: string | null;
  accessionNumber: string | null;
  /** Shown to find the right study; never stored by an import unless the user opts in. */
  patientName: string | null;
  patientId: string | null;
  modalities: string[];
  series: number | null;
  instances: number | null;
}

export interface PacsFindRequest {
  server: string;
  /** Patient ID (exact) or part of the name. */
  patient?: string;
  modality?: string;
  /** YYYYMMDD or YYYYMMDD-YYYYMMDD */
  studyDate?: string;
}

export interface PacsGetRequest {
  /** Chosen by the caller, to follow progress (pacs:progress) and cancel (import:cancel). */
  jobId: string;
  server: string;
  studyInstanceUID: string;
  projectId?: number;
  projectName?: string;
}

export interface PacsGetSummary extends ImportSummary {
  server: string;
  studyInstanceUID: string;
  instances: number;
  resumed: number;
}

export interface PacsProgress {
  jobId: string;
  phase: 'listing' | 'fetching' | 'importing' | 'done';
  /** 0..1 */
  fraction: number;
  detail: string;
}

export interface PacsRequests {
  'pacs:list': { req: void; res: PacsServerInfo[] };
  'pacs:save': { req: { name: string; url: string; timeoutSeconds?: number }; res: PacsServerInfo };
  'pacs:remove': { req: { name: string }; res: { removed: string } };
  'pacs:find': { req: PacsFindRequest; res: PacsStudy[] };
  'pacs:get': { req: PacsGetRequest; res: PacsGetSummary };
  'pacs:send': {
    /** A research project's revision is refused unless deidentified (a de-identified SEG is sent). */
    req: { server: string; revisionId: number; deidentified?: boolean };
    res: { server: string; revisionId: number; stored: string[]; bytes: number };
  };
}

export interface PacsEvents {
  'pacs:progress': PacsProgress;
}

export const PACS_REQUEST_CHANNELS = [
  'pacs:list',
  'pacs:save',
  'pacs:remove',
  'pacs:find',
  'pacs:get',
  'pacs:send',
] as const satisfies readonly (keyof PacsRequests)[];

export const PACS_EVENT_CHANNELS = ['pacs:progress'] as const satisfies readonly (keyof PacsEvents)[];

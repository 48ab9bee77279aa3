// Exchange's channels: bundles that carry work between workstations without a network (services/exchange).
import type { ImportSource } from './workspace';

export type BundleKindName = 'task' | 'result' | 'review';

export interface BundleExportRequest {
  kind: BundleKindName;
  projectId: number;
  /** Only these cases of the project; default: all of them. */
  caseIds?: number[];
  /** The annotator a task is for (required for a task); a result's annotator (an annotator: themselves). */
  forAnnotatorId?: number;
  /** Include the volumes' voxel data; default: yes for a task, no for results and reviews. */
  images?: boolean;
  /** Apply PS3.15's Basic Profile (UIDs replaced, dates removed, pseudonyms for cases and staff, no free text,
   *  no audit rows); a research project's bundle always gets it. */
  deidentify?: boolean;
}

export interface BundleExportAnswer {
  /** For HostBridge.fetchBundle: the written file, served once. */
  downloadId: string;
  fileName: string;
  bytes: number;
  cases: number;
  revisions: number;
  imagesIncluded: boolean;
  deidentified: boolean;
}

export interface BundleSigner {
  workspaceId: string;
  /** The id in groups of four hex digits, to compare with the sender by phone or on paper. */
  fingerprint: string;
  trusted: boolean;
  own: boolean;
  /** Who exported it, as the bundle says. */
  actor: string;
}

export interface BundleInspection {
  kind: BundleKindName;
  signer: BundleSigner;
  createdAt: string;
  imagesIncluded: boolean;
  cases: { project: string; name: string }[];
  annotations: number;
  revisions: number;
  /** A task's annotator. */
  assignedTo: string | null;
}

export interface BundleImportAnswer {
  kind: BundleKindName;
  trustedNow: boolean;
  changed: boolean;
  casesCreated: number;
  volumesCreated: number;
  revisionsAdded: number;
  /** Submissions of cases (the review gate) taken from the bundle. */
  submissionsTaken: number;
  /** Measurements of the cases taken from the bundle: new here, or deleted there. */
  measurementsTaken: number;
  /** Annotations where an imported revision started a second branch (pick a head in the history). */
  forks: { annotationId: number; revisionId: number; parentId: number | null }[];
  notes: string[];
}

export interface ExchangeRequests {
  /** Writes a bundle for download (HostBridge.fetchBundle). Tasks and reviews: reviewers and admins; an
   *  annotator exports their own result. */
  'bundle:export': { req: BundleExportRequest; res: BundleExportAnswer };
  /** Checks a bundle (signature, every checksum) and says who signed it; writes nothing. */
  'bundle:inspect': { req: { source: ImportSource }; res: BundleInspection };
  /** Imports a checked bundle; an unknown signer needs trust: true (then remembered). */
  'bundle:import': { req: { source: ImportSource; trust: boolean }; res: BundleImportAnswer };
}

export const EXCHANGE_REQUEST_CHANNELS = [
  'bundle:export',
  'bundle:inspect',
  'bundle:import',
] as const satisfies readonly (keyof ExchangeRequests)[];

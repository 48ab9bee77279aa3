// The app's queries: their names, which events pushed by main make them stale, and the one query cache of
// the window (connected to the host bridge on first use). Mutations made here invalidate by name:
// `invalidateQueries('worklist')` after a status change, and so on (see the features).
import type { EventChannel } from '@contract';
import { getBridge } from './bridge';
import { QueryCache } from './queryCache';

export type QueryName =
  /** project:list */
  | 'projects'
  /** case:list with each case's volume:list, per project */
  | 'cases'
  /** audit:list and audit:verify */
  | 'audit'
  /** worklist:get, per project and profile */
  | 'worklist'
  /** annotation:list and case:reviewState, per volume and profile */
  | 'caseAnnotations'
  /** draft:list, per volume and profile */
  | 'drafts'
  /** model:list, per profile */
  | 'models'
  /** assignment:team and annotator:list (the reviewer's team view), case:mySubmission */
  | 'team';

/** What a case's labelling changes (an annotation opened, saved, reverted, drafted, time reported). */
export const CASE_QUERIES: readonly QueryName[] = ['worklist', 'caseAnnotations', 'drafts', 'team'];

/** Which queries each event pushed by main makes stale. */
export const EVENT_INVALIDATIONS: Partial<Record<EventChannel, readonly QueryName[]>> = {
  // A new head revision (this window's save, a revert, a merge, a decision, a draft started; or another
  // window's, when this profile may see that annotation).
  'annotation:changed': CASE_QUERIES,
  // A decision, sign-off or reopen of the open case's adjudication.
  'adjudication:changed': ['caseAnnotations'],
  // A run started or ended: a finished run adds a model.
  'training:status': ['models'],
};

let cache: QueryCache | null = null;

/** The window's query cache, invalidated by the host's events. */
export function getQueryCache(): QueryCache {
  if (!cache) {
    const c = new QueryCache();
    const bridge = getBridge();
    c.connectEvents<EventChannel>((event, listener) => bridge.on(event, listener), EVENT_INVALIDATIONS);
    cache = c;
  }
  return cache;
}

/** Fetches these queries again (a mutation made here changed what they read). */
export function invalidateQueries(...names: QueryName[]): void {
  getQueryCache().invalidate(...names);
}

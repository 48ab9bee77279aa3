// Reads a query of the query cache (queryCache.ts) in a component: subscribes while mounted, re-renders on
// each new answer. `null` reads nothing (e.g. no project open). With `keepPrevious` (the default) the value
// of the previous params stays shown until the new params' first answer, as a list kept in state did.
import { useCallback, useState, useSyncExternalStore } from 'react';
import type { QueryCache, QuerySnapshot, QuerySpec } from './queryCache';
import { queryKey } from './queryCache';
import { getQueryCache } from './queries';

export interface QueryResult<T> {
  data: T | undefined;
  error: string | null;
}

export interface QueryOptions {
  /** Show the last value of earlier params while new params load (default true). */
  keepPrevious?: boolean;
  /** The cache to read (tests); the app's by default. */
  cache?: QueryCache;
}

const NO_QUERY: QuerySnapshot<never> = { data: undefined, error: null };
const noop = (): void => undefined;

export function useQuery<T>(spec: QuerySpec<T> | null, options: QueryOptions = {}): QueryResult<T> {
  const cache = options.cache ?? getQueryCache();
  const keepPrevious = options.keepPrevious ?? true;
  const key = spec ? queryKey(spec) : null;
  // The spec's fetch reads only what its key holds (name and params), so a new key is all that matters.
  const [current, setCurrent] = useState<{ key: string | null; spec: QuerySpec<T> | null }>({ key, spec });
  if (current.key !== key) setCurrent({ key, spec });
  const live = current.key === key ? current.spec : spec;
  const subscribe = useCallback(
    (listener: () => void) => (live ? cache.subscribe(live, listener) : noop),
    [cache, live],
  );
  const getSnapshot = useCallback(
    (): QuerySnapshot<T> => (key === null ? NO_QUERY : cache.snapshot<T>(key)),
    [cache, key],
  );
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  const [previous, setPrevious] = useState<T | undefined>(undefined);
  if (snapshot.data !== undefined && snapshot.data !== previous) setPrevious(snapshot.data);
  return {
    data: snapshot.data ?? (keepPrevious ? previous : undefined),
    error: snapshot.error,
  };
}

// A small event-driven query cache. A query is a name (what is read: 'worklist', 'models', …) with the
// params that tell one read of it from another (a project id, a volume and profile); its fetch answers the
// value. While a query has subscribers the cache holds its last value, shares one fetch between them, and
// fetches it again whenever its name is invalidated: by a mutation made here (`invalidate`) or by an event
// main pushes (`connectEvents`: e.g. 'annotation:changed' invalidates the worklist). When the last
// subscriber leaves, the entry is dropped: a later subscriber starts from nothing and fetches, so nothing
// read for one screen (or one signed-in profile) is shown to another from memory.
//
// An answer that arrives after a newer fetch of the same query was started is ignored (the newest wins).

export interface QuerySpec<T> {
  /** What is read: the name mutations and events invalidate. */
  name: string;
  /** What tells one read of the name from another; JSON-serialisable. Everything `fetch` reads is here. */
  params: unknown;
  fetch(): Promise<T>;
}

export interface QuerySnapshot<T> {
  /** The last value fetched; undefined before the first answer. */
  data: T | undefined;
  /** Why the last fetch failed (the last value stays), or null after a success. */
  error: string | null;
}

interface Entry {
  name: string;
  fetch(): Promise<unknown>;
  /** Bumped by every fetch started; an answer is kept only if no later fetch started. */
  generation: number;
  snapshot: QuerySnapshot<unknown>;
  listeners: Set<() => void>;
}

const EMPTY: QuerySnapshot<never> = Object.freeze({ data: undefined, error: null });

/** The cache key of a query: its name and its params. */
export function queryKey(spec: { name: string; params: unknown }): string {
  return `${spec.name}:${JSON.stringify(spec.params) ?? ''}`;
}

export class QueryCache {
  private readonly entries = new Map<string, Entry>();

  /** The query's current snapshot (the same object until it changes); empty when nobody subscribes. */
  snapshot<T>(key: string): QuerySnapshot<T> {
    return (this.entries.get(key)?.snapshot as QuerySnapshot<T> | undefined) ?? EMPTY;
  }

  /**
   * Calls `listener` whenever the query's snapshot changes. The first subscriber fetches it; later ones
   * share the entry (and its fetch in flight). Answers the unsubscribe function.
   */
  subscribe<T>(spec: QuerySpec<T>, listener: () => void): () => void {
    const key = queryKey(spec);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { name: spec.name, fetch: spec.fetch, generation: 0, snapshot: EMPTY, listeners: new Set() };
      this.entries.set(key, entry);
      this.run(key, entry);
    }
    const e = entry;
    e.listeners.add(listener);
    return () => {
      e.listeners.delete(listener);
      if (e.listeners.size === 0 && this.entries.get(key) === e) this.entries.delete(key);
    };
  }

  /**
   * Puts a value a mutation answered into a subscribed query at once (e.g. the review state that
   * case:openReview returns), before the refetch that should follow confirms it. Nothing when unsubscribed.
   */
  setData<T>(key: string, update: (old: T | undefined) => T | undefined): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.snapshot = { data: update(e.snapshot.data as T | undefined), error: e.snapshot.error };
    for (const l of [...e.listeners]) l();
  }

  /** Fetches again every subscribed query of these names (a mutation or an event changed what they read). */
  invalidate(...names: string[]): void {
    for (const [key, e] of this.entries) if (names.includes(e.name)) this.run(key, e);
  }

  /**
   * Invalidates queries when events arrive: `rules[event]` names the queries each event makes stale.
   * `on` is a host bridge's event subscription. Answers a function that stops listening.
   */
  connectEvents<E extends string>(
    on: (event: E, listener: () => void) => () => void,
    rules: Partial<Record<E, readonly string[]>>,
  ): () => void {
    const offs = (Object.keys(rules) as E[]).map((event) =>
      on(event, () => this.invalidate(...(rules[event] ?? []))),
    );
    return () => {
      for (const off of offs) off();
    };
  }

  private run(key: string, e: Entry): void {
    const generation = ++e.generation;
    const current = (): boolean => e.generation === generation && this.entries.get(key) === e;
    const settle = (snapshot: QuerySnapshot<unknown>): void => {
      e.snapshot = snapshot;
      for (const l of [...e.listeners]) l();
    };
    let answer: Promise<unknown>;
    try {
      answer = e.fetch();
    } catch (err) {
      answer = Promise.reject(err);
    }
    answer.then(
      (data) => {
        if (current()) settle({ data, error: null });
      },
      (err: unknown) => {
        if (current())
          settle({ data: e.snapshot.data, error: err instanceof Error ? err.message : String(err) });
      },
    );
  }
}

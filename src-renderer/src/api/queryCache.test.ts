// The query cache: one fetch shared by its subscribers, a fetch again when the query's name is invalidated
// (by a mutation or an event), params telling entries apart, the newest answer winning, failures kept
// beside the last value, and entries dropped with their last subscriber.
import { describe, expect, it } from 'vitest';
import type { QuerySpec } from './queryCache';
import { QueryCache, queryKey } from './queryCache';

/** A fetch whose answers the test gives, one per call, in any order. */
function controlled<T>(name: string, params: unknown = null) {
  const pending: { resolve(v: T): void; reject(e: Error): void }[] = [];
  const spec: QuerySpec<T> = {
    name,
    params,
    fetch: () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject })),
  };
  return { spec, pending, key: queryKey(spec) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('query cache', () => {
  it('fetches once for every subscriber of a query and tells each of the answer', async () => {
    const cache = new QueryCache();
    const q = controlled<number[]>('worklist', { projectId: 1 });
    let a = 0;
    let b = 0;
    cache.subscribe(q.spec, () => a++);
    cache.subscribe(q.spec, () => b++);
    expect(q.pending).toHaveLength(1);
    expect(cache.snapshot(q.key)).toEqual({ data: undefined, error: null });
    q.pending[0]!.resolve([1, 2]);
    await settle();
    expect(cache.snapshot(q.key)).toEqual({ data: [1, 2], error: null });
    expect([a, b]).toEqual([1, 1]);
  });

  it('fetches again when its name is invalidated, and only then', async () => {
    const cache = new QueryCache();
    const worklist = controlled<string>('worklist');
    const models = controlled<string>('models');
    cache.subscribe(worklist.spec, () => undefined);
    cache.subscribe(models.spec, () => undefined);
    cache.invalidate('worklist');
    expect(worklist.pending).toHaveLength(2);
    expect(models.pending).toHaveLength(1);
    worklist.pending[1]!.resolve('after the save');
    await settle();
    expect(cache.snapshot(worklist.key).data).toBe('after the save');
  });

  it('keeps queries of one name with different params apart', async () => {
    const cache = new QueryCache();
    const one = controlled<string>('cases', { projectId: 1 });
    const two = controlled<string>('cases', { projectId: 2 });
    cache.subscribe(one.spec, () => undefined);
    cache.subscribe(two.spec, () => undefined);
    one.pending[0]!.resolve('project 1');
    two.pending[0]!.resolve('project 2');
    await settle();
    expect(cache.snapshot(one.key).data).toBe('project 1');
    expect(cache.snapshot(two.key).data).toBe('project 2');
    cache.invalidate('cases');
    expect([one.pending.length, two.pending.length]).toEqual([2, 2]);
  });

  it('keeps the newest answer when an older fetch answers last', async () => {
    const cache = new QueryCache();
    const q = controlled<string>('caseAnnotations');
    cache.subscribe(q.spec, () => undefined);
    cache.invalidate('caseAnnotations');
    q.pending[1]!.resolve('new');
    await settle();
    q.pending[0]!.resolve('old');
    await settle();
    expect(cache.snapshot(q.key).data).toBe('new');
  });

  it('keeps the last value beside a failure, and clears the failure on the next success', async () => {
    const cache = new QueryCache();
    const q = controlled<string>('audit');
    cache.subscribe(q.spec, () => undefined);
    q.pending[0]!.resolve('entries');
    await settle();
    cache.invalidate('audit');
    q.pending[1]!.reject(new Error('connection lost'));
    await settle();
    expect(cache.snapshot(q.key)).toEqual({ data: 'entries', error: 'connection lost' });
    cache.invalidate('audit');
    q.pending[2]!.resolve('entries, again');
    await settle();
    expect(cache.snapshot(q.key)).toEqual({ data: 'entries, again', error: null });
  });

  it('drops a query with its last subscriber: the next one fetches from nothing', async () => {
    const cache = new QueryCache();
    const q = controlled<string>('worklist', { profile: 3 });
    const off = cache.subscribe(q.spec, () => undefined);
    q.pending[0]!.resolve('rows profile 3 may see');
    await settle();
    off();
    expect(cache.snapshot(q.key).data).toBeUndefined();
    cache.invalidate('worklist');
    expect(q.pending).toHaveLength(1);
    cache.subscribe(q.spec, () => undefined);
    expect(q.pending).toHaveLength(2);
    expect(cache.snapshot(q.key).data).toBeUndefined();
  });

  it('takes a value a mutation answered at once, and the refetch after it wins over older answers', async () => {
    const cache = new QueryCache();
    const q = controlled<{ list: string; review: string }>('caseAnnotations');
    let told = 0;
    cache.subscribe(q.spec, () => told++);
    q.pending[0]!.resolve({ list: 'a, b', review: 'closed' });
    await settle();
    cache.setData<{ list: string; review: string }>(q.key, (old) => old && { ...old, review: 'open' });
    expect(cache.snapshot(q.key).data).toEqual({ list: 'a, b', review: 'open' });
    expect(told).toBe(2);
    cache.invalidate('caseAnnotations');
    q.pending[1]!.resolve({ list: 'a, b, c', review: 'open' });
    await settle();
    expect(cache.snapshot(q.key).data).toEqual({ list: 'a, b, c', review: 'open' });
    cache.setData(queryKey({ name: 'caseAnnotations', params: 'nobody reads this' }), () => 'ignored');
    expect(
      cache.snapshot(queryKey({ name: 'caseAnnotations', params: 'nobody reads this' })).data,
    ).toBeUndefined();
  });

  it('invalidates the queries an event names, until disconnected', () => {
    const cache = new QueryCache();
    const listeners = new Map<string, () => void>();
    const on = (event: string, l: () => void) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    };
    const off = cache.connectEvents(on, { 'annotation:changed': ['worklist', 'drafts'] });
    const worklist = controlled<string>('worklist');
    const models = controlled<string>('models');
    cache.subscribe(worklist.spec, () => undefined);
    cache.subscribe(models.spec, () => undefined);
    listeners.get('annotation:changed')!();
    expect(worklist.pending).toHaveLength(2);
    expect(models.pending).toHaveLength(1);
    off();
    expect(listeners.size).toBe(0);
  });
});

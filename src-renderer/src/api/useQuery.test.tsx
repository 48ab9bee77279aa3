// @vitest-environment jsdom
// useQuery in a component: the answer re-renders it, an invalidation brings the new value, new params keep
// the previous value shown until their first answer (or not, without keepPrevious), and null reads nothing.
import { act } from 'react';
import type { Root } from 'react-dom/client';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueryCache } from './queryCache';
import type { QueryResult } from './useQuery';
import { useQuery } from './useQuery';

let cache: QueryCache;
let root: Root;
let calls: { projectId: number; resolve(v: string): void }[];
const seen: QueryResult<string>[] = [];

function Rows({ projectId, keepPrevious }: { projectId: number | null; keepPrevious?: boolean }) {
  const r = useQuery(
    projectId === null
      ? null
      : {
          name: 'worklist',
          params: { projectId },
          fetch: () => new Promise<string>((resolve) => calls.push({ projectId, resolve })),
        },
    { cache, keepPrevious },
  );
  seen.push(r);
  return null;
}

const last = () => seen[seen.length - 1]!;
const answer = async (n: number, value: string) => {
  await act(async () => calls[n]!.resolve(value));
};

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});
beforeEach(() => {
  cache = new QueryCache();
  calls = [];
  seen.length = 0;
  root = createRoot(document.createElement('div'));
});
afterEach(() => act(() => root.unmount()));

describe('useQuery', () => {
  it('shows the answer, and the new one after an invalidation', async () => {
    await act(async () => root.render(<Rows projectId={1} />));
    expect(calls.map((c) => c.projectId)).toEqual([1]);
    expect(last()).toEqual({ data: undefined, error: null });
    await answer(0, 'rows of 1');
    expect(last().data).toBe('rows of 1');
    await act(async () => cache.invalidate('worklist'));
    expect(calls).toHaveLength(2);
    await answer(1, 'rows of 1, saved');
    expect(last().data).toBe('rows of 1, saved');
  });

  it('keeps the previous params’ value shown until the new params answer', async () => {
    await act(async () => root.render(<Rows projectId={1} />));
    await answer(0, 'rows of 1');
    await act(async () => root.render(<Rows projectId={2} />));
    expect(calls.map((c) => c.projectId)).toEqual([1, 2]);
    expect(last().data).toBe('rows of 1');
    await answer(1, 'rows of 2');
    expect(last().data).toBe('rows of 2');
    // The first project's entry was dropped with its subscriber: invalidating fetches only project 2.
    await act(async () => cache.invalidate('worklist'));
    expect(calls.map((c) => c.projectId)).toEqual([1, 2, 2]);
  });

  it('shows nothing of other params without keepPrevious, and reads nothing for null', async () => {
    await act(async () => root.render(<Rows projectId={1} keepPrevious={false} />));
    await answer(0, 'rows of 1');
    await act(async () => root.render(<Rows projectId={2} keepPrevious={false} />));
    expect(last().data).toBeUndefined();
    await act(async () => root.render(<Rows projectId={null} keepPrevious={false} />));
    expect(calls).toHaveLength(2);
    expect(last()).toEqual({ data: undefined, error: null });
  });
});

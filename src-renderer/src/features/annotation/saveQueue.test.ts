import { describe, expect, it } from 'vitest';
import type { MaskPatch, Result, RevisionInfo } from '@contract';
import type { QueuedEdit, SaveState } from './saveQueue';
import { SaveQueue } from './saveQueue';

const patch = (v: number): MaskPatch => ({ box: [0, 1, 0, 1, 0, 1], data: Uint8Array.from([v]) });
const edit = (v: number) => ({ patch: patch(v), inverse: patch(0) });

function revision(id: number, parentId: number | null, tool: string): RevisionInfo {
  return {
    id,
    annotationId: 7,
    parentId,
    author: 'A',
    tool,
    createdAt: `2026-01-01T00:00:0${id % 10}Z`,
    provenance: {},
    labelVoxels: {},
  };
}

/** A server holding a head; answers are scripted per call, default ok. */
function fakeServer(head: number | null) {
  const calls: { parentRevisionId: number | null; tool: string; value: number }[] = [];
  const script: ('ok' | 'fail' | 'conflict')[] = [];
  let next = 100;
  const state = { head };
  const commit = async (req: {
    parentRevisionId: number | null;
    tool: string;
    patch: MaskPatch;
  }): Promise<Result<RevisionInfo>> => {
    calls.push({ parentRevisionId: req.parentRevisionId, tool: req.tool, value: req.patch.data[0]! });
    const what = script.shift() ?? 'ok';
    if (what === 'fail') return { ok: false, error: { code: 'internal', message: 'disk full' } };
    if (what === 'conflict' || req.parentRevisionId !== state.head) {
      return { ok: false, error: { code: 'conflict', message: 'the head moved' } };
    }
    const rev = revision(next++, req.parentRevisionId, req.tool);
    state.head = rev.id;
    return { ok: true, value: rev };
  };
  return { calls, script, state, commit };
}

/** Manual timers: run them when the test says. */
function manualTimers() {
  const pending: (() => void)[] = [];
  return {
    setTimer: (fn: () => void) => {
      pending.push(fn);
      return pending.length;
    },
    clearTimer: () => undefined,
    fire: () => pending.splice(0).forEach((f) => f()),
    count: () => pending.length,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('SaveQueue', () => {
  it('commits edits in order, each on the previous revision', async () => {
    const server = fakeServer(5);
    const states: SaveState[] = [];
    const q = new SaveQueue(7, 5, {
      commit: server.commit,
      onConflict: () => undefined,
      onState: (s) => states.push(s),
    });
    q.enqueue('brush', edit(1));
    q.enqueue('eraser', edit(2));
    await q.idle();
    expect(server.calls).toEqual([
      { parentRevisionId: 5, tool: 'brush', value: 1 },
      { parentRevisionId: 100, tool: 'eraser', value: 2 },
    ]);
    expect(q.headRevisionId).toBe(101);
    expect(states.at(-1)).toMatchObject({ status: 'saved', pending: 0, head: 101 });
    expect([...q.saved]).toEqual([100, 101]);
  });

  it('keeps a failed edit queued and retries it, losing nothing', async () => {
    const server = fakeServer(null);
    server.script.push('fail', 'fail');
    const timers = manualTimers();
    const states: SaveState[] = [];
    const q = new SaveQueue(7, null, {
      commit: server.commit,
      onConflict: () => undefined,
      onState: (s) => states.push(s),
      ...timers,
    });
    q.enqueue('brush', edit(1));
    q.enqueue('brush', edit(2));
    await settle();
    expect(states.at(-1)).toMatchObject({ status: 'error', pending: 2 });
    expect(states.at(-1)!.message).toMatch(/disk full — retrying in 1 s/);
    timers.fire();
    await settle();
    expect(states.at(-1)!.message).toMatch(/retrying in 2 s/);
    timers.fire();
    await q.idle();
    expect(server.calls.map((c) => c.value)).toEqual([1, 1, 1, 2]);
    expect(server.calls.at(-1)!.parentRevisionId).toBe(100);
    expect(states.at(-1)).toMatchObject({ status: 'saved', pending: 0 });
  });

  it('pauses on a conflict until the owner re-bases the queued edits', async () => {
    const server = fakeServer(5);
    server.state.head = 9; // another window saved revision 9 meanwhile
    let conflict: readonly QueuedEdit[] | null = null;
    const q = new SaveQueue(7, 5, {
      commit: server.commit,
      onConflict: (pending) => {
        conflict = pending;
      },
      onState: () => undefined,
    });
    q.enqueue('brush', edit(1));
    await settle();
    expect(conflict!.map((e) => e.patch.data[0])).toEqual([1]);
    expect(q.current.status).toBe('conflict');
    q.enqueue('brush', edit(2)); // queued behind the conflict, not sent
    await settle();
    expect(server.calls).toHaveLength(1);
    q.rebase(9, [
      { tool: 'brush', patch: patch(3), inverse: patch(0) },
      { tool: 'brush', patch: patch(4), inverse: patch(0) },
    ]);
    await q.idle();
    expect(server.calls.slice(1)).toEqual([
      { parentRevisionId: 9, tool: 'brush', value: 3 },
      { parentRevisionId: 100, tool: 'brush', value: 4 },
    ]);
  });

  it('says when it is idle', async () => {
    const server = fakeServer(null);
    const q = new SaveQueue(7, null, {
      commit: server.commit,
      onConflict: () => undefined,
      onState: () => undefined,
    });
    await expect(q.idle()).resolves.toBeUndefined();
    q.enqueue('brush', edit(1));
    expect(q.pending).toBe(1);
    await q.idle();
    expect(q.pending).toBe(0);
  });
});

// The labelling channels over the real web host: each connection (browser tab) signs in on its own, mask
// patches and masks travel as binary over the socket, and blinding holds across connections.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket } from '../../../e2e/support/socket';
import type { SocketClient } from '../../../e2e/support/socket';
import { startWebHost } from './server';
import type { WebHost } from './server';
import { tempDir } from '../../test-support/tmp';
import { fill, labellingFixture, PASSWORD } from '../../services/test-support/labelling';
import type { Fixture } from '../../services/test-support/labelling';

let fx: Fixture;
let host: WebHost;
const clients: SocketClient[] = [];

beforeAll(async () => {
  fx = await labellingFixture();
  const renderer = path.join(tempDir(), 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Concord</title>');
  host = await startWebHost({ services: fx.services, rendererDir: renderer, log: () => undefined });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await host.close();
  fx.close();
});

async function tab(): Promise<SocketClient> {
  const c = await connectSocket(host.url);
  clients.push(c);
  return c;
}

describe('labelling over the web host', () => {
  it('keeps one session per connection and blinds one annotator from the other', async () => {
    const first = await tab();
    const admin = await first.ok('annotator:create', { name: 'Admin', role: 'admin', password: PASSWORD });
    await first.ok('session:signIn', { annotatorId: admin.id, password: PASSWORD });
    const ann = await first.ok('annotator:create', { name: 'Ann', role: 'annotator', password: PASSWORD });
    const bob = await first.ok('annotator:create', { name: 'Bob', role: 'annotator', password: PASSWORD });

    const tabA = await tab();
    const tabB = await tab();
    await tabA.ok('session:signIn', { annotatorId: ann.id, password: PASSWORD });
    await tabB.ok('session:signIn', { annotatorId: bob.id, password: PASSWORD });
    expect((await tabA.ok('session:get', undefined)).annotator?.name).toBe('Ann');
    expect((await tabB.ok('session:get', undefined)).annotator?.name).toBe('Bob');
    expect((await (await tab()).ok('session:get', undefined)).annotator).toBeNull();

    const volumeId = fx.volumes[0]!.id;
    const a = await tabA.ok('annotation:open', { volumeId });
    const patch = fill([1, 7, 1, 5, 0, 4], 1);
    patch.data[0] = 0;
    const r = await tabA.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch,
    });
    expect(r.labelVoxels).toEqual({ '1': 6 * 4 * 4 - 1 });
    const mask = await tabA.ok('annotation:mask', { revisionId: r.id });
    expect(mask.data).toBeInstanceOf(Uint8Array);
    expect(mask.data[1 + 1 * 8]).toBe(0);
    expect(mask.data[2 + 1 * 8]).toBe(1);

    expect(await tabB.ok('annotation:list', { volumeId })).toEqual([]);
    expect(await tabB.call('annotation:mask', { revisionId: r.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await first.ok('annotation:mask', { revisionId: r.id })).data[2 + 1 * 8]).toBe(1);
  });

  it("pushes a new revision's event only to the connections that may see its annotation", async () => {
    const first = await tab();
    const admin = (await first.ok('annotator:list', undefined)).find((p) => p.name === 'Admin')!;
    await first.ok('session:signIn', { annotatorId: admin.id, password: PASSWORD });
    const make = async (name: string, role: 'annotator' | 'reviewer') => {
      const existing = (await first.ok('annotator:list', undefined)).find((p) => p.name === name);
      const p = existing ?? (await first.ok('annotator:create', { name, role, password: PASSWORD }));
      const t = await tab();
      await t.ok('session:signIn', { annotatorId: p.id, password: PASSWORD });
      return t;
    };
    const cat = await make('Cat', 'annotator');
    const dan = await make('Dan', 'annotator');
    const rita = await make('Rita', 'reviewer');
    const signedOut = await tab();
    // Case B (the second volume) is not open for review.
    const volumeId = fx.volumes[1]!.id;
    const a = await cat.ok('annotation:open', { volumeId });
    const r = await cat.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    // A round trip on each connection: any event queued for it before arrives before this answer.
    for (const t of [cat, dan, rita, signedOut, first]) await t.ok('session:get', undefined);
    const changed = (t: SocketClient) =>
      t.events.filter(
        (e) =>
          e.event === 'annotation:changed' && (e.payload as { annotationId: number }).annotationId === a.id,
      );
    const expected = { annotationId: a.id, headRevisionId: r.id, author: 'Cat' };
    expect(changed(cat).map((e) => e.payload)).toEqual([expected]);
    expect(changed(rita).map((e) => e.payload)).toEqual([expected]);
    expect(changed(first).map((e) => e.payload)).toEqual([expected]);
    expect(changed(dan)).toEqual([]);
    expect(changed(signedOut)).toEqual([]);
    expect(JSON.stringify(dan.events)).not.toMatch(/Cat/);

    // Once the case is open for review and Dan has submitted his work on it (he is assigned to it), Dan's
    // window hears of Cat's next revision.
    await rita.ok('case:openReview', { caseId: fx.volumes[1]!.caseId });
    const danId = (await dan.ok('session:get', undefined)).annotator!.id;
    await rita.ok('assignment:add', {
      projectId: fx.projectId,
      annotatorIds: [danId],
      caseIds: [fx.volumes[1]!.caseId],
    });
    await dan.ok('case:submit', { caseId: fx.volumes[1]!.caseId });
    const r2 = await cat.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: r.id,
      tool: 'eraser',
      patch: fill([0, 1, 0, 1, 0, 1], 0),
    });
    await dan.ok('session:get', undefined);
    await signedOut.ok('session:get', undefined);
    expect(changed(dan).map((e) => e.payload)).toEqual([{ ...expected, headRevisionId: r2.id }]);
    expect(changed(signedOut)).toEqual([]);
  });
});

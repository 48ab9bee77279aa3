// Forked annotations as a reviewer meets them: two workstations continued Ann's annotation and both results
// were imported here. Through the real handlers: a reviewer sees the fork (where it parted, both tips), reads
// a tip's mask without changing anything, and picks it as the head (a new revision with the tip's mask,
// audited with who picked it; nothing removed), even though Ann has submitted. Ann's annotation and its
// branches stay blinded to another annotator still at work; an annotator cannot pick on another's work, nor
// on their own once submitted.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { exportBundle } from '../exchange/export-bundle';
import { importBundle } from '../exchange/import-bundle';
import { edit, exchangeWorkspace, volumeIdOf } from '../test-support/exchange';
import { fill, labellingFixture, type Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

describe('branches of a forked annotation', () => {
  it('a reviewer sees the fork, reads a tip read-only and picks it; blinding holds', async () => {
    fx = await labellingFixture();
    const ws = fx.services.app.workspace;
    const ann = await fx.signedIn('Ann', 'annotator');
    const bob = await fx.signedIn('Bob', 'annotator');
    const rita = await fx.signedIn('Rita', 'reviewer');
    const volumeId = fx.volumes[0]!.id;
    const caseId = fx.volumes[0]!.caseId;
    const own = await ann.ok('annotation:open', { volumeId });
    const r1 = await ann.ok('annotation:commit', {
      annotationId: own.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 2, 0, 2, 0, 1], 1),
    });
    await bob.ok('annotation:open', { volumeId });

    // Ann's task goes to two workstations; each continues revision r1; both results come back.
    const task = path.join(fx.dir, 'task.concord-bundle');
    await exportBundle(ws, { kind: 'task', cases: ['A'], forAnnotator: 'Ann' }, task, 'Rita');
    const results: string[] = [];
    for (const [name, box] of [
      ['laptop', [4, 8, 0, 3, 0, 2]],
      ['desk', [0, 3, 3, 6, 2, 4]],
    ] as const) {
      const { ws: other } = await exchangeWorkspace(path.join(fx.dir, name));
      await importBundle(other, task, { actor: 'test', trust: true });
      await edit(other, volumeIdOf(other), 'Ann', [...box]);
      const out = path.join(fx.dir, `${name}.concord-bundle`);
      await exportBundle(other, { kind: 'result', cases: ['A'], forAnnotator: 'Ann' }, out, 'Ann');
      results.push(out);
      other.close();
    }
    for (const f of results) await importBundle(ws, f, { actor: 'Rita', trust: true });

    const branches = await rita.ok('annotation:branches', { volumeId });
    expect(branches).toHaveLength(1);
    const fork = branches[0]!;
    expect(fork).toMatchObject({
      annotationId: own.id,
      authorName: 'Ann',
      kind: 'manual',
      forkedAfter: r1.id,
    });
    expect(fork.tips.map((t) => t.parentId)).toEqual([r1.id, r1.id]);
    const [head, other] = fork.tips as [(typeof fork.tips)[0], (typeof fork.tips)[0]];
    expect(head.id).toBe(fork.headRevisionId);

    // Blinding: Bob, still at work, sees neither Ann's annotation nor its branches, and cannot pick.
    expect(await bob.ok('annotation:branches', { volumeId })).toEqual([]);
    expect(
      await bob.call('annotation:pickBranch', { annotationId: own.id, revisionId: other.id }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await bob.call('annotation:mask', { revisionId: other.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Ann sees her own fork.
    expect((await ann.ok('annotation:branches', { volumeId })).map((b) => b.annotationId)).toEqual([own.id]);

    // Read-only: the reviewer reads the other tip's mask; nothing is written.
    const countRevisions = () => ws.db.prepare('SELECT count(*) FROM annotation_revisions').pluck().get();
    const before = countRevisions();
    const tipMask = await rita.ok('annotation:mask', { revisionId: other.id });
    expect(countRevisions()).toBe(before);

    // Ann submits; she can no longer pick on her own annotation, the reviewer still can.
    await ann.ok('case:submit', { caseId });
    expect(
      await ann.call('annotation:pickBranch', { annotationId: own.id, revisionId: other.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/is submitted/) },
    });
    const picked = await rita.ok('annotation:pickBranch', { annotationId: own.id, revisionId: other.id });
    expect(picked).toMatchObject({
      annotationId: own.id,
      parentId: head.id,
      tool: 'pick-branch',
      author: other.author,
      provenance: { revertedTo: other.id, pickedBy: 'Rita' },
    });
    expect(rita.events.some((e) => e.event === 'annotation:changed')).toBe(true);
    expect((await rita.ok('annotation:mask', { revisionId: picked.id })).data).toEqual(tipMask.data);
    // Nothing lost: both branches are still in the history; the fork is settled.
    const history = await rita.ok('annotation:history', { annotationId: own.id });
    expect(history.map((r) => r.id)).toEqual(expect.arrayContaining([r1.id, head.id, other.id, picked.id]));
    expect(await rita.ok('annotation:branches', { volumeId })).toEqual([]);
    const audit = listAudit(ws.db).filter((r) => r.action === 'annotation.pickBranch');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'Rita',
      detail: { revertedTo: other.id, pickedBy: 'Rita', annotation: 'Ann', tips: [head.id, other.id] },
    });
    // The old head is no longer a tip to pick: a conflict, nothing written.
    expect(
      await rita.call('annotation:pickBranch', { annotationId: own.id, revisionId: head.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/not a branch tip/) },
    });
    expect(countRevisions()).toBe(Number(before) + 1);
  });
});

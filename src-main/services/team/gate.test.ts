// The review gate through the real handlers: submit -> the annotator's mask is read-only to them (saves,
// reverts, AI-draft starts and status changes refused with a clear message) -> a reviewer returns it with a
// comment -> editable again. Opening a case for review while an annotator has not submitted keeps that
// annotator blinded (server-side); the readiness list names who has not submitted; every step is audited.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { fill, labellingFixture, type Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

describe('the review gate', () => {
  it('submit makes the work read-only until a reviewer returns it with a comment', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const rev = await fx.signedIn('Rita', 'reviewer');
    const volumeId = fx.volumes[0]!.id;
    const caseId = fx.volumes[0]!.caseId;
    const a = await ann.ok('annotation:open', { volumeId });
    const r1 = await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 2, 0, 2, 0, 1], 1),
    });

    const s = await ann.ok('case:submit', { caseId, comment: 'done, small nodule' });
    expect(s).toMatchObject({ caseId, state: 'submitted', stateBy: 'Ann', comment: 'done, small nodule' });
    expect(await ann.ok('case:mySubmission', { caseId })).toEqual(s);
    expect(await ann.call('case:submit', { caseId })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    const readOnly = {
      ok: false,
      error: {
        code: 'conflict',
        message: expect.stringMatching(
          /is submitted: your annotation is read-only until a reviewer returns it/,
        ),
      },
    };
    expect(
      await ann.call('annotation:commit', {
        annotationId: a.id,
        parentRevisionId: r1.id,
        tool: 'brush',
        patch: fill([3, 4, 0, 1, 0, 1], 1),
      }),
    ).toMatchObject(readOnly);
    expect(await ann.call('annotation:revert', { annotationId: a.id, revisionId: r1.id })).toMatchObject(
      readOnly,
    );
    expect(await ann.call('worklist:setStatus', { annotationId: a.id, status: 'in-progress' })).toMatchObject(
      { ok: false, error: { code: 'conflict' } },
    );
    const row = (await ann.ok('worklist:get', { projectId: fx.projectId })).find((x) => x.caseId === caseId)!;
    expect(row).toMatchObject({ status: 'done', submission: 'submitted', returnComment: null });
    expect(await ann.ok('annotation:history', { annotationId: a.id })).toHaveLength(1);

    // Returning needs a reviewer and a comment.
    const annId = (await ann.ok('session:get', undefined)).annotator!.id;
    expect(await ann.call('case:return', { caseId, annotatorId: annId, comment: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await rev.call('case:return', { caseId, annotatorId: annId, comment: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'returning a case needs a comment saying why' },
    });
    const back = await rev.ok('case:return', {
      caseId,
      annotatorId: annId,
      comment: 'the lower margin is missing',
    });
    expect(back).toMatchObject({
      state: 'returned',
      stateBy: 'Rita',
      comment: 'the lower margin is missing',
    });
    expect(await rev.call('case:return', { caseId, annotatorId: annId, comment: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(
      (await ann.ok('worklist:get', { projectId: fx.projectId })).find((x) => x.caseId === caseId),
    ).toMatchObject({
      status: 'in-progress',
      submission: 'returned',
      returnComment: 'the lower margin is missing',
    });
    const r2 = await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: r1.id,
      tool: 'brush',
      patch: fill([3, 4, 0, 1, 0, 1], 1),
    });
    expect(r2.parentId).toBe(r1.id);
    await ann.ok('case:submit', { caseId });

    const steps = listAudit(fx.services.app.workspace.db, 1000)
      .filter((x) => x.action === 'case.submit' || x.action === 'case.return')
      .map((x) => [x.action, x.actor]);
    expect(steps).toEqual([
      ['case.submit', 'Ann'],
      ['case.return', 'Rita'],
      ['case.submit', 'Ann'],
    ]);
  });

  it('keeps annotators who have not submitted blinded after the case is opened for review', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const bob = await fx.signedIn('Bob', 'annotator');
    const rev = await fx.signedIn('Rita', 'reviewer');
    const volumeId = fx.volumes[0]!.id;
    const caseId = fx.volumes[0]!.caseId;
    const a = await ann.ok('annotation:open', { volumeId });
    const ra = await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 2, 0, 2, 0, 1], 1),
    });
    const b = await bob.ok('annotation:open', { volumeId });
    const rb = await bob.ok('annotation:commit', {
      annotationId: b.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([4, 6, 0, 2, 0, 1], 1),
    });
    await ann.ok('case:submit', { caseId });

    const ready = await rev.ok('case:reviewReadiness', { caseId });
    expect(ready.pending.map((p) => [p.annotatorName, p.status])).toEqual([['Bob', 'in-progress']]);
    expect(ready.submitted.map((p) => p.annotatorName)).toEqual(['Ann']);
    expect(await ann.call('case:reviewReadiness', { caseId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await rev.ok('case:openReview', { caseId });
    const opened = listAudit(fx.services.app.workspace.db, 1000).find((x) => x.action === 'case.openReview')!;
    expect(opened.detail).toEqual({ caseId, notSubmitted: ['Bob'] });

    // Bob, still at work, sees only his own; Ann, who submitted, sees both.
    expect((await bob.ok('annotation:list', { volumeId })).map((x) => x.authorName)).toEqual(['Bob']);
    expect(await bob.call('annotation:mask', { revisionId: ra.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await bob.call('annotation:history', { annotationId: a.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await ann.ok('annotation:list', { volumeId })).map((x) => x.authorName)).toEqual(['Ann', 'Bob']);
    expect((await ann.ok('annotation:mask', { revisionId: rb.id })).data[4]).toBe(1);
    // Bob can still work, then submit; then he sees Ann's.
    await bob.ok('annotation:commit', {
      annotationId: b.id,
      parentRevisionId: rb.id,
      tool: 'brush',
      patch: fill([6, 7, 0, 1, 0, 1], 1),
    });
    await bob.ok('case:submit', { caseId });
    expect((await bob.ok('annotation:mask', { revisionId: ra.id })).data[0]).toBe(1);
    // A returned annotator is blinded again until they submit again.
    const bobId = (await bob.ok('session:get', undefined)).annotator!.id;
    await rev.ok('case:return', { caseId, annotatorId: bobId, comment: 'check slice 2' });
    expect(await bob.call('annotation:mask', { revisionId: ra.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});

// The worklist: volumes x annotators with status, time spent and flag comment; next case; refusals.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { fill, labellingFixture } from '../test-support/labelling';
import type { Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

describe('worklist', () => {
  it('lists every volume for each of its assignees, with status following the work', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    await fx.signedIn('Bob', 'annotator');
    const rev = await fx.signedIn('Rita', 'reviewer');
    const [va, vb] = fx.volumes;
    // Nobody assigned, nobody labelling: each volume once, as the reviewer's own (not one row per profile).
    expect(
      (await rev.ok('worklist:get', { projectId: fx.projectId })).map((r) => [r.caseName, r.annotatorName]),
    ).toEqual([
      ['A', 'Rita'],
      ['B', 'Rita'],
    ]);
    const people = await rev.ok('annotator:list', undefined);
    await rev.ok('assignment:add', {
      projectId: fx.projectId,
      annotatorIds: people.filter((p) => p.role === 'annotator').map((p) => p.id),
    });
    const before = await rev.ok('worklist:get', { projectId: fx.projectId });
    // Reviewers and admins are not rows until they label something themselves.
    expect(before.map((r) => [r.caseName, r.annotatorName, r.status, r.annotationId])).toEqual([
      ['A', 'Ann', 'not-started', null],
      ['A', 'Bob', 'not-started', null],
      ['B', 'Ann', 'not-started', null],
      ['B', 'Bob', 'not-started', null],
    ]);
    const a = await ann.ok('annotation:open', { volumeId: va!.id });
    await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    await ann.ok('worklist:addTime', { annotationId: a.id, seconds: 42.5 });
    expect(await ann.ok('worklist:addTime', { annotationId: a.id, seconds: 600 })).toEqual({
      timeSpentSec: 642.5,
    });
    const row = (await rev.ok('worklist:get', { projectId: fx.projectId })).find(
      (r) => r.annotationId === a.id,
    )!;
    expect(row).toMatchObject({
      caseId: va!.caseId,
      volumeId: va!.id,
      annotatorName: 'Ann',
      status: 'in-progress',
      timeSpentSec: 642.5,
      flagComment: null,
    });
    expect(row.updatedAt).not.toBeNull();
    expect(vb).toBeDefined();
  });

  it('gives the next case: the one in progress first, then the first not started, then none', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const [va, vb] = fx.volumes;
    expect(await ann.ok('worklist:next', { projectId: fx.projectId })).toEqual({
      caseId: va!.caseId,
      volumeId: va!.id,
    });
    const b = await ann.ok('annotation:open', { volumeId: vb!.id });
    await ann.ok('annotation:commit', {
      annotationId: b.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    expect(await ann.ok('worklist:next', { projectId: fx.projectId })).toEqual({
      caseId: vb!.caseId,
      volumeId: vb!.id,
    });
    await ann.ok('worklist:setStatus', { annotationId: b.id, status: 'done' });
    expect(await ann.ok('worklist:next', { projectId: fx.projectId })).toEqual({
      caseId: va!.caseId,
      volumeId: va!.id,
    });
    const a = await ann.ok('annotation:open', { volumeId: va!.id });
    await ann.ok('worklist:setStatus', {
      annotationId: a.id,
      status: 'flagged',
      comment: 'nodule or vessel?',
    });
    expect(await ann.ok('worklist:next', { projectId: fx.projectId })).toBeNull();
  });

  it('flags with a comment, clears it on the next status, and audits both', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const a = await ann.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
    expect(await ann.call('worklist:setStatus', { annotationId: a.id, status: 'flagged' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'flagging for review needs a comment saying why' },
    });
    expect(
      await ann.call('worklist:setStatus', { annotationId: a.id, status: 'flagged', comment: '  ' }),
    ).toMatchObject({ ok: false });
    const flagged = await ann.ok('worklist:setStatus', {
      annotationId: a.id,
      status: 'flagged',
      comment: ' unsure about the margin ',
    });
    expect(flagged).toMatchObject({
      status: 'flagged',
      flagComment: 'unsure about the margin',
      annotatorName: 'Ann',
      caseName: 'A',
    });
    // A commit does not unflag.
    await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    expect((await ann.ok('worklist:get', { projectId: fx.projectId }))[0]).toMatchObject({
      status: 'flagged',
      flagComment: 'unsure about the margin',
    });
    const rev = await fx.signedIn('Rita', 'reviewer');
    expect(await rev.ok('worklist:setStatus', { annotationId: a.id, status: 'in-progress' })).toMatchObject({
      status: 'in-progress',
      flagComment: null,
    });
    const rows = listAudit(fx.services.app.workspace.db).filter((r) => r.action === 'annotation.status');
    expect(rows.map((r) => [r.actor, r.detail['from'], r.detail['to']])).toEqual([
      ['Rita', 'flagged', 'in-progress'],
      ['Ann', 'not-started', 'flagged'],
    ]);
  });

  it('refuses time reports out of (0, 600] seconds and on annotations not yours', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const bob = await fx.signedIn('Bob', 'annotator');
    const a = await ann.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
    for (const seconds of [0, -5, 600.5, Infinity, NaN]) {
      expect(await ann.call('worklist:addTime', { annotationId: a.id, seconds })).toMatchObject({
        ok: false,
        error: { code: 'bad-input' },
      });
    }
    expect(
      await ann.call('worklist:addTime', { annotationId: a.id, seconds: '5' as unknown as number }),
    ).toMatchObject({
      ok: false,
      error: { message: 'seconds must be a number' },
    });
    expect(await bob.call('worklist:addTime', { annotationId: a.id, seconds: 5 })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await bob.call('worklist:setStatus', { annotationId: a.id, status: 'done' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await ann.call('worklist:setStatus', { annotationId: a.id, status: 'finished' as 'done' }),
    ).toMatchObject({
      ok: false,
      error: { message: 'status must be one of: not-started, in-progress, done, flagged' },
    });
    expect((await ann.ok('worklist:get', { projectId: fx.projectId }))[0]).toMatchObject({
      status: 'not-started',
      timeSpentSec: 0,
    });
  });

  it('answers not-found for a project that does not exist', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    expect(await ann.call('worklist:get', { projectId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });
});

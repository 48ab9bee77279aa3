// Derived masks: stored with their derivation, listed as their method, blinded until review, editable by
// reviewers and admins only.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { saveDerivedMask } from './derived';
import { fill, labellingFixture } from '../test-support/labelling';
import type { Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

describe('saveDerivedMask', () => {
  it('stores a consensus with its inputs, hidden from annotators until the case is opened for review', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const rev = await fx.signedIn('Rita', 'reviewer');
    const volumeId = fx.volumes[0]!.id;
    const a = await ann.ok('annotation:open', { volumeId });
    const ra = await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 4, 0, 6, 0, 4], 1),
    });
    const labels = new Uint8Array(8 * 6 * 4);
    labels.fill(1, 0, 10);
    labels[20] = 255; // an undecided voxel (label voting ties): the label is created
    const ws = fx.services.app.workspace;
    const saved = await saveDerivedMask(ws, {
      volumeId,
      labels,
      author: 'Rita',
      derivation: { method: 'STAPLE', parameters: { iterations: 5 }, inputRevisionIds: [ra.id] },
    });
    expect(saved.labelsCreated).toEqual([255]);
    expect(saved.revision).toMatchObject({
      parentId: null,
      author: 'Rita',
      tool: 'derive',
      provenance: { method: 'STAPLE', parameters: { iterations: 5 }, inputRevisionIds: [ra.id] },
      labelVoxels: { '1': 10, '255': 1 },
    });
    expect(
      (await rev.ok('annotation:list', { volumeId })).map((x) => [x.kind, x.authorName, x.annotatorId]),
    ).toEqual([
      ['manual', 'Ann', expect.any(Number)],
      ['derived', 'STAPLE', null],
    ]);
    expect((await ann.ok('annotation:list', { volumeId })).map((x) => x.authorName)).toEqual(['Ann']);
    expect(await ann.call('annotation:mask', { revisionId: saved.revision.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await rev.ok('case:openReview', { caseId: fx.volumes[0]!.caseId });
    // Ann sees it once she has submitted the case too (the review gate).
    await ann.ok('case:submit', { caseId: fx.volumes[0]!.caseId });
    expect((await ann.ok('annotation:mask', { revisionId: saved.revision.id })).data[20]).toBe(255);
    // Reviewers may correct a consensus; annotators may not.
    const patch = fill([0, 1, 0, 1, 0, 1], 0);
    expect(
      await ann.call('annotation:commit', {
        annotationId: saved.annotationId,
        parentRevisionId: saved.revision.id,
        tool: 'eraser',
        patch,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const fixed = await rev.ok('annotation:commit', {
      annotationId: saved.annotationId,
      parentRevisionId: saved.revision.id,
      tool: 'eraser',
      patch,
    });
    expect(fixed).toMatchObject({ author: 'Rita', labelVoxels: { '1': 9, '255': 1 } });
    expect(listAudit(ws.db).some((e) => e.action === 'annotation.derive' && e.actor === 'Rita')).toBe(true);
  });

  it('refuses inputs from another volume and masks of the wrong size, storing nothing', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const other = await ann.ok('annotation:open', { volumeId: fx.volumes[1]!.id });
    const r = await ann.ok('annotation:commit', {
      annotationId: other.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    const ws = fx.services.app.workspace;
    const base = {
      volumeId: fx.volumes[0]!.id,
      author: 'x',
      derivation: { method: 'vote', parameters: {}, inputRevisionIds: [r.id] },
    };
    await expect(saveDerivedMask(ws, { ...base, labels: new Uint8Array(192) })).rejects.toThrow(
      `input revision ${r.id} is not a revision of volume ${fx.volumes[0]!.id}`,
    );
    await expect(
      saveDerivedMask(ws, {
        ...base,
        derivation: { ...base.derivation, inputRevisionIds: [] },
        labels: new Uint8Array(5),
      }),
    ).rejects.toThrow(/the mask has 5 voxels, volume \d+ has 192/);
    await expect(saveDerivedMask(ws, { ...base, volumeId: 99, labels: new Uint8Array(5) })).rejects.toThrow(
      'volume 99 does not exist',
    );
    expect(
      (ws.db.prepare("SELECT count(*) AS n FROM annotations WHERE kind = 'derived'").get() as { n: number })
        .n,
    ).toBe(0);
  });
});

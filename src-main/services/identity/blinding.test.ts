// Blinding, enforced in main: an annotator sees (list, mask, history) only their own annotation of a case
// until a reviewer or admin opens the case for review and they have submitted it; reviewers and admins see all.
import { afterEach, describe, expect, it } from 'vitest';
import { fill, labellingFixture } from '../test-support/labelling';
import type { Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

async function twoAnnotators() {
  fx = await labellingFixture();
  const ann = await fx.signedIn('Ann', 'annotator');
  const bob = await fx.signedIn('Bob', 'annotator');
  const rev = await fx.signedIn('Rita', 'reviewer');
  const volumeId = fx.volumes[0]!.id;
  const a = await ann.ok('annotation:open', { volumeId });
  const b = await bob.ok('annotation:open', { volumeId });
  const ra = await ann.ok('annotation:commit', {
    annotationId: a.id,
    parentRevisionId: null,
    tool: 'brush',
    patch: fill([0, 2, 0, 2, 0, 1], 1),
  });
  const rb = await bob.ok('annotation:commit', {
    annotationId: b.id,
    parentRevisionId: null,
    tool: 'brush',
    patch: fill([4, 8, 0, 6, 0, 4], 1),
  });
  return { ann, bob, rev, volumeId, a, b, ra, rb, caseId: fx.volumes[0]!.caseId };
}

describe('blinding', () => {
  it("hides another annotator's annotation from the list, its mask and its history", async () => {
    const { ann, bob, volumeId, a, b, ra, rb } = await twoAnnotators();
    expect((await ann.ok('annotation:list', { volumeId })).map((x) => x.authorName)).toEqual(['Ann']);
    expect((await bob.ok('annotation:list', { volumeId })).map((x) => x.authorName)).toEqual(['Bob']);
    for (const [w, theirs, theirRevision] of [
      [ann, b.id, rb.id],
      [bob, a.id, ra.id],
    ] as const) {
      const mask = await w.call('annotation:mask', { revisionId: theirRevision });
      expect(mask).toMatchObject({
        ok: false,
        error: {
          code: 'forbidden',
          message: expect.stringMatching(/blinded until their case is opened for review/),
        },
      });
      expect(JSON.stringify(mask)).not.toMatch(/Ann|Bob/);
      const history = await w.call('annotation:history', { annotationId: theirs });
      expect(history).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // Their own stays readable.
    expect((await ann.ok('annotation:mask', { revisionId: ra.id })).data[0]).toBe(1);
    expect(await ann.ok('annotation:history', { annotationId: a.id })).toHaveLength(1);
  });

  it('shows reviewers and admins every annotation', async () => {
    const { rev, volumeId, ra, rb } = await twoAnnotators();
    const admin = await fx.signedIn('Admin', 'admin');
    for (const w of [rev, admin]) {
      expect((await w.ok('annotation:list', { volumeId })).map((x) => x.authorName)).toEqual(['Ann', 'Bob']);
      expect((await w.ok('annotation:mask', { revisionId: ra.id })).data[0]).toBe(1);
      expect((await w.ok('annotation:mask', { revisionId: rb.id })).data[7]).toBe(1);
    }
  });

  it('unblinds a case once a reviewer opens it for review, and only that case', async () => {
    const { ann, rev, volumeId, rb, caseId } = await twoAnnotators();
    // Bob also labels the other case; it stays blinded.
    const bob = await fx.signedIn('Bob', 'annotator');
    const other = await bob.ok('annotation:open', { volumeId: fx.volumes[1]!.id });
    expect(await ann.call('case:openReview', { caseId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/needs the role reviewer or admin/) },
    });
    expect(await ann.ok('case:reviewState', { caseId })).toEqual({
      caseId,
      reviewOpenedAt: null,
      reviewOpenedBy: null,
    });
    const opened = await rev.ok('case:openReview', { caseId });
    expect(opened).toMatchObject({ caseId, reviewOpenedBy: 'Rita' });
    // Opening again changes nothing.
    expect(await rev.ok('case:openReview', { caseId })).toEqual(opened);
    // Ann has not submitted: she stays blinded on the open case (the server refuses, whatever the app shows).
    expect((await ann.ok('annotation:list', { volumeId })).map((x) => x.authorName)).toEqual(['Ann']);
    expect(await ann.call('annotation:mask', { revisionId: rb.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/until you submit this case/) },
    });
    await ann.ok('case:submit', { caseId });
    expect((await ann.ok('annotation:list', { volumeId })).map((x) => x.authorName)).toEqual(['Ann', 'Bob']);
    expect((await ann.ok('annotation:mask', { revisionId: rb.id })).data[7]).toBe(1);
    expect(await ann.ok('annotation:list', { volumeId: fx.volumes[1]!.id })).toEqual([]);
    expect(await ann.call('annotation:history', { annotationId: other.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Unblinded is not editable: Bob's annotation is still Bob's.
    const edit = await ann.call('annotation:commit', {
      annotationId: rb.annotationId,
      parentRevisionId: rb.id,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    expect(edit).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it("keeps another annotator's rows out of an annotator's worklist", async () => {
    const { ann, rev } = await twoAnnotators();
    const own = await ann.ok('worklist:get', { projectId: fx.projectId });
    expect(new Set(own.map((r) => r.annotatorName))).toEqual(new Set(['Ann']));
    const all = await rev.ok('worklist:get', { projectId: fx.projectId });
    expect(new Set(all.filter((r) => r.annotationId !== null).map((r) => r.annotatorName))).toEqual(
      new Set(['Ann', 'Bob']),
    );
    // A volume nobody labelled is listed once, as the reviewer's own work to do.
    expect(all.filter((r) => r.annotationId === null).every((r) => r.annotatorName === 'Rita')).toBe(true);
  });

  it("keeps another annotator's audit rows from an annotator and a signed-out window", async () => {
    const { ann, rev, a, b, caseId } = await twoAnnotators();
    const about = (rows: { detail: Record<string, unknown> }[]) =>
      new Set(rows.map((r) => r.detail['annotationId']).filter((x) => x !== undefined));
    expect(about(await ann.ok('audit:list', {}))).toEqual(new Set([a.id]));
    expect(about(await rev.ok('audit:list', {}))).toEqual(new Set([a.id, b.id]));
    const out = await fx.window().ok('audit:list', {});
    expect(about(out)).toEqual(new Set());
    // Rows about no annotation (the imports) stay readable signed out.
    expect(out.some((r) => r.action === 'volume.import')).toBe(true);
    // The limit counts the rows returned, not the rows skipped.
    expect(await ann.ok('audit:list', { limit: 2 })).toHaveLength(2);
    await rev.ok('case:openReview', { caseId });
    expect(about(await ann.ok('audit:list', {}))).toEqual(new Set([a.id]));
    await ann.ok('case:submit', { caseId });
    expect(about(await ann.ok('audit:list', {}))).toEqual(new Set([a.id, b.id]));
  });

  it("sends an annotation's change events only to the windows that may see it", async () => {
    const { ann, bob, rev, a, ra } = await twoAnnotators();
    const signedOut = fx.window();
    const before = bob.events.length;
    const r = await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: ra.id,
      tool: 'eraser',
      patch: fill([0, 1, 0, 1, 0, 1], 0),
    });
    const last = {
      event: 'annotation:changed',
      payload: { annotationId: a.id, headRevisionId: r.id, author: 'Ann' },
    };
    expect(ann.events.at(-1)).toEqual(last);
    expect(rev.events.at(-1)).toEqual(last);
    expect(
      bob.events.slice(before).filter((e) => JSON.stringify(e).includes(`"annotationId":${a.id}`)),
    ).toEqual([]);
    expect(signedOut.events).toEqual([]);
  });

  it("sends adjudication events to reviewers' and admins' windows, never an annotator's", async () => {
    const { ann, rev, volumeId, caseId, ra } = await twoAnnotators();
    const other = await fx.signedIn('Olga', 'reviewer');
    await rev.ok('case:openReview', { caseId });
    const annBefore = ann.events.length;
    const st = await rev.ok('adjudication:start', {
      volumeId,
      seedRevisionId: ra.id,
      rationale: 'start from Ann',
    });
    const heard = (w: typeof rev) =>
      w.events.filter(
        (e) =>
          e.event === 'adjudication:changed' &&
          (e.payload as { adjudicationId: number }).adjudicationId === st.id,
      ).length;
    // The step is in the log for profiles, not for a signed-out window.
    expect((await ann.ok('audit:list', {})).some((r) => r.action === 'adjudication.start')).toBe(true);
    expect((await fx.window().ok('audit:list', {})).some((r) => r.action === 'adjudication.start')).toBe(
      false,
    );
    expect(heard(rev)).toBeGreaterThan(0);
    expect(heard(other)).toBeGreaterThan(0);
    expect(ann.events.slice(annBefore).filter((e) => e.event === 'adjudication:changed')).toEqual([]);
  });

  it('sends training progress and status to every signed-in window, none to a signed-out one', async () => {
    const { ann, rev } = await twoAnnotators();
    const signedOut = fx.window();
    const progress = {
      runId: 1,
      kind: 'batch' as const,
      epoch: 0,
      epochs: 2,
      batch: 3,
      batches: 10,
      loss: 0.5,
      imagesPerSecond: 10,
      etaSeconds: 20,
      elapsedSeconds: 1,
    };
    rev.ctx.publish('training:progress', progress);
    rev.ctx.publish('training:status', {
      runId: 1,
      status: 'running',
      modelId: null,
      error: null,
      backend: null,
    });
    const training = (w: typeof rev) =>
      w.events.filter((e) => e.event.startsWith('training:')).map((e) => e.event);
    expect(training(rev)).toEqual(['training:progress', 'training:status']);
    expect(training(ann)).toEqual(['training:progress', 'training:status']);
    expect(signedOut.events).toEqual([]);
  });
});

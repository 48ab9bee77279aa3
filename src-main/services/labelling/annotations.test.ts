// Annotations through the real handlers: every commit a new revision on the volume's grid, conflicts,
// refusals that change nothing, revert, history with voxel counts, events, and the head cache.
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listAudit, verifyAudit } from '../../db/audit';
import { decodeMask } from '../../workspace/mask-codec';
import { fill, labellingFixture } from '../test-support/labelling';
import type { Fixture, Window } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => {
  vi.restoreAllMocks();
  fx?.close();
});

async function annWithAnnotation(): Promise<{ ann: Window; annotationId: number; volumeId: number }> {
  fx = await labellingFixture();
  const ann = await fx.signedIn('Ann', 'annotator');
  const volumeId = fx.volumes[0]!.id;
  const { id } = await ann.ok('annotation:open', { volumeId });
  return { ann, annotationId: id, volumeId };
}

/** The expected 8x6x4 mask, i fastest, with the given boxes filled. */
function expected(...fills: [[number, number, number, number, number, number], number][]): number[] {
  const out = new Array<number>(8 * 6 * 4).fill(0);
  for (const [[i0, i1, j0, j1, k0, k1], v] of fills)
    for (let k = k0; k < k1; k++)
      for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) out[i + j * 8 + k * 48] = v;
  return out;
}

function rowCount(table: string): number {
  return (fx.services.app.workspace.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number })
    .n;
}

describe('annotation:open', () => {
  it("creates the signed-in annotator's annotation once and returns it after", async () => {
    const { ann, annotationId, volumeId } = await annWithAnnotation();
    const again = await ann.ok('annotation:open', { volumeId });
    expect(again).toMatchObject({
      id: annotationId,
      kind: 'manual',
      authorName: 'Ann',
      headRevisionId: null,
      revisionCount: 0,
      status: 'not-started',
    });
    expect(rowCount('annotations')).toBe(1);
    expect(await ann.call('annotation:open', { volumeId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });
});

describe('annotation:commit', () => {
  it('applies each patch to the head and stores a new revision with author, tool, parent and time', async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const r1 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([1, 4, 1, 3, 0, 2], 1),
    });
    expect(r1).toMatchObject({
      annotationId,
      parentId: null,
      author: 'Ann',
      tool: 'brush',
      labelVoxels: { '1': 12 },
    });
    expect(Date.parse(r1.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    const r2 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: r1.id,
      tool: 'eraser',
      patch: fill([2, 3, 1, 2, 0, 1], 0),
    });
    expect(r2).toMatchObject({ parentId: r1.id, tool: 'eraser', labelVoxels: { '1': 11 } });
    // Labels i fastest: the erased voxel is (2, 1, 0).
    const mask1 = await ann.ok('annotation:mask', { revisionId: r1.id });
    const mask2 = await ann.ok('annotation:mask', { revisionId: r2.id });
    expect(mask1.dims).toEqual([8, 6, 4]);
    expect([...mask1.data]).toEqual(expected([[1, 4, 1, 3, 0, 2], 1]));
    const want2 = expected([[1, 4, 1, 3, 0, 2], 1]);
    want2[2 + 1 * 8] = 0;
    expect([...mask2.data]).toEqual(want2);
    // Never an overwrite: the first revision still has its own content.
    expect(rowCount('annotation_revisions')).toBe(2);
    const info = await ann.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
    expect(info).toMatchObject({ headRevisionId: r2.id, revisionCount: 2, status: 'in-progress' });
    expect(info.updatedAt).toBe(r2.createdAt);
  });

  it('stores the mask compressed in a content-addressed blob, written before its row', async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const ws = fx.services.app.workspace;
    const r = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 8, 0, 6, 0, 4], 1),
    });
    const { blob_sha256: sha } = ws.db
      .prepare('SELECT blob_sha256 FROM annotation_revisions WHERE id = ?')
      .get(r.id) as { blob_sha256: string };
    const bytes = fs.readFileSync(ws.blobs.pathOf(sha));
    expect(bytes.length).toBeLessThan(8 * 6 * 4);
    expect(decodeMask(bytes, [8, 6, 4]).labels.every((v) => v === 1)).toBe(true);
    const audit = listAudit(ws.db).find((a) => a.action === 'annotation.commit')!;
    expect(audit).toMatchObject({
      actor: 'Ann',
      detail: {
        annotationId,
        revisionId: r.id,
        parentId: null,
        tool: 'brush',
        sha256: sha,
        box: [0, 8, 0, 6, 0, 4],
      },
    });
    expect(verifyAudit(ws.db).intact).toBe(true);
  });

  it('pushes annotation:changed with the new head after each commit', async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const r = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    expect(ann.events).toEqual([
      { event: 'annotation:changed', payload: { annotationId, headRevisionId: r.id, author: 'Ann' } },
    ]);
  });

  it("refuses ('conflict') a parent that is not the head, changing nothing", async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const r1 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 2, 0, 2, 0, 1], 1),
    });
    await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: r1.id,
      tool: 'brush',
      patch: fill([4, 6, 0, 2, 0, 1], 1),
    });
    for (const parentRevisionId of [r1.id, null]) {
      const stale = await ann.call('annotation:commit', {
        annotationId,
        parentRevisionId,
        tool: 'brush',
        patch: fill([0, 8, 0, 6, 0, 4], 1),
      });
      expect(stale).toMatchObject({
        ok: false,
        error: {
          code: 'conflict',
          message: expect.stringMatching(/changed meanwhile: its head is revision \d+/),
        },
      });
    }
    expect(rowCount('annotation_revisions')).toBe(2);
  });

  it('serialises racing commits: of two built on the same head, the second is a conflict', async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const [a, b] = await Promise.all([
      ann.call('annotation:commit', {
        annotationId,
        parentRevisionId: null,
        tool: 'brush',
        patch: fill([0, 1, 0, 1, 0, 1], 1),
      }),
      ann.call('annotation:commit', {
        annotationId,
        parentRevisionId: null,
        tool: 'brush',
        patch: fill([1, 2, 0, 1, 0, 1], 1),
      }),
    ]);
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // The loser's voxels are not in the head.
    const head = await ann.ok('annotation:mask', { revisionId: (a as { value: { id: number } }).value.id });
    expect([head.data[0], head.data[1]]).toEqual([1, 0]);
  });

  const badPatches: [string, unknown, RegExp][] = [
    [
      'a box past the grid',
      fill([0, 9, 0, 1, 0, 1], 1),
      /patch box \[0, 9, 0, 1, 0, 1\] lies outside the 8×6×4 grid/,
    ],
    ['a negative corner', fill([0, 1, -1, 1, 0, 1], 1), /lies outside the 8×6×4 grid/],
    ['an empty box', { box: [2, 2, 0, 1, 0, 1], data: new Uint8Array(0) }, /is empty/],
    ['fractional indices', { box: [0, 1.5, 0, 1, 0, 1], data: new Uint8Array(1) }, /six integers/],
    ['five numbers', { box: [0, 1, 0, 1, 0], data: new Uint8Array(1) }, /six integers/],
    [
      'too little data',
      { box: [0, 2, 0, 2, 0, 1], data: new Uint8Array(3) },
      /patch data holds 3 labels, its box 4/,
    ],
    ['data that is not bytes', { box: [0, 1, 0, 1, 0, 1], data: [1] }, /Uint8Array/],
    ['a label the project lacks', fill([0, 1, 0, 1, 0, 1], 7), /label 7 is not defined in this project/],
  ];
  for (const [name, patch, message] of badPatches) {
    it(`refuses ${name} with one line, changing nothing`, async () => {
      const { ann, annotationId } = await annWithAnnotation();
      const r1 = await ann.ok('annotation:commit', {
        annotationId,
        parentRevisionId: null,
        tool: 'brush',
        patch: fill([0, 1, 0, 1, 0, 1], 1),
      });
      const before = rowCount('annotation_revisions');
      const r = await ann.call('annotation:commit', {
        annotationId,
        parentRevisionId: r1.id,
        tool: 'brush',
        patch: patch as never,
      });
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'bad-input', message: expect.stringMatching(message) },
      });
      expect(r.ok === false && r.error.message.includes('\n')).toBe(false);
      expect(rowCount('annotation_revisions')).toBe(before);
      const head = await ann.ok('annotation:mask', { revisionId: r1.id });
      expect([...head.data]).toEqual(expected([[0, 1, 0, 1, 0, 1], 1]));
    });
  }

  it("refuses an edit of another annotator's annotation", async () => {
    const { annotationId } = await annWithAnnotation();
    const bob = await fx.signedIn('Bob', 'annotator');
    const admin = await fx.signedIn('Admin', 'admin');
    for (const w of [bob, admin]) {
      const r = await w.call('annotation:commit', {
        annotationId,
        parentRevisionId: null,
        tool: 'brush',
        patch: fill([0, 1, 0, 1, 0, 1], 1),
      });
      expect(r).toMatchObject({
        ok: false,
        error: {
          code: 'forbidden',
          message: expect.stringMatching(/another annotator's: only they can edit it/),
        },
      });
    }
    expect(rowCount('annotation_revisions')).toBe(0);
  });

  it('keeps the cached head intact when saving fails, so the next edit is still right', async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const r1 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 2, 0, 2, 0, 1], 1),
    });
    const blobs = fx.services.app.workspace.blobs;
    vi.spyOn(blobs, 'put').mockRejectedValueOnce(new Error('disk on fire'));
    const failed = await ann.call('annotation:commit', {
      annotationId,
      parentRevisionId: r1.id,
      tool: 'brush',
      patch: fill([0, 8, 0, 6, 0, 4], 1),
    });
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(rowCount('annotation_revisions')).toBe(1);
    const r2 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: r1.id,
      tool: 'brush',
      patch: fill([7, 8, 5, 6, 3, 4], 1),
    });
    const head = await ann.ok('annotation:mask', { revisionId: r2.id });
    expect([...head.data]).toEqual(expected([[0, 2, 0, 2, 0, 1], 1], [[7, 8, 5, 6, 3, 4], 1]));
    expect(r2.labelVoxels).toEqual({ '1': 5 });
  });

  it('reads a head written by another process (not the stale cache) before patching it', async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const r1 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    // Another process (e.g. `concord masks import`) adds a revision behind this one's cache.
    const { MaskStore } = await import('../masks/mask-store');
    const other = new MaskStore(fx.services.app.workspace);
    await other.commitPatch({
      annotationId,
      parentRevisionId: r1.id,
      tool: 'import',
      author: 'Ann',
      patch: fill([5, 6, 0, 1, 0, 1], 1),
    });
    const head = (await ann.ok('annotation:open', { volumeId: fx.volumes[0]!.id })).headRevisionId!;
    const r3 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: head,
      tool: 'brush',
      patch: fill([3, 4, 0, 1, 0, 1], 1),
    });
    const mask = await ann.ok('annotation:mask', { revisionId: r3.id });
    expect([mask.data[0], mask.data[3], mask.data[5]]).toEqual([1, 1, 1]);
    expect(r3.labelVoxels).toEqual({ '1': 3 });
  });
});

describe('annotation:history and annotation:revert', () => {
  it('lists revisions oldest first with per-label voxel counts, and reverts to an earlier one as a new head', async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const admin = await fx.signedIn('Admin', 'admin');
    await admin.ok('label:save', {
      projectId: fx.projectId,
      value: 2,
      name: 'Vessel',
      color: '#0000ff',
      visible: true,
      opacity: 0.4,
    });
    const r1 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 2, 0, 2, 0, 2], 1),
    });
    const r2 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: r1.id,
      tool: 'threshold',
      patch: fill([4, 8, 0, 1, 0, 1], 2),
    });
    const r3 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: r2.id,
      tool: 'eraser',
      patch: fill([0, 8, 0, 6, 0, 4], 0),
    });
    const back = await ann.ok('annotation:revert', { annotationId, revisionId: r2.id });
    expect(back).toMatchObject({
      parentId: r3.id,
      tool: 'revert',
      author: 'Ann',
      provenance: { revertedTo: r2.id },
      labelVoxels: { '1': 8, '2': 4 },
    });
    const history = await ann.ok('annotation:history', { annotationId });
    expect(history.map((h) => [h.id, h.parentId, h.tool, h.labelVoxels])).toEqual([
      [r1.id, null, 'brush', { '1': 8 }],
      [r2.id, r1.id, 'threshold', { '1': 8, '2': 4 }],
      [r3.id, r2.id, 'eraser', {}],
      [back.id, r3.id, 'revert', { '1': 8, '2': 4 }],
    ]);
    const m2 = await ann.ok('annotation:mask', { revisionId: r2.id });
    const mBack = await ann.ok('annotation:mask', { revisionId: back.id });
    expect([...mBack.data]).toEqual([...m2.data]);
    // The next edit builds on the reverted mask.
    const r5 = await ann.ok('annotation:commit', {
      annotationId,
      parentRevisionId: back.id,
      tool: 'brush',
      patch: fill([7, 8, 5, 6, 3, 4], 1),
    });
    expect(r5.labelVoxels).toEqual({ '1': 9, '2': 4 });
    expect(
      listAudit(fx.services.app.workspace.db).some(
        (a) => a.action === 'annotation.revert' && a.detail['revertedTo'] === r2.id,
      ),
    ).toBe(true);
  });

  it('refuses to revert to a revision of another annotation', async () => {
    const { ann, annotationId } = await annWithAnnotation();
    const other = await ann.ok('annotation:open', { volumeId: fx.volumes[1]!.id });
    const r = await ann.ok('annotation:commit', {
      annotationId: other.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    expect(await ann.call('annotation:revert', { annotationId, revisionId: r.id })).toMatchObject({
      ok: false,
      error: {
        code: 'not-found',
        message: `revision ${r.id} is not a revision of annotation ${annotationId}`,
      },
    });
  });
});

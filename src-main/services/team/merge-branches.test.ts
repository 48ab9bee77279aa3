// A reviewer merges the two branches of a forked annotation instead of picking one (merge-branches.ts),
// through the real handlers after real bundles: Ann's task went to a laptop and a desk workstation; the
// laptop erased part of her mask and labelled a new region, the desk relabelled a row (label 2, partly where
// the laptop erased) and labelled another region. The merge keeps every change of both, counts the voxels
// both changed differently and gives them the primary tip's label, records who merged and why in the
// provenance and the audit, removes nothing, and settles the fork. Blinding and the review gate hold.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forksOf } from '../../core/labelling/forks';
import { listAudit } from '../../db/audit';
import { headRevisionId, listRevisions, toRevisionInfo } from '../../db/repositories/revisions';
import { exportBundle } from '../exchange/export-bundle';
import { importBundle } from '../exchange/import-bundle';
import { edit, exchangeWorkspace, volumeIdOf } from '../test-support/exchange';
import { fill, labellingFixture, type Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

// Case A is 8x6x4: voxel (i, j, k) at i + 8*j + 48*k.
const at = (i: number, j: number, k: number) => i + 8 * j + 48 * k;

describe('merging the branches of a forked annotation', () => {
  it('keeps both branches’ edits, gives conflicts to the primary tip, audits it; blinding holds', async () => {
    fx = await labellingFixture();
    const ws = fx.services.app.workspace;
    const ann = await fx.signedIn('Ann', 'annotator');
    const bob = await fx.signedIn('Bob', 'annotator');
    const rita = await fx.signedIn('Rita', 'reviewer');
    const volumeId = fx.volumes[0]!.id;
    const caseId = fx.volumes[0]!.caseId;
    await rita.ok('label:save', {
      projectId: fx.projectId,
      value: 2,
      name: 'Edema',
      color: '#00ff00',
      visible: true,
      opacity: 0.5,
    });
    const own = await ann.ok('annotation:open', { volumeId });
    // The base: label 1 on i 0..3, j 0..3, k 0 (16 voxels).
    const r1 = await ann.ok('annotation:commit', {
      annotationId: own.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 4, 0, 4, 0, 1], 1),
    });
    await bob.ok('annotation:open', { volumeId });

    const task = path.join(fx.dir, 'task.concord-bundle');
    await exportBundle(ws, { kind: 'task', cases: ['A'], forAnnotator: 'Ann' }, task, 'Rita');
    const edits = {
      // Erases i 0..1 of the base (8 voxels); labels i 4..7, j 0..2, k 0..1 (24 voxels).
      laptop: [
        [[0, 2, 0, 4, 0, 1], 0],
        [[4, 8, 0, 3, 0, 2], 1],
      ],
      // Relabels the row j 0 of the base to 2 (i 0..1 of it the laptop erased); labels i 0..2, j 4..5, k 2..3.
      desk: [
        [[0, 4, 0, 1, 0, 1], 2],
        [[0, 3, 4, 6, 2, 4], 1],
      ],
    } as const;
    const results: string[] = [];
    for (const [name, boxes] of Object.entries(edits)) {
      const { ws: other } = await exchangeWorkspace(path.join(fx.dir, name));
      await importBundle(other, task, { actor: 'test', trust: true });
      for (const [box, label] of boxes) await edit(other, volumeIdOf(other), 'Ann', [...box], label);
      const out = path.join(fx.dir, `${name}.concord-bundle`);
      await exportBundle(other, { kind: 'result', cases: ['A'], forAnnotator: 'Ann' }, out, 'Ann');
      results.push(out);
      other.close();
    }
    for (const f of results) await importBundle(ws, f, { actor: 'Rita', trust: true });

    const [fork] = await rita.ok('annotation:branches', { volumeId });
    expect(fork).toMatchObject({ annotationId: own.id, forkedAfter: r1.id });
    const masks = await Promise.all(fork!.tips.map((t) => rita.ok('annotation:mask', { revisionId: t.id })));
    const laptopAt = masks.findIndex((m) => m.data[at(4, 0, 0)] === 1);
    const laptop = fork!.tips[laptopAt]!;
    const desk = fork!.tips[1 - laptopAt]!;
    const tips: [number, number] = [fork!.tips[0]!.id, fork!.tips[1]!.id];
    const request = { annotationId: own.id, tips, primary: laptop.id };

    // Blinding: Bob, still at work, may not merge (nor see) Ann's branches.
    expect(await bob.call('annotation:mergeBranches', request)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // The primary must be one of the tips.
    expect(await rita.call('annotation:mergeBranches', { ...request, primary: r1.id })).toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
    // Ann submits: her annotation is read-only to her; the reviewer still merges.
    await ann.ok('case:submit', { caseId });
    expect(await ann.call('annotation:mergeBranches', request)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/is submitted/) },
    });

    const merged = await rita.ok('annotation:mergeBranches', request);
    // i 0..1 of row j 0: the laptop erased, the desk relabelled: 2 conflicts, the laptop's (erased) wins.
    expect(merged.conflicts).toBe(2);
    expect(merged.base).toBe(r1.id);
    expect(merged.revision).toMatchObject({
      annotationId: own.id,
      parentId: fork!.headRevisionId,
      tool: 'merge-branches',
      author: laptop.author,
      provenance: {
        mergedBranches: { tips: [laptop.id, desk.id], base: r1.id, primary: laptop.id, conflicts: 2 },
        mergedBy: 'Rita',
      },
    });
    const m = (await rita.ok('annotation:mask', { revisionId: merged.revision.id })).data;
    expect([m[at(0, 0, 0)], m[at(1, 0, 0)]]).toEqual([0, 0]); // conflicts: the laptop's erase
    expect([m[at(2, 0, 0)], m[at(3, 0, 0)]]).toEqual([2, 2]); // only the desk relabelled these
    expect([m[at(0, 2, 0)], m[at(1, 3, 0)]]).toEqual([0, 0]); // the laptop's deletion is kept
    expect([m[at(2, 1, 0)], m[at(3, 3, 0)]]).toEqual([1, 1]); // the base, untouched by both
    expect([m[at(7, 2, 1)], m[at(2, 5, 3)]]).toEqual([1, 1]); // each branch's new region
    // 6 base voxels left + 24 (laptop) + 12 (desk) of label 1; 2 of label 2: nothing else lost or added.
    expect(merged.revision.labelVoxels).toEqual({ '1': 42, '2': 2 });
    expect([...m].filter((v) => v === 1).length).toBe(42);

    // Nothing removed: both tips stay in the history; the fork is settled.
    const history = await rita.ok('annotation:history', { annotationId: own.id });
    expect(history.map((r) => r.id)).toEqual(
      expect.arrayContaining([r1.id, laptop.id, desk.id, merged.revision.id]),
    );
    expect(await rita.ok('annotation:branches', { volumeId })).toEqual([]);
    const audit = listAudit(ws.db).filter((r) => r.action === 'annotation.mergeBranches');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'Rita',
      detail: {
        revisionId: merged.revision.id,
        annotation: 'Ann',
        mergedBy: 'Rita',
        mergedBranches: { tips: [laptop.id, desk.id], base: r1.id, primary: laptop.id, conflicts: 2 },
      },
    });
    // Merged once: the tips are no longer open, a second merge is a conflict.
    expect(await rita.call('annotation:mergeBranches', request)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/not a branch tip/) },
    });

    // The merge travels: on the laptop (its own tip the head, other revision ids) the desk's tip and the
    // merge come in; the merge is the head there and the fork is settled too.
    const back = path.join(fx.dir, 'merged.concord-bundle');
    await exportBundle(ws, { kind: 'result', cases: ['A'], forAnnotator: 'Ann' }, back, 'Rita');
    const { ws: lap } = await exchangeWorkspace(path.join(fx.dir, 'laptop'));
    try {
      await importBundle(lap, back, { actor: 'Ann', trust: true });
      const a = lap.db.prepare('SELECT id FROM annotations WHERE volume_id = ?').get(volumeIdOf(lap)) as {
        id: number;
      };
      const revs = listRevisions(lap.db, a.id).map(toRevisionInfo);
      const head = headRevisionId(lap.db, a.id);
      expect(revs.find((r) => r.id === head)).toMatchObject({
        tool: 'merge-branches',
        labelVoxels: { '1': 42, '2': 2 },
      });
      expect(forksOf(revs, head).tips).toEqual([]);
    } finally {
      lap.close();
    }
  });
});

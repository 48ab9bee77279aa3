// The consensus channels end to end through the real handler set, on case A of the labelling fixture
// (8x6x4 voxels of 0.8 x 0.8 x 2 mm): three raters with boxes whose overlaps are known by hand.
//   R1: i 0..3, all j, all k (96 voxels)   R2: i 2..5, all j, all k (96)   R3: i 0..3, all j, k 0..1 (48)
// Dice R1-R2 = 2*48/192 = 0.5, R1-R3 = 2*48/144, R2-R3 = 2*24/144. Majority (>= 2 of 3): i 2..3 everywhere
// and i 0..1 for k 0..1: 48 + 24 = 72 voxels. Unanimous: i 2..3, k 0..1 (24). Union 144, so 120 voxels
// where raters differ, all one region.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { threeRaterCase, VOXEL_ML, type ThreeRaters } from '../test-support/consensus';
import type { Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

const voxelMl = VOXEL_ML;

async function setup(open = true): Promise<ThreeRaters> {
  const s = await threeRaterCase(open);
  fx = s.fx;
  return s;
}

describe('consensus channels: access', () => {
  it('refuses annotators, signed-out windows and a case not yet open for review, changing nothing', async () => {
    const s = await setup(false);
    const before = listAudit(fx.services.app.workspace.db).length;
    const reqs = [
      ['consensus:compare', { jobId: 'c', volumeId: s.volumeId }],
      ['consensus:merge', { jobId: 'm', volumeId: s.volumeId, method: 'staple' }],
      ['consensus:agreement', { jobId: 'a', volumeId: s.volumeId, measure: 'votes' }],
      ['adjudication:get', { volumeId: s.volumeId }],
      ['adjudication:start', { volumeId: s.volumeId, seedRevisionId: s.revisions[0]! }],
    ] as const;
    for (const [channel, req] of reqs) {
      const closed = await s.rev.call(channel, req as never);
      expect(closed).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(!closed.ok && closed.error.message).toMatch(/opened for review/);
    }
    await s.rev.ok('case:openReview', { caseId: s.caseId });
    for (const [channel, req] of reqs) {
      const byAnnotator = await s.ann.call(channel, req as never);
      expect(byAnnotator).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(!byAnnotator.ok && byAnnotator.error.message).toMatch(/reviewer or admin/);
      // The message names no other rater.
      expect(!byAnnotator.ok && byAnnotator.error.message).not.toMatch(/R2|R3/);
      expect(await fx.window().call(channel, req as never)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    const db = fx.services.app.workspace.db;
    expect(listAudit(db).length).toBe(before + 1); // only the review opening
    expect(
      (db.prepare("SELECT count(*) AS n FROM annotations WHERE kind = 'derived'").get() as { n: number }).n,
    ).toBe(0);
  });
});

describe('consensus:compare and consensus:export', () => {
  it('gives every pair, Fleiss kappa and each rater vs vote and STAPLE, naming each rater revision', async () => {
    const s = await setup();
    const c = await s.rev.ok('consensus:compare', { jobId: 'cmp', volumeId: s.volumeId, label: 1 });
    expect(c.raters.map((r) => [r.index, r.annotationId, r.revisionId, r.name, r.kind])).toEqual([
      [0, s.annotations[0], s.revisions[0], 'R1', 'manual'],
      [1, s.annotations[1], s.revisions[1], 'R2', 'manual'],
      [2, s.annotations[2], s.revisions[2], 'R3', 'manual'],
    ]);
    expect(c.caseId).toBe(s.caseId);
    expect(c.grid.voxelMl).toBeCloseTo(voxelMl, 9);
    expect(c.pairs.map((p) => [p.a, p.b, p.dice])).toEqual([
      [0, 1, 0.5],
      [0, 2, 96 / 144],
      [1, 2, 48 / 144],
    ]);
    expect(c.pairs[0]!.volumeA_ml).toBeCloseTo(96 * voxelMl, 6);
    expect(c.pairs[0]!.hausdorff).toBeCloseTo(2 * 0.8, 6); // R2's i = 4, 5 are 1 and 2 voxels from R1
    expect(c.fleiss.kappa).not.toBeNull();
    const vote = c.versusConsensus.find((v) => v.method === 'vote')!;
    expect(vote.consensusVoxels).toBe(72);
    expect(vote.raters.map((r) => r.voxelsBoth)).toEqual([72, 48, 48]);
    expect(vote.raters[0]).toMatchObject({ rater: 0, sensitivity: 1, specificity: 1 - 24 / (192 - 72) });
    const st = c.versusConsensus.find((v) => v.method === 'staple')!;
    expect(st.iterations).toBeGreaterThan(0);
    expect(st.raters.every((r) => r.sensitivity !== null && r.specificity !== null)).toBe(true);
    expect(c.definitions.hd95).toMatch(/95th percentile/);
    expect(c.units['hausdorff']).toBe('mm');
    const progress = s.rev.events.filter((e) => e.event === 'consensus:progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((e) => (e.payload as { jobId: string }).jobId === 'cmp')).toBe(true);

    const csv = await s.rev.ok('consensus:export', { comparisonId: c.comparisonId, format: 'csv' });
    expect(csv.mimeType).toBe('text/csv');
    const lines = csv.text.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header).toEqual(
      expect.arrayContaining(['hausdorff_mm', 'volumeA_ml', 'hd95_mm', 'tolerance_mm', 'dice']),
    );
    expect(lines).toHaveLength(1 + 3 + 3 + 3 + 1); // pairs, vs vote, vs STAPLE, Fleiss
    const first = Object.fromEntries(lines[1]!.split(',').map((v, i) => [header[i], v]));
    expect(first).toMatchObject({ kind: 'pair', a: '0', b: '1', raterA: 'R1', raterB: 'R2', dice: '0.5' });
    expect(first['revisionA']).toBe(String(s.revisions[0]));
    expect(
      listAudit(fx.services.app.workspace.db, 5).map((e) => [e.action, e.actor, e.detail['format']]),
    ).toContainEqual(['consensus.export', 'Rita', 'csv']);
    const json = await s.rev.ok('consensus:export', { comparisonId: c.comparisonId, format: 'json' });
    expect(JSON.parse(json.text)).toMatchObject({ comparisonId: c.comparisonId, pairs: expect.any(Array) });
    expect(await s.rev.call('consensus:export', { comparisonId: 'gone', format: 'csv' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    // The annotator cannot export a comparison they learnt the id of.
    expect(
      await s.ann.call('consensus:export', { comparisonId: c.comparisonId, format: 'csv' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('says so when the label is absent or fewer than two raters are chosen', async () => {
    const s = await setup();
    const absent = await s.rev.call('consensus:compare', { jobId: 'x', volumeId: s.volumeId, label: 7 });
    expect(absent).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(!absent.ok && absent.error.message).toMatch(
      /label 7 is in none of the raters' masks \(labels present: 1\)/,
    );
    const one = await s.rev.call('consensus:compare', {
      jobId: 'x',
      volumeId: s.volumeId,
      annotationIds: [s.annotations[0]!],
    });
    expect(one).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(!one.ok && one.error.message).toMatch(/at least 2 raters/);
    const other = await s.rev.call('consensus:compare', {
      jobId: 'x',
      volumeId: fx.volumes[1]!.id,
      annotationIds: s.annotations,
    });
    expect(other).toMatchObject({ ok: false, error: { code: 'forbidden' } }); // case B is not open for review
  });

  it('cancels a job by its id', async () => {
    const s = await setup();
    const running = s.rev.call('consensus:compare', { jobId: 'stop', volumeId: s.volumeId });
    expect(await s.rev.ok('consensus:cancel', { jobId: 'stop' })).toEqual({ cancelled: true });
    expect(await running).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await s.rev.ok('consensus:cancel', { jobId: 'stop' })).toEqual({ cancelled: false });
    expect(await s.ann.call('consensus:cancel', { jobId: 'stop' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});

describe('consensus:merge', () => {
  it('stores STAPLE as a derived annotation with method, parameters and input revisions', async () => {
    const s = await setup();
    const r = await s.rev.ok('consensus:merge', { jobId: 'm', volumeId: s.volumeId, method: 'staple' });
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.raters.map((x) => x.revisionId)).toEqual(s.revisions);
    expect(r.raters.every((x) => x.sensitivity! > 0 && x.specificity! > 0)).toBe(true);
    expect(r.mask).toBeNull();
    expect(r.saved!.revision).toMatchObject({
      author: 'Rita',
      tool: 'staple',
      provenance: {
        method: 'STAPLE',
        parameters: { algorithm: 'staple', label: 1, threshold: 0.5, confidenceWeight: 1 },
        inputRevisionIds: s.revisions,
      },
    });
    expect(r.saved!.revision.labelVoxels['1']).toBe(r.foregroundVoxels);
    const list = await s.rev.ok('annotation:list', { volumeId: s.volumeId });
    expect(list.at(-1)).toMatchObject({ kind: 'derived', authorName: 'STAPLE', id: r.saved!.annotationId });
    expect(s.rev.events.some((e) => e.event === 'annotation:changed')).toBe(true);
    // A derived annotation is no rater by default, but may be included.
    const c = await s.rev.ok('consensus:compare', {
      jobId: 'c2',
      volumeId: s.volumeId,
      includeDerived: true,
      label: 1,
    });
    expect(c.raters.map((x) => x.name)).toEqual(['R1', 'R2', 'R3', 'STAPLE']);
  });

  it('votes with the chosen tie policy, returning the mask unsaved; multi-label STAPLE gives confusion matrices', async () => {
    const s = await setup();
    const v = await s.rev.ok('consensus:merge', {
      jobId: 'v',
      volumeId: s.volumeId,
      method: 'vote',
      label: 1,
      ties: 'background',
      save: false,
    });
    expect(v.saved).toBeNull();
    expect(v.mask!.reduce((n, x) => n + (x === 1 ? 1 : 0), 0)).toBe(72);
    expect(v).toMatchObject({
      foregroundVoxels: 72,
      undecidedVoxels: 0,
      tiedVoxels: 0,
      parameters: { ties: 'background' },
    });
    const two = await s.rev.ok('consensus:merge', {
      jobId: 'v2',
      volumeId: s.volumeId,
      method: 'vote',
      label: 1,
      annotationIds: [s.annotations[0]!, s.annotations[1]!],
      save: false,
    });
    expect(two.tiedVoxels).toBe(96); // R1 xor R2, each tie left undecided (255)
    expect(two.undecidedVoxels).toBe(96);
    const ml = await s.rev.ok('consensus:merge', { jobId: 'ml', volumeId: s.volumeId, method: 'mstaple' });
    expect(ml.confusion).toHaveLength(3);
    expect(ml.saved!.revision.provenance['method']).toBe('multi-label STAPLE');
    expect(
      await s.rev.call('consensus:merge', {
        jobId: 'x',
        volumeId: s.volumeId,
        method: 'staple',
        ties: 'background',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
    expect(
      await s.rev.call('consensus:merge', { jobId: 'x', volumeId: s.volumeId, method: 'simple' as 'vote' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
  });
});

describe('consensus:agreement', () => {
  it('maps votes per voxel and lists the disagreement region with its box, centroid and raters', async () => {
    const s = await setup();
    const a = await s.rev.ok('consensus:agreement', { jobId: 'a', volumeId: s.volumeId, measure: 'votes' });
    const at = (i: number, j: number, k: number) => i + j * 8 + k * 48;
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(a.data.length).toBe(8 * 6 * 4);
    expect([
      a.data[at(0, 0, 0)],
      a.data[at(2, 0, 0)],
      a.data[at(0, 0, 3)],
      a.data[at(5, 5, 3)],
      a.data[at(7, 0, 0)],
    ]).toEqual([2, 3, 1, 1, 0]);
    expect(a.maxValue).toBe(3);
    expect(a).toMatchObject({
      unanimousVoxels: 24,
      disagreementVoxels: 120,
      totalRegions: 1,
      connectivity: 26,
    });
    const g = a.regions[0]!;
    expect(g).toMatchObject({
      id: 1,
      voxels: 120,
      bbox: { min: [0, 0, 0], max: [5, 5, 3] },
      ratersIncluding: 3,
    });
    expect(g.raterVoxels).toEqual([96 - 24, 96 - 24, 48 - 24]);
    expect(g.volumeMl).toBeCloseTo(120 * voxelMl, 6);
    // LPS = the fixture volumes' affine: spacing 0.8, 0.8, 2 mm (stored as float32 by NIfTI), origin 0.
    expect(g.centroidLPS[0]).toBeCloseTo(g.centroidIJK[0] * 0.8, 6);
    expect(g.centroidLPS[2]).toBeCloseTo(g.centroidIJK[2] * 2, 6);
    expect(a.data[g.seedIJK[0] + g.seedIJK[1] * 8 + g.seedIJK[2] * 48]).toBeGreaterThan(0);
    expect(a.agreementId).toBe(`v${s.volumeId}:r${s.revisions.join(',')}:l1:c26`);
    const e = await s.rev.ok('consensus:agreement', {
      jobId: 'e',
      volumeId: s.volumeId,
      measure: 'entropy',
      connectivity: 6,
    });
    expect(e.data[at(2, 0, 0)]).toBe(0);
    expect(e.data[at(0, 0, 0)]).toBe(
      Math.round(255 * (-(2 / 3) * Math.log2(2 / 3) - (1 / 3) * Math.log2(1 / 3))),
    );
    const p = await s.rev.ok('consensus:agreement', { jobId: 'p', volumeId: s.volumeId, measure: 'staple' });
    expect(p.maxValue).toBe(255);
    expect(p.data[at(2, 0, 0)]).toBe(255);
    expect(p.data[at(7, 0, 0)]).toBe(0);
  });
});

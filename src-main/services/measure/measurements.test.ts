// Measurements through the real handlers: sizes computed in main from the volume's affine (0.8 × 0.8 × 2 mm
// test volume), blinding like annotations, only the author deletes or restores, every change audited, bad
// shapes refused with one clear line. (The NIfTI stores 0.8 as float32: sizes agree to 1e-6 mm.)
import { afterEach, describe, expect, it } from 'vitest';
import { labellingFixture, type Fixture } from '../test-support/labelling';

let fx: Fixture | undefined;
afterEach(() => fx?.close());

describe('measurements', () => {
  it('keeps a ruler and an ellipse with their sizes, blinded from other annotators until review', async () => {
    fx = await labellingFixture();
    const { id: volumeId, caseId } = fx.volumes[0]!;
    const ann = await fx.signedIn('Ann', 'annotator');
    const bob = await fx.signedIn('Bob', 'annotator');
    const rita = await fx.signedIn('Rita', 'reviewer');

    // A 3-4-5 triangle in voxels of 0.8 mm: 4 mm.
    const ruler = await ann.ok('measurement:create', {
      volumeId,
      kind: 'ruler',
      axis: 2,
      slice: 1,
      points: [
        [0, 0, 1],
        [3, 4, 1],
      ],
    });
    expect(ruler).toMatchObject({ name: 'Ruler 1', caseId, annotatorName: 'Ann', areaMm2: null });
    expect(ruler.lengthMm).toBeCloseTo(4, 6);
    // Coronal ellipse (j = 2): radii 1 voxel along i (0.8 mm) and 1 along k (2 mm): 1.6π mm².
    const ellipse = await ann.ok('measurement:create', {
      volumeId,
      kind: 'ellipse',
      axis: 1,
      slice: 2,
      points: [
        [1, 2, 0],
        [3, 2, 2],
      ],
    });
    expect(ellipse.name).toBe('Ellipse 1');
    expect(ellipse.areaMm2).toBeCloseTo(1.6 * Math.PI, 6);
    await bob.ok('measurement:create', {
      volumeId,
      kind: 'ruler',
      axis: 2,
      slice: 0,
      points: [
        [0, 0, 0],
        [1, 0, 0],
      ],
    });

    const names = async (w: typeof ann) => (await w.ok('measurement:list', { volumeId })).map((m) => m.name);
    expect(await names(ann)).toEqual(['Ruler 1', 'Ellipse 1']);
    expect(await names(bob)).toEqual(['Ruler 1']);
    expect((await rita.ok('measurement:list', { volumeId })).map((m) => m.annotatorName)).toEqual([
      'Ann',
      'Ann',
      'Bob',
    ]);
    // Nor is it in the audit rows Ann reads (its length is Bob's estimate); the reviewer reads them.
    const auditOf = async (w: typeof ann) =>
      (await w.ok('audit:list', { limit: 100 }))
        .filter((a) => a.action === 'measurement.create')
        .map((a) => a.actor);
    expect(await auditOf(ann)).toEqual(['Ann', 'Ann']);
    expect(await auditOf(rita)).toEqual(['Bob', 'Ann', 'Ann']);
    // Bob's ruler is not Ann's to delete, nor to learn of.
    const bobs = (await rita.ok('measurement:list', { volumeId }))[2]!;
    const hidden = await ann.call('measurement:delete', { measurementId: bobs.id });
    expect(hidden).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const refused = await rita.call('measurement:delete', { measurementId: bobs.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Open for review and submitted: Ann sees Bob's ruler.
    const annId = (await rita.ok('annotator:list', undefined)).find((p) => p.name === 'Ann')!.id;
    await rita.ok('assignment:add', { projectId: fx.projectId, annotatorIds: [annId], caseIds: [caseId] });
    await rita.ok('case:openReview', { caseId });
    expect(await names(ann)).toEqual(['Ruler 1', 'Ellipse 1']);
    await ann.ok('case:submit', { caseId });
    expect(await names(ann)).toEqual(['Ruler 1', 'Ellipse 1', 'Ruler 1']);
  });

  it('deletes and restores the same measurement, audited; the next one takes a new number', async () => {
    fx = await labellingFixture();
    const { id: volumeId } = fx.volumes[0]!;
    const ann = await fx.signedIn('Ann', 'annotator');
    const shape = {
      volumeId,
      kind: 'ruler' as const,
      axis: 0 as const,
      slice: 7,
      points: [
        [7, 0, 0],
        [7, 5, 3],
      ] as [[number, number, number], [number, number, number]],
    };
    const m = await ann.ok('measurement:create', shape);
    // Sagittal: 5 voxels along j (4 mm) and 3 along k (6 mm).
    expect(m.lengthMm).toBeCloseTo(Math.hypot(4, 6), 6);
    await ann.ok('measurement:delete', { measurementId: m.id });
    expect(await ann.ok('measurement:list', { volumeId })).toEqual([]);
    expect(await ann.call('measurement:delete', { measurementId: m.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await ann.ok('measurement:restore', { measurementId: m.id })).toEqual(m);
    expect((await ann.ok('measurement:create', shape)).name).toBe('Ruler 2');
    const audit = await ann.ok('audit:list', { limit: 20 });
    expect(audit.map((a) => a.action).filter((a) => a.startsWith('measurement.'))).toEqual([
      'measurement.create',
      'measurement.restore',
      'measurement.delete',
      'measurement.create',
    ]);
  });

  it('refuses shapes off the slice or the image, and a signed-out window', async () => {
    fx = await labellingFixture();
    const { id: volumeId } = fx.volumes[0]!;
    const ann = await fx.signedIn('Ann', 'annotator');
    const bad = async (req: Record<string, unknown>) => {
      const r = await ann.call('measurement:create', {
        volumeId,
        kind: 'ruler',
        axis: 2,
        slice: 1,
        ...req,
      } as never);
      return r.ok ? 'accepted' : `${r.error.code}: ${r.error.message}`;
    };
    expect(
      await bad({
        points: [
          [0, 0, 1],
          [3, 4, 2],
        ],
      }),
    ).toMatch(/^bad-input: .*on its slice/);
    expect(
      await bad({
        points: [
          [0, 0, 1],
          [30, 4, 1],
        ],
      }),
    ).toMatch(/^bad-input: .*outside the image/);
    expect(
      await bad({
        slice: 9,
        points: [
          [0, 0, 9],
          [1, 1, 9],
        ],
      }),
    ).toMatch(/^bad-input: slice 9 is outside/);
    expect(
      await bad({
        kind: 'angle',
        points: [
          [0, 0, 1],
          [1, 1, 1],
        ],
      }),
    ).toMatch(/^bad-input: kind must be/);
    expect(await bad({ points: [[0, 0, 1]] })).toMatch(/^bad-input: points must be two points/);
    const out = await fx.window().call('measurement:list', { volumeId });
    expect(out).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

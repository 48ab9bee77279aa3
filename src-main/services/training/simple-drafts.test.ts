// Simple models' drafts through the contract, computed in the trainer process (bundled as the build bundles
// it): Otsu and a CT window from one click give the fixture's disc exactly; watershed from one click finds
// it; a seeded draft stays its seeder's while the case is blinded; starting from it and marking the
// annotation done records an outcome under the method's name, beside the U-Net's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, EventChannel, Req, RequestChannel, Res } from '@contract';
import { findAnnotatorByName, insertAnnotator } from '../../db/repositories/annotators';
import { listAnnotationsOfVolume } from '../../db/repositories/annotations';
import { getRevision } from '../../db/repositories/revisions';
import { tempDir } from '../../test-support/tmp';
import { decodeMask } from '../../workspace/mask-codec';
import { dispatch } from '../dispatch';
import { DIMS, trainingFixture, type TrainingFixture } from '../test-support/training';
import { simpleDraftVolume } from './simple-drafts';

let f: TrainingFixture;
const dir = tempDir('concord-simple-drafts-');

beforeAll(async () => {
  // C0, C1 with three raters each; C2, C3 unlabelled.
  f = await trainingFixture(dir, 2, 2);
  // A reviewer (the fixture's raters are annotators).
  insertAnnotator(
    f.services.app.workspace.db,
    { name: 'Rita', role: 'reviewer', passwordHash: null },
    '2026-01-01T00:00:00Z',
  );
});
afterAll(() => f?.services.close());

function as(name: string, role: 'annotator' | 'reviewer' | 'admin' = 'annotator') {
  const a = findAnnotatorByName(f.services.app.workspace.db, name)!;
  const ctx = f.services.context(<E extends EventChannel>(_event: E, _payload: Events[E]) => undefined, {
    annotator: { id: a.id, name: a.name, role },
  });
  return {
    call<C extends RequestChannel>(channel: C, req: Req<C>) {
      return dispatch(f.services.handlers, channel, req, ctx, () => undefined);
    },
    async ok<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Res<C>> {
      const r = await this.call(channel, req);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
  };
}

/** The fixture's disc of case c (trainingFixture): radius 4 + c%4 voxels on slices 1..4, flat indices. */
function disc(c: number): Uint8Array {
  const [nx, ny, nz] = DIMS;
  const r = 4 + (c % 4);
  const cx = 12 + (c % 3) * 3;
  const cy = 14 + (c % 2) * 4;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 1; k <= 4; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if ((i - cx) ** 2 + (j - cy) ** 2 <= r * r) out[i + j * nx + k * nx * ny] = 1;
  return out;
}

async function labelsOf(revisionId: number): Promise<Uint8Array> {
  const ws = f.services.app.workspace;
  return decodeMask(await ws.blobs.read(getRevision(ws.db, revisionId)!.blobSha256), DIMS).labels;
}

function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i] ? 1 : 0) + (b[i] ? 1 : 0);
    if (a[i] && b[i]) inter++;
  }
  return (2 * inter) / n;
}

describe('simple drafts (draft:simple)', () => {
  it('Otsu and a CT window from one click on C2 give its disc exactly; the provenance names the method', async () => {
    const volumeId = f.volumes.get('C2')!;
    const ann = as('Ann');
    const otsu = await ann.ok('draft:simple', { jobId: 'o', volumeId, method: 'otsu', seeds: [[18, 14, 2]] });
    expect(otsu.method).toBe('otsu');
    expect(otsu.threshold).toBeGreaterThan(-800);
    expect(otsu.threshold).toBeLessThan(40);
    expect([...(await labelsOf(otsu.revisionId))]).toEqual([...disc(2)]);
    expect(otsu.foregroundVoxels).toBe(disc(2).reduce((s, v) => s + v, 0));
    const rev = getRevision(f.services.app.workspace.db, otsu.revisionId)!;
    expect(rev.provenance).toMatchObject({
      method: 'Otsu draft',
      parameters: { kind: 'ai-draft', method: 'otsu', modelId: null, seeds: [[18, 14, 2]], seededBy: 'Ann' },
    });
    const win = await ann.ok('draft:simple', {
      jobId: 'w',
      volumeId,
      method: 'window',
      seeds: [],
      window: { lo: 0, hi: 100 },
    });
    expect([...(await labelsOf(win.revisionId))]).toEqual([...disc(2)]);
  });

  it('watershed from one click on C3 finds its disc (Dice > 0.85)', async () => {
    const volumeId = f.volumes.get('C3')!;
    const r = await as('Bob').ok('draft:simple', {
      jobId: 'ws',
      volumeId,
      method: 'watershed',
      seeds: [[12, 18, 2]],
    });
    expect(dice(await labelsOf(r.revisionId), disc(3))).toBeGreaterThan(0.85);
  });

  it('a seeded draft is its seeder’s while the case is blinded; reviewers see every draft', async () => {
    const c2 = f.volumes.get('C2')!;
    const c3 = f.volumes.get('C3')!;
    const byAnn = (await as('Ann').ok('draft:list', { volumeId: c2 })).map((d) => d.authorName);
    expect(byAnn).toEqual(['Otsu draft', 'CT window draft']);
    // The window draft had no seeds: it tells nothing of Ann's reading, so Bob sees it; not the Otsu one.
    expect((await as('Bob').ok('draft:list', { volumeId: c2 })).map((d) => d.authorName)).toEqual([
      'CT window draft',
    ]);
    expect(await as('Ann').ok('draft:list', { volumeId: c3 })).toEqual([]);
    expect(
      (await as('Rita', 'reviewer').ok('draft:list', { volumeId: c3 })).map((d) => d.authorName),
    ).toEqual(['Watershed draft']);
  });

  it('bad input is refused with one line and stores nothing', async () => {
    const volumeId = f.volumes.get('C2')!;
    const before = listAnnotationsOfVolume(f.services.app.workspace.db, volumeId).length;
    const ann = as('Ann');
    const none = await ann.call('draft:simple', { jobId: 'x', volumeId, method: 'watershed', seeds: [] });
    expect(none).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    const outside = await ann.call('draft:simple', {
      jobId: 'y',
      volumeId,
      method: 'otsu',
      seeds: [[40, 0, 0]],
    });
    expect(outside).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'seed 40,0,0 lies outside the 32×32×6 volume' },
    });
    const method = await ann.call('draft:simple', {
      jobId: 'z',
      volumeId,
      method: 'kmeans' as 'otsu',
      seeds: [],
    });
    expect(method).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(listAnnotationsOfVolume(f.services.app.workspace.db, volumeId)).toHaveLength(before);
  });

  it('starting from a simple draft and marking it done records the outcome under its method', async () => {
    const volumeId = f.volumes.get('C2')!;
    const ann = as('Ann');
    const draft = (await ann.ok('draft:list', { volumeId }))[0]!;
    const started = await ann.ok('draft:start', { draftAnnotationId: draft.id });
    await ann.ok('worklist:setStatus', { annotationId: started.annotationId, status: 'done' });
    const outcomes = await as('Rita', 'reviewer').ok('draft:outcomes', { projectId: f.projectId });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      method: 'otsu',
      modelId: null,
      dice: 1,
      annotationId: started.annotationId,
    });
  });

  it('a cancelled draft stores nothing (the trainer process is ended)', async () => {
    const ws = f.services.app.workspace;
    const volumeId = f.volumes.get('C3')!;
    const before = listAnnotationsOfVolume(ws.db, volumeId).length;
    const controller = new AbortController();
    const run = simpleDraftVolume(ws, f.launcher, volumeId, { method: 'otsu', seeds: [] }, 'Ann', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toThrow(/cancelled/);
    expect(listAnnotationsOfVolume(ws.db, volumeId)).toHaveLength(before);
  });
});

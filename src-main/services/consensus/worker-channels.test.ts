// The consensus channels with their work in a real worker thread (consensus-worker.ts bundled with esbuild,
// as the build bundles it): the same answers as in this thread, progress pushed as events, cancel by job id.
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { fill, labellingFixture, type Fixture } from '../test-support/labelling';
import { inProcessRunner, workerRunner, type ConsensusRunner } from './runner';

let workerFile = '';
beforeAll(async () => {
  workerFile = path.join(tempDir('concord-worker-'), 'consensus-worker.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, '..', '..', 'workers', 'consensus-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: workerFile,
    logLevel: 'silent',
  });
});

const fixtures: Fixture[] = [];
afterEach(() => fixtures.splice(0).forEach((f) => f.close()));

async function caseWithRaters(runner: ConsensusRunner) {
  const fx = await labellingFixture({ consensusRunner: runner });
  fixtures.push(fx);
  const volumeId = fx.volumes[0]!.id;
  for (const [n, box] of (
    [
      [0, 4, 0, 6, 0, 4],
      [2, 6, 0, 5, 0, 4],
      [1, 4, 1, 6, 0, 3],
    ] as const
  ).entries()) {
    const w = await fx.signedIn(`R${n + 1}`, 'annotator');
    const a = await w.ok('annotation:open', { volumeId });
    await w.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([...box], 1),
    });
    // Submitted work is the default rater set of compare and the merges.
    await w.ok('case:submit', { caseId: fx.volumes[0]!.caseId });
  }
  const rev = await fx.signedIn('Rita', 'reviewer');
  await rev.ok('case:openReview', { caseId: fx.volumes[0]!.caseId });
  return { fx, rev, volumeId };
}

describe('consensus channels in a worker thread', () => {
  it('compare, agreement and merge give the in-thread answers, with progress events', async () => {
    const inWorker = await caseWithRaters(workerRunner(workerFile));
    const inThread = await caseWithRaters(inProcessRunner);
    const req = { jobId: 'j', volumeId: inWorker.volumeId, toleranceMm: 2 };
    const a = await inWorker.rev.ok('consensus:compare', req);
    const b = await inThread.rev.ok('consensus:compare', { ...req, volumeId: inThread.volumeId });
    expect(a.pairs).toEqual(b.pairs);
    expect(a.versusConsensus).toEqual(b.versusConsensus);
    const stages = inWorker.rev.events
      .filter((e) => e.event === 'consensus:progress')
      .map((e) => (e.payload as { stage: string }).stage);
    expect(stages).toContain('reading');
    expect(stages.length).toBeGreaterThan(2);
    const mapA = await inWorker.rev.ok('consensus:agreement', {
      jobId: 'g',
      volumeId: inWorker.volumeId,
      measure: 'staple',
    });
    const mapB = await inThread.rev.ok('consensus:agreement', {
      jobId: 'g',
      volumeId: inThread.volumeId,
      measure: 'staple',
    });
    expect(mapA.data).toEqual(mapB.data);
    expect(mapA.regions).toEqual(mapB.regions);
    const m = await inWorker.rev.ok('consensus:merge', {
      jobId: 'm',
      volumeId: inWorker.volumeId,
      method: 'mstaple',
    });
    const n = await inThread.rev.ok('consensus:merge', {
      jobId: 'm',
      volumeId: inThread.volumeId,
      method: 'mstaple',
    });
    expect(m.confusion).toEqual(n.confusion);
    expect(m.saved!.revision.labelVoxels).toEqual(n.saved!.revision.labelVoxels);
  });

  it('cancels a job through consensus:cancel', async () => {
    const { rev, volumeId } = await caseWithRaters(workerRunner(workerFile));
    const running = rev.call('consensus:agreement', { jobId: 'stop', volumeId, measure: 'votes' });
    expect(await rev.ok('consensus:cancel', { jobId: 'stop' })).toEqual({ cancelled: true });
    expect(await running).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });
});

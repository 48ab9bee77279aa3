// Every reader of revision masks, on revisions stored as deltas (mask-store.ts): each must see exactly the
// labels that were committed, never one patch taken for a mask. On case A of the labelling fixture (8x6x4)
// two raters each save a first mask (a snapshot) and then small strokes (deltas):
//  - labelling: annotation:mask of every revision, revert to a delta revision and a stroke after it;
//  - consensus inputs (loadMasks, what compare, merge and agreement decode);
//  - adjudication: a delta seed, strokes on the working mask, a decision that records the same labels
//    (same blob and chain), the sign-off's reference mask;
//  - training: targets (selectTargets), the trainer's mask files (whole-mask blobs materialised for delta
//    heads, which the trainer process decodes by path), the augmentation preview;
//  - mask import's "unchanged" check against a delta head.
// (Draft-vs-final Dice on a delta final revision: services/training/models-inference.test.ts; `concord masks
// export` of a delta revision: host/cli/masks.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/geometry/affine';
import { applyPatch } from '../../core/labelling/patch';
import type { Box, MaskPatch } from '../../core/labelling/patch';
import { getAnnotation } from '../../db/repositories/annotations';
import { getRevision, listRevisions, materialisedSnapshot } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import { writeNifti } from '../../io/nifti/write';
import type { ToTrainer } from '../../training/process/protocol';
import { collectBlobGarbage } from '../../workspace/blob-gc';
import { decodeMask } from '../../workspace/mask-codec';
import { loadMasks, selectRaters } from '../consensus/raters';
import { fill, labellingFixture, type Fixture, type Window } from '../test-support/labelling';
import { selectTargets } from '../training/targets';
import type { TrainerLauncher } from '../training/trainer-launcher';
import { TrainingService } from '../training/training-service';
import { importMaskFile } from './mask-import';
import { MaskStore } from './mask-store';
import { snapshotBlobOf } from './revision-reader';

let fx: Fixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

interface Rater {
  w: Window;
  annotationId: number;
  /** Expected labels per revision id. */
  masks: Map<number, Uint8Array>;
  head: number;
}

/** Saves a first mask, then `strokes` small patches (deltas: boxes under 1/8 of the 192 voxels). */
async function rater(
  f: Fixture,
  name: string,
  volume: number,
  first: Box,
  strokes: MaskPatch[],
): Promise<Rater> {
  const { id, dims } = f.volumes[volume]!;
  const w = await f.signedIn(name, 'annotator');
  const a = await w.ok('annotation:open', { volumeId: id });
  const mask = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const masks = new Map<number, Uint8Array>();
  let head: number | null = null;
  for (const p of [fill(first, 1), ...strokes]) {
    applyPatch(mask, dims, p);
    head = (
      await w.ok('annotation:commit', { annotationId: a.id, parentRevisionId: head, tool: 'brush', patch: p })
    ).id;
    masks.set(head, mask.slice());
  }
  return { w, annotationId: a.id, masks, head: head! };
}

const strokesA: MaskPatch[] = [
  fill([5, 7, 0, 2, 0, 1], 1),
  fill([0, 2, 0, 2, 0, 2], 0),
  fill([3, 5, 4, 6, 2, 4], 1),
];
const strokesB: MaskPatch[] = [fill([0, 1, 0, 5, 3, 4], 1), fill([6, 8, 5, 6, 0, 4], 1)];

async function setup(): Promise<{ f: Fixture; r1: Rater; r2: Rater; rev: Window }> {
  const f = (fx = await labellingFixture());
  const r1 = await rater(f, 'R1', 0, [0, 4, 0, 6, 0, 4], strokesA);
  const r2 = await rater(f, 'R2', 0, [2, 6, 0, 6, 0, 4], strokesB);
  const ws = f.services.app.workspace;
  for (const r of [r1, r2]) {
    const rows = listRevisions(ws.db, r.annotationId);
    expect(rows.map((x) => x.storage)).toEqual(['snapshot', ...rows.slice(1).map(() => 'delta')]);
  }
  const rev = await f.signedIn('Rita', 'reviewer');
  await rev.ok('case:openReview', { caseId: f.volumes[0]!.caseId });
  return { f, r1, r2, rev };
}

describe('readers of delta revisions', () => {
  it('labelling: every revision reads back, revert to a delta and a stroke after it', async () => {
    const { f, r1 } = await setup();
    const ws = f.services.app.workspace;
    const dims = f.volumes[0]!.dims;
    for (const [id, want] of r1.masks)
      expect(same((await r1.w.ok('annotation:mask', { revisionId: id })).data, want)).toBe(true);
    // A store with nothing cached decodes the head's chain.
    const head = getRevision(ws.db, r1.head)!;
    expect(same(await new MaskStore(ws).decodeRevision(head, dims), r1.masks.get(r1.head)!)).toBe(true);

    const target = [...r1.masks.keys()][1]!; // the first stroke: a delta
    const reverted = await r1.w.ok('annotation:revert', {
      annotationId: r1.annotationId,
      revisionId: target,
    });
    const row = getRevision(ws.db, reverted.id)!;
    const t = getRevision(ws.db, target)!;
    expect([row.storage, row.blobSha256, row.baseId, row.chainDepth]).toEqual([
      'delta',
      t.blobSha256,
      t.baseId,
      t.chainDepth,
    ]);
    expect(
      same((await r1.w.ok('annotation:mask', { revisionId: reverted.id })).data, r1.masks.get(target)!),
    ).toBe(true);
    const stroke = fill([7, 8, 5, 6, 3, 4], 1);
    const after = await r1.w.ok('annotation:commit', {
      annotationId: r1.annotationId,
      parentRevisionId: reverted.id,
      tool: 'brush',
      patch: stroke,
    });
    const want = r1.masks.get(target)!.slice();
    applyPatch(want, dims, stroke);
    expect(getRevision(ws.db, after.id)).toMatchObject({
      storage: 'delta',
      baseId: reverted.id,
      chainDepth: t.chainDepth + 1,
    });
    expect(same((await r1.w.ok('annotation:mask', { revisionId: after.id })).data, want)).toBe(true);
    expect(same(await new MaskStore(ws).decodeRevision(getRevision(ws.db, after.id)!, dims), want)).toBe(
      true,
    );
  });

  it('consensus inputs: the raters delta heads decode to their labels', async () => {
    const { f, r1, r2 } = await setup();
    const store = new MaskStore(f.services.app.workspace);
    const sel = selectRaters(
      store,
      { volumeId: f.volumes[0]!.id, annotationIds: [r1.annotationId, r2.annotationId] },
      2,
      'a test',
    );
    expect(sel.revisions.map((r) => [r.id, r.storage])).toEqual([
      [r1.head, 'delta'],
      [r2.head, 'delta'],
    ]);
    const masks = await loadMasks(store, sel);
    expect(same(masks[0]!, r1.masks.get(r1.head)!)).toBe(true);
    expect(same(masks[1]!, r2.masks.get(r2.head)!)).toBe(true);
  });

  it('adjudication: a delta seed, strokes on the working mask, a decision on the same labels, sign-off', async () => {
    const { f, r1, rev } = await setup();
    const ws = f.services.app.workspace;
    let st = await rev.ok('adjudication:start', { volumeId: f.volumes[0]!.id, seedRevisionId: r1.head });
    const seed = r1.masks.get(r1.head)!;
    expect(same((await rev.ok('annotation:mask', { revisionId: st.headRevisionId })).data, seed)).toBe(true);
    const stroke = fill([6, 8, 0, 1, 0, 2], 1);
    const edit = await rev.ok('annotation:commit', {
      annotationId: st.workingAnnotationId,
      parentRevisionId: st.headRevisionId,
      tool: 'brush',
      patch: stroke,
    });
    const editRow = getRevision(ws.db, edit.id)!;
    expect(editRow.storage).toBe('delta');
    const want = seed.slice();
    applyPatch(want, f.volumes[0]!.dims, stroke);
    st = await rev.ok('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: edit.id,
      rationale: 'the corner is nodule',
      kind: 'manual',
    });
    const changed = want.reduce((n, v, i) => n + (v !== seed[i] ? 1 : 0), 0);
    expect(changed).toBe(3);
    expect(st.decisions.at(-1)).toMatchObject({ kind: 'manual', voxelsChanged: changed });
    // The decision records the reviewer's judgement on the same labels: the edit's blob and chain.
    const decided = getRevision(ws.db, st.headRevisionId)!;
    expect([decided.storage, decided.blobSha256, decided.baseId]).toEqual([
      'delta',
      editRow.blobSha256,
      editRow.baseId,
    ]);
    expect(same((await rev.ok('annotation:mask', { revisionId: decided.id })).data, want)).toBe(true);
    st = await rev.ok('adjudication:signOff', { adjudicationId: st.id, parentRevisionId: decided.id });
    const reference = getAnnotation(ws.db, st.signOffs[0]!.referenceAnnotationId)!;
    const refRow = getRevision(ws.db, reference.headRevisionId!)!;
    expect(same((await rev.ok('annotation:mask', { revisionId: refRow.id })).data, want)).toBe(true);
  });

  it("training: targets, the trainer's mask files (materialised whole masks) and the preview", async () => {
    const { f, r1, r2 } = await setup();
    const ws = f.services.app.workspace;
    // Case B too, so that the run has two cases to split.
    const b1 = await rater(f, 'R1', 1, [0, 3, 0, 3, 0, 5], [fill([4, 5, 4, 5, 0, 2], 1)]);
    const b2 = await rater(f, 'R2', 1, [1, 4, 0, 3, 0, 5], [fill([0, 1, 0, 1, 0, 1], 1)]);
    const heads = [r1, r2, b1, b2];
    const one = await selectTargets(ws, f.projectId, 'annotator:R1', 1);
    expect(one.cases.map((c) => c.revisionIds)).toEqual([[r1.head], [b1.head]]);
    expect(
      same(
        one.cases[0]!.target,
        r1.masks.get(r1.head)!.map((v) => (v === 1 ? 255 : 0)),
      ),
    ).toBe(true);

    // A run hands the trainer one whole-mask file per input revision: here a launcher that records the job
    // and exits (the trainer's own decoding is decodeMask on each file: training/process/prepare-dataset.ts).
    let sent: ToTrainer | undefined;
    let exit: ((code: number | null, signal: string | null) => void) | undefined;
    const launcher: TrainerLauncher = () => ({
      pid: undefined,
      send: (m) => {
        sent ??= m;
        setImmediate(() => exit?.(1, null));
      },
      onMessage: () => undefined,
      onOutput: () => undefined,
      onExit: (l) => void (exit = l),
      kill: () => exit?.(null, 'SIGKILL'),
    });
    const training = new TrainingService(ws, launcher);
    const run = await training.start(
      {
        projectId: f.projectId,
        target: 'vote',
        epochs: 1,
        levels: 2,
        base: 4,
        cropSize: 8,
        batchSize: 2,
        backend: 'cpu',
        threads: 1,
      },
      'tester',
      () => undefined,
    );
    await training.wait(run.id);
    training.close();
    const job = sent?.type === 'start' ? sent.job : undefined;
    const cases = job?.kind === 'train' ? job.prepare!.cases : [];
    expect(cases.map((c) => c.maskFiles.length)).toEqual([2, 2]);
    const files = cases.flatMap((c) => c.maskFiles);
    for (const [n, r] of heads.entries()) {
      const dims: Vec3 = cases[n >> 1]!.dims;
      const file = files[n]!;
      expect(decodeMask(fs.readFileSync(file), dims).labels).toEqual(r.masks.get(r.head));
      // Recorded against the revision, so blob collection keeps it, and a second run reuses it.
      expect(ws.blobs.pathOf(materialisedSnapshot(ws.db, r.head)!)).toBe(file);
      expect(await snapshotBlobOf(ws, getRevision(ws.db, r.head)!, dims)).toBe(path.basename(file));
    }
    const gc = collectBlobGarbage(ws, { actor: 'test', graceMs: 0 });
    expect(gc.removed).toEqual([]);
    for (const file of files) expect(fs.existsSync(file)).toBe(true);

    // The augmentation preview of R1's delta head is the preview of the same labels saved whole.
    const preview = { volumeId: f.volumes[0]!.id, slice: 1, count: 2, seed: 5, cropSize: 8 };
    const fromDelta = await r1.w.ok('augment:preview', preview);
    expect(fromDelta.samples[0]!.mask!.some((v) => v === 1)).toBe(true);
    const store = new MaskStore(ws);
    await store.commitMask({
      annotationId: r1.annotationId,
      parentRevisionId: 'head',
      labels: r1.masks.get(r1.head)!.slice(),
      tool: 'import',
      author: 'R1',
    });
    expect(await r1.w.ok('augment:preview', preview)).toEqual(fromDelta);
  });

  it("mask import: a file equal to a delta head's materialised snapshot is unchanged", async () => {
    const { f, r1 } = await setup();
    const ws = f.services.app.workspace;
    const volume = getVolume(ws.db, f.volumes[0]!.id)!;
    const file = path.join(f.dir, 'same.nii.gz');
    await writeNifti(file, {
      geometry: { dims: volume.dims, affineLPS: volume.affineLPS },
      scalarType: 'uint8',
      data: r1.masks.get(r1.head)!,
      frames: 1,
      rescale: { slope: 1, intercept: 0 },
      source: { format: 'nifti', files: [], description: 'same' },
    });
    await snapshotBlobOf(ws, getRevision(ws.db, r1.head)!, volume.dims);
    const r = await importMaskFile(ws, { file, volumeId: volume.id, annotator: 'R1', actor: 'test' });
    expect(r).toMatchObject({ annotationId: r1.annotationId, revisionId: r1.head, unchanged: true });
    expect(listRevisions(ws.db, r1.annotationId).at(-1)!.id).toBe(r1.head);
  });
});

// Revisions stored as snapshots and deltas (mask-store.ts): seeded random sequences of strokes, erasures,
// whole-mask saves, reverts and restarts (a cold cache) must read back, revision by revision, exactly as the
// labels they were committed with; a materialised snapshot has the bytes of a full re-encode; every chain
// stays within the policy's bound; a delta commit encodes the patch alone, never the whole mask.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Vec3 } from '../../core/geometry/affine';
import { applyPatch, boxVoxels } from '../../core/labelling/patch';
import type { Box, MaskPatch } from '../../core/labelling/patch';
import { histogram, labelVoxels } from '../../core/mask/histogram';
import { insertManualAnnotation } from '../../db/repositories/annotations';
import { insertAnnotator } from '../../db/repositories/annotators';
import { upsertLabel } from '../../db/repositories/labels';
import { getRevision, listRevisions, revisionChain } from '../../db/repositories/revisions';
import type { RevisionRow } from '../../db/repositories/revisions';
import { tempDir } from '../../test-support/tmp';
import { schema4Workspace } from '../../db/test-support/schema4';
import { inThreadCodec } from '../../workers/mask-codec-pool';
import type { MaskCodec } from '../../workers/mask-codec-pool';
import { encodeMask } from '../../workspace/mask-codec';
import { maskBlobKind } from '../../workspace/mask-codec-delta';
import { openWorkspace } from '../../workspace/workspace';
import type { Workspace } from '../../workspace/workspace';
import { writeTestVolume } from '../test-support/labelling';
import { importVolumes } from '../workspace/import-volumes';
import { DEFAULT_CHAIN_POLICY, MaskStore, SNAPSHOTS_ONLY } from './mask-store';
import type { ChainPolicy } from './mask-store';
import { readRevisionLabels, snapshotBlobOf } from './revision-reader';

const DIMS: Vec3 = [24, 20, 10];
const N = DIMS[0] * DIMS[1] * DIMS[2];

let open: Workspace[] = [];
afterEach(() => {
  for (const ws of open) ws.close();
  open = [];
  vi.restoreAllMocks();
});

/** A workspace with one volume of DIMS, labels 1..3 defined, and `annotators` empty annotations. */
async function setup(annotators = 1): Promise<{ ws: Workspace; annotations: number[] }> {
  const dir = tempDir();
  const file = path.join(dir, 'v.nii.gz');
  await writeTestVolume(file, DIMS);
  const ws = openWorkspace(path.join(dir, 'ws'));
  open.push(ws);
  const s = await importVolumes(
    ws,
    { jobId: 'j', source: { kind: 'paths', paths: [file] }, projectName: 'P' },
    'test',
    () => undefined,
  );
  const annotations = ws.db.transaction(() => {
    for (const value of [2, 3]) {
      upsertLabel(ws.db, {
        projectId: s.projectId,
        value,
        name: `L${value}`,
        color: '#ffffff',
        visible: true,
        opacity: 1,
      });
    }
    return Array.from({ length: annotators }, (_, n) =>
      insertManualAnnotation(
        ws.db,
        s.volumes[0]!.id,
        insertAnnotator(ws.db, { name: `A${n}`, role: 'annotator', passwordHash: null }, 'now'),
        'now',
      ),
    );
  })();
  return { ws, annotations };
}

/** A seeded generator (xorshift32): rand(n) in 0..n-1. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** A stroke: a box of random size (up to the whole grid, mostly small) of one label (0 erases) or noise. */
function stroke(rand: (n: number) => number): MaskPatch {
  const box: number[] = [];
  const big = rand(10) === 0;
  for (const n of DIMS) {
    const size = 1 + rand(big ? n : Math.max(1, n >> 2));
    const lo = rand(n - size + 1);
    box.push(lo, lo + size);
  }
  const data = new Uint8Array(boxVoxels(box as Box));
  const label = rand(4);
  const noisy = rand(5) === 0;
  for (let v = 0; v < data.length; v++) data[v] = noisy ? rand(4) : (v + label) % 5 === 0 ? 0 : label;
  return { box: box as Box, data };
}

/** A codec that counts whole-mask encodes (everything else as in-thread). */
function countingCodec(): MaskCodec & { wholeEncodes: number } {
  const c = {
    wholeEncodes: 0,
    encode: (labels: Uint8Array, dims: Vec3) => {
      c.wholeEncodes++;
      return inThreadCodec.encode(labels, dims);
    },
    decode: inThreadCodec.decode,
    encodeDelta: inThreadCodec.encodeDelta,
  };
  return c;
}

/** The byte budget of a chain starting at a snapshot of `snapshotBytes` under `policy`. */
function budget(policy: ChainPolicy, snapshotBytes: number): number {
  return Math.max(policy.maxDeltaBytesFraction * snapshotBytes, policy.minDeltaBytesBudget);
}

/** Checks every revision of an annotation: labels, counts, chain bound, and a full re-encode's bytes. */
async function checkAll(
  ws: Workspace,
  annotationId: number,
  expected: Map<number, Uint8Array>,
  policy: ChainPolicy,
) {
  const rows = listRevisions(ws.db, annotationId);
  expect(rows.length).toBe(expected.size);
  const cold = new MaskStore(ws, undefined, undefined, policy);
  for (const r of rows) {
    const want = expected.get(r.id)!;
    const got = await cold.decodeRevision(r, DIMS);
    expect(Buffer.from(got).equals(Buffer.from(want)), `revision ${r.id} reads other labels`).toBe(true);
    expect(r.labelVoxels, `revision ${r.id}'s counts`).toEqual(labelVoxels(histogram(want)));
    // The bound: at most maxDeltas deltas after the snapshot, within the byte budget of that snapshot.
    const chain = revisionChain(ws.db, r.id);
    expect(chain.length - 1).toBe(r.chainDepth);
    expect(r.chainDepth).toBeLessThanOrEqual(policy.maxDeltas);
    expect(r.chainBytes).toBeLessThanOrEqual(budget(policy, chain[0]!.revision.blobBytes));
    expect(chain.slice(1).reduce((s, l) => s + l.revision.blobBytes, 0)).toBe(r.chainBytes);
    for (const l of chain.slice(1)) {
      const patchBytes = fs.readFileSync(ws.blobs.pathOf(l.revision.blobSha256));
      expect(maskBlobKind(patchBytes)).toBe('delta');
    }
    // A whole-mask blob of any revision has exactly the bytes of encoding its labels afresh.
    const sha = await snapshotBlobOf(ws, r, DIMS);
    const bytes = fs.readFileSync(ws.blobs.pathOf(sha));
    expect(Buffer.from(bytes).equals(Buffer.from(encodeMask(want, DIMS))), `revision ${r.id}`).toBe(true);
  }
  return rows;
}

describe('revisions as snapshots and deltas', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`random edits read back exactly, within the chain bound (seed ${seed})`, async () => {
      const { ws, annotations } = await setup();
      const annotationId = annotations[0]!;
      const rand = rng(seed);
      const policy: ChainPolicy = {
        maxDeltas: 2 + rand(6),
        maxDeltaBytesFraction: 0.25,
        minDeltaBytesBudget: 300 + rand(1500),
        maxDeltaBoxFraction: 1 / 4,
      };
      const codec = countingCodec();
      let store = new MaskStore(ws, undefined, codec, policy);
      const expected = new Map<number, Uint8Array>();
      let mask = new Uint8Array(N);
      let head: RevisionRow | null = null;
      let snapshotsWritten = 0;
      for (let n = 0; n < 90; n++) {
        const roll = rand(20);
        // A restart: the next commit decodes the stored head (a chain) instead of using the cache.
        if (roll === 0) store = new MaskStore(ws, undefined, codec, policy);
        const encodesBefore = codec.wholeEncodes;
        if (roll === 1 && head) {
          const ids = [...expected.keys()];
          const target = ids[rand(ids.length)]!;
          head = await store.revert({ annotationId, revisionId: target, author: 'A0' });
          mask = expected.get(target)!.slice();
          // Revert stores nothing new: the target's blob and chain.
          const t = getRevision(ws.db, target)!;
          expect([head.blobSha256, head.storage, head.baseId, head.chainDepth]).toEqual([
            t.blobSha256,
            t.storage,
            t.baseId,
            t.chainDepth,
          ]);
          expect(codec.wholeEncodes).toBe(encodesBefore);
        } else if (roll === 2) {
          mask = new Uint8Array(N);
          for (let v = 0; v < N; v += 1 + rand(7)) mask[v] = 1 + rand(3);
          head = await store.commitMask({
            annotationId,
            parentRevisionId: 'head',
            tool: 'import',
            author: 'A0',
            labels: mask.slice(),
          });
          expect(head.storage).toBe('snapshot');
          snapshotsWritten++;
        } else {
          const p = stroke(rand);
          applyPatch(mask, DIMS, p);
          head = await store.commitPatch({
            annotationId,
            parentRevisionId: head?.id ?? null,
            tool: 'brush',
            author: 'A0',
            patch: p,
          });
          if (head.storage === 'delta') {
            // The patch alone was encoded and written: the whole mask was not.
            expect(codec.wholeEncodes).toBe(encodesBefore);
            expect(head.baseId).toBe(head.parentId);
          } else {
            snapshotsWritten++;
            expect(codec.wholeEncodes).toBe(encodesBefore + 1);
          }
        }
        expected.set(head.id, mask.slice());
      }
      const rows = await checkAll(ws, annotationId, expected, policy);
      const deltas = rows.filter((r) => r.storage === 'delta').length;
      expect(deltas).toBeGreaterThan(30);
      expect(rows.filter((r) => r.storage === 'snapshot' && r.tool !== 'revert').length).toBe(
        snapshotsWritten,
      );
      expect(Math.max(...rows.map((r) => r.chainDepth))).toBeGreaterThanOrEqual(2);
    });
  }

  it('writes a snapshot every 64 deltas by default, and each reason for one is taken', async () => {
    const { ws, annotations } = await setup();
    const annotationId = annotations[0]!;
    const policy = { ...DEFAULT_CHAIN_POLICY, minDeltaBytesBudget: 6000 };
    const store = new MaskStore(ws, undefined, undefined, policy);
    const expected = new Map<number, Uint8Array>();
    const mask = new Uint8Array(N);
    let parent: number | null = null;
    const commit = async (p: MaskPatch) => {
      applyPatch(mask, DIMS, p);
      const r = await store.commitPatch({
        annotationId,
        parentRevisionId: parent,
        tool: 'brush',
        author: 'A0',
        patch: p,
      });
      expected.set(r.id, mask.slice());
      parent = r.id;
      return r;
    };
    const dab = (n: number): MaskPatch => {
      const i = n % 22;
      const j = Math.floor(n / 22) % 18;
      return { box: [i, i + 2, j, j + 2, n % 9, (n % 9) + 1], data: new Uint8Array(4).fill(1 + (n % 3)) };
    };
    // No head: the first revision is a snapshot; then 64 deltas, then a snapshot again.
    const depths: number[] = [];
    for (let n = 0; n < 130; n++) depths.push((await commit(dab(n))).chainDepth);
    expect(depths.slice(0, 66)).toEqual([...Array.from({ length: 65 }, (_, d) => d), 0]);
    expect(depths[129]).toBe(64);
    // A box of an eighth of the mask or more: a snapshot at once.
    const slab: MaskPatch = { box: [0, 24, 0, 20, 0, 2], data: new Uint8Array(24 * 20 * 2).fill(2) };
    expect(boxVoxels(slab.box) / N).toBeGreaterThanOrEqual(1 / 8);
    expect((await commit(slab)).storage).toBe('snapshot');
    // Deltas whose bytes would pass the budget (here max(25% of the snapshot, 6000 bytes)): a snapshot,
    // long before 64 deltas.
    const noise = rng(9);
    const noisy = (): MaskPatch => {
      const data = new Uint8Array(20 * 20);
      for (let v = 0; v < data.length; v++) data[v] = noise(4);
      return { box: [2, 22, 0, 20, 4, 5], data };
    };
    const rows: RevisionRow[] = [];
    for (let n = 0; n < 50; n++) rows.push(await commit(noisy()));
    const first = rows.findIndex((r) => r.storage === 'snapshot');
    expect(first).toBeGreaterThan(10);
    expect(first).toBeLessThan(50);
    const last = rows[first - 1]!;
    expect(last.chainDepth).toBe(first);
    expect(last.chainBytes + rows[first + 1]!.blobBytes).toBeGreaterThan(6000);
    await checkAll(ws, annotationId, expected, policy);
  });

  it('reads, reverts and edits the masks of a workspace written before deltas (schema 4)', async () => {
    const dir = tempDir();
    const { dims, m1, m2 } = await schema4Workspace(dir);

    const ws = openWorkspace(dir);
    open.push(ws);
    const [r1, r2] = listRevisions(ws.db, 1) as [RevisionRow, RevisionRow];
    expect(Buffer.from(await readRevisionLabels(ws, r1, dims)).equals(Buffer.from(m1))).toBe(true);
    expect(Buffer.from(await readRevisionLabels(ws, r2, dims)).equals(Buffer.from(m2))).toBe(true);
    // Their whole-mask files are their own blobs: nothing is materialised.
    expect(await snapshotBlobOf(ws, r2, dims)).toBe(r2.blobSha256);
    expect(ws.db.prepare('SELECT count(*) AS n FROM revision_snapshots').get()).toEqual({ n: 0 });
    // A stroke on the old head: a delta over it, with counts right although the head had none recorded.
    const store = new MaskStore(ws);
    const patch = {
      box: [0, 2, 0, 2, 3, 4] as [number, number, number, number, number, number],
      data: new Uint8Array(4).fill(2),
    };
    const r3 = await store.commitPatch({
      annotationId: 1,
      parentRevisionId: r2.id,
      tool: 'brush',
      author: 'Ann',
      patch,
    });
    expect([r3.storage, r3.baseId, r3.chainDepth]).toEqual(['delta', r2.id, 1]);
    const m3 = m2.slice();
    applyPatch(m3, dims, patch);
    expect(r3.labelVoxels).toEqual({ '1': 30, '2': 24 });
    expect(Buffer.from(await new MaskStore(ws).decodeRevision(r3, dims)).equals(Buffer.from(m3))).toBe(true);
    // Revert to an old revision: its blob again, nothing written.
    const files = fs.readdirSync(ws.blobs.dir, { recursive: true }).length;
    const r4 = await store.revert({ annotationId: 1, revisionId: r1.id, author: 'Ann' });
    expect([r4.blobSha256, r4.storage]).toEqual([r1.blobSha256, 'snapshot']);
    expect(fs.readdirSync(ws.blobs.dir, { recursive: true }).length).toBe(files);
    expect(
      Buffer.from(await readRevisionLabels(ws, getRevision(ws.db, r4.id)!, dims)).equals(Buffer.from(m1)),
    ).toBe(true);
    // The delta revision's whole-mask file: materialised once, recorded, with a full re-encode's bytes.
    const sha = await snapshotBlobOf(ws, r3, dims);
    expect(fs.readFileSync(ws.blobs.pathOf(sha)).equals(Buffer.from(encodeMask(m3, dims)))).toBe(true);
    expect(await snapshotBlobOf(ws, r3, dims)).toBe(sha);
    expect(ws.db.prepare('SELECT revision_id, blob_sha256 FROM revision_snapshots').all()).toEqual([
      { revision_id: r3.id, blob_sha256: sha },
    ]);
  });

  it('SNAPSHOTS_ONLY stores every revision whole, as before deltas', async () => {
    const { ws, annotations } = await setup();
    const store = new MaskStore(ws, undefined, undefined, SNAPSHOTS_ONLY);
    let parent: number | null = null;
    for (let n = 0; n < 5; n++) {
      const r = await store.commitPatch({
        annotationId: annotations[0]!,
        parentRevisionId: parent,
        tool: 'brush',
        author: 'A0',
        patch: { box: [n, n + 1, 0, 1, 0, 1], data: new Uint8Array([1]) },
      });
      expect([r.storage, r.chainDepth]).toEqual(['snapshot', 0]);
      parent = r.id;
    }
  });

  it('a delta whose blob cannot be written changes nothing, and the next stroke is right', async () => {
    const { ws, annotations } = await setup();
    const annotationId = annotations[0]!;
    const store = new MaskStore(ws);
    const p = (i: number, label: number): MaskPatch => ({
      box: [i, i + 3, 0, 3, 0, 3],
      data: new Uint8Array(27).fill(label),
    });
    const r1 = await store.commitPatch({
      annotationId,
      parentRevisionId: null,
      tool: 'brush',
      author: 'A0',
      patch: p(0, 1),
    });
    vi.spyOn(ws.blobs, 'put').mockRejectedValueOnce(new Error('the disk is full; nothing was written'));
    await expect(
      store.commitPatch({
        annotationId,
        parentRevisionId: r1.id,
        tool: 'brush',
        author: 'A0',
        patch: p(1, 2),
      }),
    ).rejects.toThrow(/disk is full/);
    expect(listRevisions(ws.db, annotationId).length).toBe(1);
    const r2 = await store.commitPatch({
      annotationId,
      parentRevisionId: r1.id,
      tool: 'brush',
      author: 'A0',
      patch: p(10, 3),
    });
    expect(r2.storage).toBe('delta');
    const want = new Uint8Array(N);
    applyPatch(want, DIMS, p(0, 1));
    applyPatch(want, DIMS, p(10, 3));
    expect(Buffer.from(await readRevisionLabels(ws, r2, DIMS)).equals(Buffer.from(want))).toBe(true);
    expect(r2.labelVoxels).toEqual({ '1': 27, '3': 27 });
  });

  it('refuses (database) a delta that does not rest on its annotation one step deeper', async () => {
    const { ws, annotations } = await setup(2);
    const [a, b] = annotations as [number, number];
    const store = new MaskStore(ws);
    const patch: MaskPatch = { box: [0, 2, 0, 2, 0, 2], data: new Uint8Array(8).fill(1) };
    const ra = await store.commitPatch({
      annotationId: a,
      parentRevisionId: null,
      tool: 'brush',
      author: 'A0',
      patch,
    });
    const rb = await store.commitPatch({
      annotationId: b,
      parentRevisionId: null,
      tool: 'brush',
      author: 'A1',
      patch,
    });
    const insert = (
      annotation: number,
      parent: number,
      base: number | null,
      depth: number,
      bytes: number,
      storage = 'delta',
    ) =>
      ws.db
        .prepare(
          `INSERT INTO annotation_revisions (annotation_id, parent_id, blob_sha256, storage, base_id, chain_depth,
             chain_bytes, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'x', 't')`,
        )
        .run(annotation, parent, ra.blobSha256, storage, base, depth, bytes);
    expect(() => insert(a, ra.id, rb.id, 1, 10)).toThrow(
      /must rest on an earlier revision of its annotation/,
    );
    expect(() => insert(a, ra.id, ra.id, 2, 10)).toThrow(/one step deeper/);
    expect(() => insert(a, ra.id, null, 1, 10)).toThrow(/one step deeper/);
    expect(() => insert(a, ra.id, ra.id, 0, 0, 'snapshot')).toThrow(/one step deeper/);
    expect(listRevisions(ws.db, a).length).toBe(1);
  });
});

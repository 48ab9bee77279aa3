// `concord bench masks [--json] [--runs N] [--keep]`: the cost of saving mask revisions on a 512x512x300
// volume, through the same MaskStore the app uses (encode, atomic fsynced blob, one transaction):
//  - save: a whole mask as a new revision (4 nodules, radii 5-35 voxels, and an organ-sized ellipsoid of a
//    second label), with its compressed size;
//  - stroke: a brush dab (a sphere of radius 5 voxels, an 11x11x11 patch) committed on the cached head;
//  - a large 3D edit (a 200x200x100 patch) committed the same way;
//  - the codec alone (encode, decode) and applying a patch alone;
//  - revert (a new head reusing an earlier blob).
// Medians over N runs; every stroke paints somewhere new, so every save writes (and fsyncs) a new blob.
// eventLoopLongestStallMs: the longest this thread's event loop was blocked during a save (what another
// window's request would wait), for a sparse mask, a brush dab, and a noisy mask (stored raw + deflate).
// --codec worker (default: as the app hosts save, in worker threads) or thread (on the calling thread).
//
// fillingMask (--fill-strokes N, default 10000; 0 leaves it out): how commits cost as a mask fills. Brush dabs
// at seeded random places over the whole grid are committed one after another to a fresh annotation, as an
// annotator paints; timed windows of WINDOW strokes from the start, after 1,000 and after N strokes give the
// commit time (median, p95, mean, max ms) with revisions stored as the store does (deltas over periodic
// snapshots, services/masks/mask-store.ts), and, at the same places, SAMPLE commits with every revision a
// whole-mask snapshot (--snapshots-only's policy: how every revision was stored before deltas), as the
// baseline of the same run on the same mask. Also the first commit after a restart (the head decoded from
// its chain, nothing cached) and reading the deepest revision of the last window against a snapshot's.
// --snapshots-only stores every revision of the whole bench as a snapshot (the figures before deltas).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Vec3 } from '../core/geometry/affine';
import { identity4 } from '../core/geometry/affine';
import { applyPatch, extractPatch } from '../core/labelling/patch';
import type { Box } from '../core/labelling/patch';
import { appendAudit } from '../db/audit';
import { insertManualAnnotation } from '../db/repositories/annotations';
import { insertAnnotator } from '../db/repositories/annotators';
import { upsertLabel } from '../db/repositories/labels';
import { writeNifti } from '../io/nifti/write';
import { importVolumes } from '../services/workspace/import-volumes';
import { MaskStore, SNAPSHOTS_ONLY } from '../services/masks/mask-store';
import type { ChainPolicy } from '../services/masks/mask-store';
import { getRevision, revisionChain } from '../db/repositories/revisions';
import { InputError } from '../core/errors';
import { inThreadCodec, MaskCodecPool } from '../workers/mask-codec-pool';
import type { MaskCodec } from '../workers/mask-codec-pool';
import { decodeMask, encodeMask } from '../workspace/mask-codec';
import { openWorkspace } from '../workspace/workspace';
import { optionString, parseArgs, positiveInt } from '../host/cli/args';
import { printJson } from '../host/cli/output';

const DIMS: Vec3 = [512, 512, 300];

/** Paints an ellipsoid (semi-axes in voxels) of `label` into a mask, i fastest. */
function ellipsoid(mask: Uint8Array, c: Vec3, r: Vec3, label: number): void {
  const [nx, ny] = DIMS;
  for (let k = Math.max(0, c[2] - r[2]); k <= Math.min(DIMS[2] - 1, c[2] + r[2]); k++)
    for (let j = Math.max(0, c[1] - r[1]); j <= Math.min(ny - 1, c[1] + r[1]); j++)
      for (let i = Math.max(0, c[0] - r[0]); i <= Math.min(nx - 1, c[0] + r[0]); i++) {
        const d = ((i - c[0]) / r[0]) ** 2 + ((j - c[1]) / r[1]) ** 2 + ((k - c[2]) / r[2]) ** 2;
        if (d <= 1) mask[i + j * nx + k * nx * ny] = label;
      }
}

export function benchMask(): Uint8Array {
  const mask = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
  ellipsoid(mask, [330, 260, 150], [80, 60, 50], 2); // an organ
  ellipsoid(mask, [120, 200, 60], [5, 5, 5], 1);
  ellipsoid(mask, [150, 320, 120], [10, 10, 8], 1);
  ellipsoid(mask, [380, 140, 200], [20, 18, 16], 1);
  ellipsoid(mask, [200, 150, 240], [35, 30, 25], 1);
  return mask;
}

/** A brush dab: a sphere of radius 5 voxels of label 1 centred at `c`, as an 11x11x11 patch. */
function dab(c: Vec3): { box: Box; data: Uint8Array } {
  const box: Box = [c[0] - 5, c[0] + 6, c[1] - 5, c[1] + 6, c[2] - 5, c[2] + 6];
  const data = new Uint8Array(11 * 11 * 11);
  let n = 0;
  for (let k = -5; k <= 5; k++)
    for (let j = -5; j <= 5; j++)
      for (let i = -5; i <= 5; i++) data[n++] = i * i + j * j + k * k <= 25 ? 1 : 0;
  return { box, data };
}

/**
 * A noisy mask, as a thresholded model output can be: label 1 on a pseudo-random 30% of the voxels of a
 * 256x256x150 box. Its runs are longer than its labels, so it is stored raw + deflate: the slow case.
 */
export function noisyMask(seed: number): Uint8Array {
  const mask = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
  let x = seed >>> 0 || 1;
  for (let k = 75; k < 225; k++)
    for (let j = 128; j < 384; j++)
      for (let i = 128; i < 384; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        if ((x >>> 0) % 10 < 3) mask[i + j * DIMS[0] + k * DIMS[0] * DIMS[1]] = 1;
      }
  return mask;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median, 95th percentile (nearest rank), mean and maximum, in ms rounded to 0.01. */
function spread(xs: number[]): { n: number; medianMs: number; p95Ms: number; meanMs: number; maxMs: number } {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    n: s.length,
    medianMs: r(median(s)),
    p95Ms: r(s[Math.max(0, Math.ceil(0.95 * s.length) - 1)]!),
    meanMs: r(s.reduce((a, b) => a + b, 0) / s.length),
    maxMs: r(s[s.length - 1]!),
  };
}

/** Strokes per timed window of the filling-mask figures, and snapshot-only commits sampled beside each. */
const WINDOW = 200;
const SAMPLE = 15;

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

/**
 * Commits scattered brush dabs to `annotationId` (starting empty) until `total` strokes, timing windows at
 * the start, after 1,000 and after `total` (see the header).
 */
async function fillingMask(
  ws: ReturnType<typeof openWorkspace>,
  annotationId: number,
  codec: MaskCodec,
  policy: ChainPolicy,
  total: number,
) {
  const rand = rng(2024);
  const scattered = () => dab([5 + rand(DIMS[0] - 11), 5 + rand(DIMS[1] - 11), 5 + rand(DIMS[2] - 11)]);
  let store = new MaskStore(ws, undefined, codec, policy);
  let head: number | null = null;
  let strokes = 0;
  const commit = async (s: MaskStore) => {
    const t0 = performance.now();
    const r = await s.commitPatch({
      annotationId,
      parentRevisionId: head,
      tool: 'brush',
      author: 'bench',
      patch: scattered(),
    });
    const ms = performance.now() - t0;
    head = r.id;
    strokes++;
    return { ms, revision: r };
  };
  const windows = [];
  for (const at of [...new Set([0, 1000, total])].filter((x) => x <= total)) {
    while (strokes < at) await commit(store);
    const from = strokes;
    const ms: number[] = [];
    const kinds = { delta: 0, snapshot: 0 };
    let deepest = null;
    for (let n = 0; n < WINDOW; n++) {
      const c = await commit(store);
      ms.push(c.ms);
      kinds[c.revision.storage]++;
      if (!deepest || c.revision.chainDepth > deepest.chainDepth) deepest = c.revision;
    }
    // Baseline: the same mask, every revision a whole-mask snapshot (a store of its own: its first commit,
    // which decodes the head, is not timed; nor is the next commit of `store`, whose cached head is stale).
    let baseline = null;
    if (policy.maxDeltas > 0) {
      const whole = new MaskStore(ws, undefined, codec, SNAPSHOTS_ONLY);
      await commit(whole);
      const afterStrokes = strokes;
      const sample: number[] = [];
      for (let n = 0; n < SAMPLE; n++) sample.push((await commit(whole)).ms);
      baseline = { afterStrokes, ...spread(sample) };
      await commit(store);
    }
    windows.push({
      afterStrokes: from,
      commit: spread(ms),
      revisions: kinds,
      snapshotsOnly: baseline,
      deepest,
    });
  }
  // A restart: nothing cached; the first commit decodes the head (its snapshot and the deltas after it).
  store = new MaskStore(ws, undefined, codec, policy);
  const restart = (await commit(store)).ms;
  const last = windows.at(-1)!;
  const deepest = last.deepest!;
  const root = revisionChain(ws.db, deepest.id)[0]!.revision;
  const reads = { chain: [] as number[], snapshot: [] as number[] };
  for (let r = 0; r < 3; r++) {
    reads.chain.push((await timed(() => store.decodeRevision(deepest, DIMS)))[1]);
    if (root.storage === 'snapshot')
      reads.snapshot.push((await timed(() => store.decodeRevision(root, DIMS)))[1]);
  }
  const headRow = getRevision(ws.db, head!)!;
  const headChain = revisionChain(ws.db, headRow.id);
  return {
    strokes: 'brush dabs (a sphere of radius 5 voxels, an 11x11x11 patch) of label 1 at seeded random places',
    policy,
    windows: windows.map((w) => ({
      afterStrokes: w.afterStrokes,
      commit: w.commit,
      revisions: w.revisions,
      snapshotsOnly: w.snapshotsOnly,
    })),
    restartFirstCommitMs: Math.round(restart * 100) / 100,
    readDeepestRevision: {
      chainDepth: deepest.chainDepth,
      medianMs: Math.round(median(reads.chain) * 100) / 100,
      snapshotOfItsChainMs: reads.snapshot.length ? Math.round(median(reads.snapshot) * 100) / 100 : null,
    },
    storedBytes: {
      lastSnapshot: headChain[0]!.revision.blobBytes,
      lastDelta: headRow.storage === 'delta' ? headRow.blobBytes : null,
    },
    totalStrokes: strokes,
  };
}

/**
 * Runs `fn` while a timer ticks every millisecond on this event loop; returns the longest gap between ticks
 * (ms): how long another request (a WebSocket message, an IPC call) would have waited at worst.
 */
async function longestStall(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  try {
    await new Promise((r) => setTimeout(r, 5));
    last = performance.now();
    await fn();
    await new Promise((r) => setTimeout(r, 5));
  } finally {
    clearInterval(tick);
  }
  return Math.max(worst, performance.now() - last);
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

export async function runBenchMasks(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['runs', 'codec', 'fill-strokes'],
    flags: ['json', 'keep', 'snapshots-only'],
  });
  const runs = positiveInt(optionString(args, 'runs') ?? '7', '--runs');
  const fillText = optionString(args, 'fill-strokes') ?? '10000';
  const fillStrokes = fillText === '0' ? 0 : positiveInt(fillText, '--fill-strokes');
  const policy = args.options.has('snapshots-only') ? SNAPSHOTS_ONLY : undefined;
  const codecName = optionString(args, 'codec') ?? 'worker';
  if (codecName !== 'worker' && codecName !== 'thread')
    throw new InputError(undefined, `--codec must be worker or thread, not '${codecName}'`);
  // As the app hosts save (worker threads), or on this thread (the CLI's imports, and the code before).
  const codec = codecName === 'worker' ? MaskCodecPool.fromBuild() : inThreadCodec;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-masks-'));
  try {
    // A 512x512x300 volume (its voxels do not matter here: uint8 zeros, written uncompressed).
    const file = path.join(dir, 'volume.nii');
    const affine = identity4();
    affine[0] = 0.7;
    affine[5] = 0.7;
    affine[10] = 1.25;
    await writeNifti(file, {
      geometry: { dims: DIMS, affineLPS: affine },
      scalarType: 'uint8',
      data: new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]),
      frames: 1,
      rescale: { slope: 1, intercept: 0 },
      source: { format: 'nifti', files: [], description: 'bench' },
    });
    const ws = openWorkspace(path.join(dir, 'ws'));
    const imported = await importVolumes(
      ws,
      { jobId: 'bench', source: { kind: 'paths', paths: [file] } },
      'bench',
      () => undefined,
    );
    const volume = imported.volumes[0]!;
    const annotationIds = ws.db.transaction(() => {
      upsertLabel(ws.db, {
        projectId: imported.projectId,
        value: 2,
        name: 'Organ',
        color: '#00c000',
        visible: true,
        opacity: 0.5,
      });
      // The figures' annotation, and the filling-mask figures' (one annotation per annotator and volume).
      const ids = ['bench', 'bench (filling)'].map((name) =>
        insertManualAnnotation(
          ws.db,
          volume.id,
          insertAnnotator(ws.db, { name, role: 'annotator', passwordHash: null }, 'now'),
          'now',
        ),
      );
      for (const id of ids)
        appendAudit(ws.db, { actor: 'bench', action: 'annotation.create', detail: { annotationId: id } });
      return ids;
    })();
    const [annotationId, fillAnnotationId] = annotationIds as [number, number];
    const store = new MaskStore(ws, undefined, codec, policy);
    const mask = benchMask();

    const encodeMs: number[] = [];
    const decodeMs: number[] = [];
    let storedBytes = 0;
    for (let r = 0; r < runs; r++) {
      const [enc, te] = await timed(() => encodeMask(mask, DIMS));
      const [, td] = await timed(() => decodeMask(enc, DIMS));
      encodeMs.push(te);
      decodeMs.push(td);
      storedBytes = enc.length;
    }

    // Whole-mask saves: each run labels one more voxel so that every blob is new.
    const saveMs: number[] = [];
    let head = 0;
    /** A whole-mask save on top of the head, as the bench's own profile. */
    const saveWhole = (labels: Uint8Array) =>
      store.commitMask({ annotationId, parentRevisionId: 'head', labels, tool: 'bench', author: 'bench' });
    for (let r = 0; r < runs; r++) {
      const m = mask.slice();
      m[r] = 1;
      const [rev, t] = await timed(() => saveWhole(m));
      saveMs.push(t);
      head = rev.id;
    }
    const firstSaved = head;

    // The event loop while saving: a whole mask, a brush dab on the cached head, a noisy mask.
    const saveStallMs: number[] = [];
    const dabStallMs: number[] = [];
    const noisyStallMs: number[] = [];
    const noisySaveMs: number[] = [];
    // The floor: the longest gap while idle for 200 ms (timer granularity and a busy machine's scheduling).
    const idleStallMs: number[] = [];
    for (let r = 0; r < 3; r++)
      idleStallMs.push(await longestStall(() => new Promise((res) => setTimeout(res, 200))));
    for (let r = 0; r < Math.min(runs, 3); r++) {
      const m = noisyMask(r + 1);
      const t0 = performance.now();
      noisyStallMs.push(
        await longestStall(async () => {
          head = (await saveWhole(m)).id;
        }),
      );
      noisySaveMs.push(performance.now() - t0);
    }
    for (let r = 0; r < runs; r++) {
      const m = mask.slice();
      m[runs + r] = 1;
      saveStallMs.push(
        await longestStall(async () => {
          head = (await saveWhole(m)).id;
        }),
      );
    }
    // Strokes on the cached head, as an annotator paints (the first one, not timed, takes the head over
    // from the whole-mask save above).
    for (let r = -1; r < runs; r++) {
      const patch = dab([40 + 12 * (r + 1), 40, 280]);
      const stall = await longestStall(async () => {
        head = (
          await store.commitPatch({
            annotationId,
            parentRevisionId: head,
            tool: 'brush',
            author: 'bench',
            patch,
          })
        ).id;
      });
      if (r >= 0) dabStallMs.push(stall);
    }

    const strokeMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const patch = dab([40 + 12 * r, 460, 20]);
      const [rev, t] = await timed(() =>
        store.commitPatch({ annotationId, parentRevisionId: head, tool: 'brush', author: 'bench', patch }),
      );
      strokeMs.push(t);
      head = rev.id;
    }

    const bigMs: number[] = [];
    const bigApplyMs: number[] = [];
    const dabApplyMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const box: Box = [100, 300, 100, 300, 100 + r, 200 + r];
      const patch = { box, data: new Uint8Array(200 * 200 * 100).fill(r % 2 === 0 ? 2 : 0) };
      const before = extractPatch(mask, DIMS, box);
      const [, ta] = await timed(() => applyPatch(mask, DIMS, patch));
      applyPatch(mask, DIMS, before);
      bigApplyMs.push(ta);
      const small = dab([256, 256, 150]);
      const smallBefore = extractPatch(mask, DIMS, small.box);
      const [, ts] = await timed(() => applyPatch(mask, DIMS, small));
      applyPatch(mask, DIMS, smallBefore);
      dabApplyMs.push(ts);
      const [rev, t] = await timed(() =>
        store.commitPatch({ annotationId, parentRevisionId: head, tool: 'fill', author: 'bench', patch }),
      );
      bigMs.push(t);
      head = rev.id;
    }

    const revertMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const [rev, t] = await timed(() =>
        store.revert({ annotationId, revisionId: firstSaved, author: 'bench' }),
      );
      revertMs.push(t);
      head = rev.id;
    }
    const filling =
      fillStrokes > 0
        ? await fillingMask(ws, fillAnnotationId, codec, policy ?? store.policy, fillStrokes)
        : null;
    ws.close();

    const counts = { nodule: 0, organ: 0 };
    for (const v of mask)
      if (v === 1) counts.nodule++;
      else if (v === 2) counts.organ++;
    const result = {
      benchmark: 'masks',
      mask: {
        dims: DIMS,
        rawBytes: mask.length,
        labelledVoxels: counts,
        storedBytes,
        ratio: Math.round(mask.length / storedBytes),
      },
      runs,
      codec: codec instanceof MaskCodecPool ? `worker threads (${codec.size})` : 'this thread',
      revisions: policy ? 'every revision a snapshot (--snapshots-only)' : 'deltas over periodic snapshots',
      medianMs: {
        saveWholeMask: median(saveMs),
        commitBrushDab: median(strokeMs),
        commitLarge3dEdit: median(bigMs),
        revert: median(revertMs),
        encode: median(encodeMs),
        decode: median(decodeMs),
        applyBrushDabPatch: median(dabApplyMs),
        applyLarge3dPatch: median(bigApplyMs),
      },
      eventLoopLongestStallMs: {
        idle: median(idleStallMs),
        saveWholeMask: median(saveStallMs),
        commitBrushDab: median(dabStallMs),
        saveNoisyMask: median(noisyStallMs),
      },
      noisyMaskSaveMs: median(noisySaveMs),
      maxMs: {
        saveWholeMask: Math.max(...saveMs),
        commitBrushDab: Math.max(...strokeMs),
        commitLarge3dEdit: Math.max(...bigMs),
      },
      fillingMask: filling,
      notes:
        'save/commit times include encoding, an atomic fsynced blob write and the SQLite commit (synchronous=FULL)',
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? '',
        node: process.version,
        loadAverage1min: os.loadavg()[0],
      },
    };
    if (args.options.has('json')) printJson(result);
    else process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  } finally {
    await codec.close?.();
    if (!args.options.has('keep')) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Blob collection: a save killed between its blob file and its database row leaves an unreferenced file;
// `concord gc` (and the app at start) removes exactly those older than the grace period, keeps everything
// referenced (anywhere in the database) or young, records one audit row, and every revision stays readable.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listAudit, verifyAudit } from '../../db/audit';
import { setSetting } from '../../db/repositories/settings';
import { fill, labellingFixture } from '../../services/test-support/labelling';
import type { Fixture } from '../../services/test-support/labelling';
import { getRevision, listRevisions } from '../../db/repositories/revisions';
import { collectBlobGarbage } from '../../workspace/blob-gc';
import { encodeMaskDelta, maskBlobKind } from '../../workspace/mask-codec-delta';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

let fx: Fixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
  vi.restoreAllMocks();
});

const HOUR = 60 * 60 * 1000;

/** Sets a file's mtime `ms` into the past. */
function age(file: string, ms: number) {
  const t = new Date(Date.now() - ms);
  fs.utimesSync(file, t, t);
}

function allBlobFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .flatMap((p) => fs.readdirSync(path.join(dir, p)).map((n) => path.join(dir, p, n)))
    .sort();
}

async function workspaceWithOrphans() {
  fx = await labellingFixture();
  const ann = await fx.signedIn('Ann', 'annotator');
  const a = await ann.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
  const r1 = await ann.ok('annotation:commit', {
    annotationId: a.id,
    parentRevisionId: null,
    tool: 'brush',
    patch: fill([0, 2, 0, 2, 0, 1], 1),
  });
  const ws = fx.services.app.workspace;
  // Saves killed after the blob write, before the row: files nothing refers to.
  const old = await ws.blobs.put(new Uint8Array([1, 2, 3, 4]));
  const young = await ws.blobs.put(new Uint8Array([5, 6, 7]));
  // A blob some other feature refers to only from inside a JSON value (here: a setting).
  const elsewhere = await ws.blobs.put(new Uint8Array([9, 9]));
  setSetting(ws.db, 'test.model', { weights: `blob:${elsewhere.sha256}` });
  // Everything is old except the young orphan.
  for (const f of allBlobFiles(ws.blobs.dir)) age(f, 2 * HOUR);
  age(ws.blobs.pathOf(young.sha256), 60 * 1000);
  return { ann, a, r1, ws, old, young, elsewhere };
}

describe('blob collection', () => {
  it('removes only unreferenced files older than the grace period, with one audit row', async () => {
    const { ann, r1, ws, old, young, elsewhere } = await workspaceWithOrphans();
    const before = allBlobFiles(ws.blobs.dir);
    const dry = collectBlobGarbage(ws, { actor: 'test', dryRun: true });
    expect(dry.removed.map((r) => r.sha256)).toEqual([old.sha256]);
    expect(allBlobFiles(ws.blobs.dir)).toEqual(before);

    const r = collectBlobGarbage(ws, { actor: 'test' });
    expect(r).toMatchObject({
      scanned: before.length,
      young: 1,
      removed: [{ sha256: old.sha256, bytes: 4 }],
      removedBytes: 4,
    });
    expect(r.referenced).toBe(before.length - 2);
    expect(fs.existsSync(ws.blobs.pathOf(old.sha256))).toBe(false);
    for (const kept of [young, elsewhere]) expect(fs.existsSync(ws.blobs.pathOf(kept.sha256))).toBe(true);
    const row = listAudit(ws.db, 1)[0]!;
    expect(row).toMatchObject({
      id: r.auditId,
      actor: 'test',
      action: 'blob.collect',
      detail: { removed: 1, bytes: 4, sha256: [old.sha256] },
    });
    expect(verifyAudit(ws.db).intact).toBe(true);
    // Every revision and volume is still readable.
    expect((await ann.ok('annotation:mask', { revisionId: r1.id })).data[0]).toBe(1);
    expect(await ann.ok('volume:get', { volumeId: fx!.volumes[1]!.id })).toMatchObject({
      id: fx!.volumes[1]!.id,
    });
    // Nothing more to collect: no second audit row.
    expect(collectBlobGarbage(ws, { actor: 'test' })).toMatchObject({ removed: [], auditId: null });
    expect(listAudit(ws.db, 1)[0]!.id).toBe(r.auditId);
  });

  it('keeps an old orphan that a new write of the same bytes is about to reference', async () => {
    const { a, r1, ws, ann } = await workspaceWithOrphans();
    // The same bytes stored again (dedup): the existing old file is made young, so collection keeps it.
    const again = await ws.blobs.put(new Uint8Array([1, 2, 3, 4]));
    expect(again.existed).toBe(true);
    expect(collectBlobGarbage(ws, { actor: 'test' }).removed).toEqual([]);
    expect(fs.existsSync(ws.blobs.pathOf(again.sha256))).toBe(true);
    // And ordinary saves go on working.
    await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: r1.id,
      tool: 'eraser',
      patch: fill([0, 1, 0, 1, 0, 1], 0),
    });
  });

  it('keeps the delta blobs of recorded revisions and removes a delta whose row never committed', async () => {
    const { ann, a, r1, ws, old, young } = await workspaceWithOrphans();
    const dims = fx!.volumes[0]!.dims;
    // Strokes on the head: each stored as a delta over the one before.
    let parent = r1.id;
    const expected = new Uint8Array(dims[0] * dims[1] * dims[2]);
    expected.fill(1, 0, 2);
    expected.fill(1, 8, 10);
    for (const [n, box] of (
      [
        [4, 6, 0, 1, 0, 1],
        [0, 1, 3, 5, 2, 3],
        [7, 8, 5, 6, 3, 4],
      ] as const
    ).entries()) {
      const patch = fill([...box], n % 2);
      const r = await ann.ok('annotation:commit', {
        annotationId: a.id,
        parentRevisionId: parent,
        tool: 'brush',
        patch,
      });
      expect(getRevision(ws.db, r.id)!.storage).toBe('delta');
      for (let k = box[4]; k < box[5]; k++)
        for (let j = box[2]; j < box[3]; j++)
          for (let i = box[0]; i < box[1]; i++) expected[i + j * dims[0] + k * dims[0] * dims[1]] = n % 2;
      parent = r.id;
    }
    // A stroke killed after its delta blob was written, before its row: nothing refers to it.
    const orphan = await ws.blobs.put(encodeMaskDelta(fill([2, 3, 2, 3, 1, 2], 1), dims));
    for (const f of allBlobFiles(ws.blobs.dir)) age(f, 2 * HOUR);
    const deltas = listRevisions(ws.db, a.id)
      .filter((r) => r.storage === 'delta')
      .map((r) => r.blobSha256);
    expect(deltas).toHaveLength(3);
    const r = collectBlobGarbage(ws, { actor: 'test' });
    // The orphans: the delta, and the fixture's two (aged here too).
    expect(r.removed.map((x) => x.sha256).sort()).toEqual([orphan.sha256, old.sha256, young.sha256].sort());
    expect(fs.existsSync(ws.blobs.pathOf(orphan.sha256))).toBe(false);
    for (const sha of deltas) {
      expect(r.removed.map((x) => x.sha256)).not.toContain(sha);
      expect(maskBlobKind(fs.readFileSync(ws.blobs.pathOf(sha)))).toBe('delta');
    }
    // The head, three deltas over the first snapshot, still reads whole.
    const got = (await ann.ok('annotation:mask', { revisionId: parent })).data;
    expect(Buffer.from(got).equals(Buffer.from(expected))).toBe(true);
  });

  it('runs as `concord gc --workspace <dir> --json`, and refuses a folder that is no workspace', async () => {
    const { ws, old } = await workspaceWithOrphans();
    const dir = ws.dir;
    fx!.close();
    fx = undefined;
    const dry = await cli('gc', '--workspace', dir, '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, removed: [{ sha256: old.sha256 }] });
    const run = await cli('gc', '--workspace', dir, '--json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      removed: { sha256: string }[];
      auditId: number;
      graceMinutes: number;
    };
    expect(out.removed.map((x) => x.sha256)).toEqual([old.sha256]);
    expect(out.graceMinutes).toBe(60);
    const reopened = openWorkspace(dir);
    try {
      expect(listAudit(reopened.db, 1)[0]).toMatchObject({ id: out.auditId, action: 'blob.collect' });
    } finally {
      reopened.close();
    }
    // A grace longer than the files' age keeps them all.
    expect(
      JSON.parse((await cli('gc', '--workspace', dir, '--grace-minutes', '600', '--json')).stdout),
    ).toMatchObject({
      removed: [],
    });
    const bad = await cli('gc', '--workspace', dir, '--grace-minutes', 'soon');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--grace-minutes must be a number/) });
    const none = await cli('gc', '--workspace', path.join(dir, 'nothing-here'));
    expect(none).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a Concord workspace/) });
  });
});

describe('concord gc beside another process', () => {
  it('refuses a grace shorter than a save while another process holds the workspace, and reports partial files', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'concord-gc-')), 'ws');
    openWorkspace(dir).close();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(
        path.join(dir, 'holders', String(other.pid)),
        JSON.stringify({ pid: other.pid, startedAt: '', what: 'web host' }),
      );
      fs.writeFileSync(path.join(dir, 'tmp', 'old.part'), 'x'.repeat(1000));
      age(path.join(dir, 'tmp', 'old.part'), HOUR / 2);
      fs.writeFileSync(path.join(dir, 'tmp', 'new.part'), 'y');
      const refused = await cli('gc', '--workspace', dir, '--grace-minutes', '0');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /web host \(pid \d+\) has this workspace open: a grace below 10 minutes/,
      );
      const dry = await cli('gc', '--workspace', dir, '--grace-minutes', '20', '--dry-run', '--json');
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout).partial).toEqual({
        files: 2,
        bytes: 1001,
        removable: 1,
        removableBytes: 1000,
      });
      const run = await cli('gc', '--workspace', dir, '--grace-minutes', '20', '--json');
      expect(JSON.parse(run.stdout).partial.removable).toBe(1);
      expect(fs.readdirSync(path.join(dir, 'tmp')).filter((n) => n.endsWith('.part'))).toEqual(['new.part']);
    } finally {
      other.kill('SIGKILL');
    }
  });
});

// Kill safety with real kills: the built CLI (`node out/main/cli.js masks stress`) commits mask edits in a
// loop on a workspace, exactly as the app saves strokes, and is killed with SIGKILL at random moments, many
// times. After every kill the workspace is reopened and must hold every revision the child acknowledged,
// with the right voxels, an intact database (PRAGMA integrity_check) and an intact audit chain.
//
// Needs the build (`npm test` builds before the unit tests); without out/main/cli.js this test fails and
// says so.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../core/labelling/patch';
import type { Vec3 } from '../../core/geometry/affine';
import { verifyAudit } from '../../db/audit';
import { listRevisions } from '../../db/repositories/revisions';
import { importVolumes } from '../../services/workspace/import-volumes';
import { writeTestVolume } from '../../services/test-support/labelling';
import { MaskStore } from '../../services/masks/mask-store';
import { REPO_ROOT, tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { stressPatch } from './masks-stress';

const CLI = path.join(REPO_ROOT, 'out', 'main', 'cli.js');
const DIMS: Vec3 = [64, 48, 24];
const ROUNDS = 30;

/**
 * Runs the stress loop until SIGKILL `killAfterMs` after the spawn ('spawn': kills during start-up too) or
 * after its first acknowledged revision ('firstAck': kills inside the commit loop however slow the start-up
 * is on a loaded machine); returns the acknowledged revisions.
 */
function runAndKill(
  ws: string,
  killAfterMs: number,
  from: 'spawn' | 'firstAck',
): Promise<{ acked: { revisionId: number; ordinal: number }[]; stderr: string; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'masks', 'stress', '--workspace', ws, '--volume', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    const kill = () => child.kill('SIGKILL');
    // 'firstAck': a generous bound in case the child never acknowledges (the test then fails on its count).
    let timer = setTimeout(kill, from === 'spawn' ? killAfterMs : 60_000);
    child.stdout.on('data', (d: Buffer) => {
      const first = !out.includes('\n');
      out += d.toString();
      if (from === 'firstAck' && first && out.includes('}\n')) {
        clearTimeout(timer);
        timer = setTimeout(kill, killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      // Only whole lines count: a line is written in one synchronous write after its commit returned.
      const acked = out
        .split('\n')
        .filter((l) => l.endsWith('}'))
        .map((l) => JSON.parse(l) as { revisionId: number; ordinal: number });
      resolve({ acked, stderr, signal });
    });
  });
}

describe('kill -9 during commits', () => {
  it('loses no acknowledged revision and never corrupts the workspace, over many random kills', async () => {
    expect(
      fs.existsSync(CLI),
      `${CLI} is missing: run \`npm run build\` first (npm test builds before the unit tests)`,
    ).toBe(true);
    const dir = tempDir();
    const wsDir = path.join(dir, 'ws');
    const image = path.join(dir, 'image.nii.gz');
    await writeTestVolume(image, DIMS);
    const setup = openWorkspace(wsDir);
    await importVolumes(
      setup,
      { jobId: 'kill', source: { kind: 'paths', paths: [image] } },
      'test',
      () => undefined,
    );
    setup.close();

    const acked = new Map<number, number>();
    let killedMidRun = 0;
    // A seeded sequence of kill times. Every third round counts from the spawn (150-800 ms: kills during
    // start-up on a loaded machine, in the loop otherwise); the others from the first acknowledgement
    // (0-650 ms: kills inside the commit loop, whatever the start-up costs).
    let seed = 7;
    const nextDelay = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % 650;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const fromSpawn = round % 3 === 0;
      const r = await runAndKill(
        wsDir,
        fromSpawn ? 150 + nextDelay() : nextDelay(),
        fromSpawn ? 'spawn' : 'firstAck',
      );
      expect(r.signal, `round ${round} ended by itself: ${r.stderr}`).toBe('SIGKILL');
      expect(r.stderr).toBe('');
      for (const a of r.acked) acked.set(a.revisionId, a.ordinal);

      // Reopen after every kill: the database opens, is intact, and holds every acknowledged revision.
      const ws = openWorkspace(wsDir);
      try {
        expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(verifyAudit(ws.db)).toMatchObject({ intact: true, firstBadId: null });
        const stored = listRevisions(ws.db, 1);
        const ids = new Set(stored.map((s) => s.id));
        for (const id of acked.keys()) expect(ids.has(id), `acknowledged revision ${id} lost`).toBe(true);
        // A revision beyond the last acknowledged one was committed but the kill beat its acknowledgement.
        const last = r.acked.at(-1)?.revisionId ?? 0;
        if (stored.some((s) => s.id > last) && r.acked.length > 0) killedMidRun++;
      } finally {
        ws.close();
      }
    }
    expect(acked.size, 'the stress loop should have committed many revisions').toBeGreaterThan(ROUNDS);

    // Every stored revision has the content its ordinal says, and they form one line.
    const ws = openWorkspace(wsDir);
    try {
      const store = new MaskStore(ws);
      const stored = listRevisions(ws.db, 1);
      const mask = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
      let parent: number | null = null;
      for (const [ordinal, rev] of stored.entries()) {
        applyPatch(mask, DIMS, stressPatch(ordinal, DIMS));
        expect(rev.parentId).toBe(parent);
        if (acked.has(rev.id)) expect(acked.get(rev.id)).toBe(ordinal);
        const labels = await store.decodeRevision(rev, DIMS);
        expect(
          Buffer.from(labels).equals(Buffer.from(mask)),
          `revision ${rev.id} (ordinal ${ordinal}) has the wrong voxels`,
        ).toBe(true);
        let ones = 0;
        for (const v of mask) ones += v;
        expect(rev.labelVoxels).toEqual(ones > 0 ? { '1': ones } : {});
        parent = rev.id;
      }
      // Where the kills landed: partial temp files (during a blob write), blobs without a row (after the
      // blob, before its transaction), revisions without an acknowledgement (after the transaction).
      const partial = fs.readdirSync(ws.tmpDir).filter((f) => f.endsWith('.part')).length;
      const referenced = new Set(
        (ws.db.prepare('SELECT sha256 FROM blobs').all() as { sha256: string }[]).map((b) => b.sha256),
      );
      const blobFiles = fs
        .readdirSync(ws.blobs.dir, { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile());
      const orphans = blobFiles.filter((f) => !referenced.has(f.name)).length;
      console.log(
        `kill test: ${ROUNDS} SIGKILLs, ${acked.size} acknowledged revisions, ${stored.length} stored; kills during a ` +
          `blob write ${partial}, between blob and row ${orphans}, after a commit and before its acknowledgement ${killedMidRun}`,
      );
    } finally {
      ws.close();
    }
  }, 240_000);
});

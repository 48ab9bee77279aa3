// Migration 5 (revisions as snapshots or deltas) on a schema-4 workspace holding masks: every old revision
// becomes a snapshot whose chain is itself; the rules a delta row must follow; materialised whole-mask blobs.
// (Reading, reverting and editing such a workspace's masks: services/masks/mask-store-deltas.test.ts.)
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/geometry/affine';
import { tempDir } from '../../test-support/tmp';
import { schema4Workspace } from '../test-support/schema4';
import { decodeMask } from '../../workspace/mask-codec';
import { openWorkspace } from '../../workspace/workspace';
import { getRevision, insertRevisionSnapshot, listRevisions, revisionChain } from '../repositories/revisions';
import { MIGRATIONS } from './index';

const DIMS: Vec3 = [6, 5, 4];

describe('migration 005 (revision deltas)', () => {
  it('makes every old revision a snapshot, and holds delta rows and materialised blobs to their rules', async () => {
    const dir = tempDir();
    expect(MIGRATIONS[4]!.version).toBe(5);
    const { m2 } = await schema4Workspace(dir);

    const ws = openWorkspace(dir);
    try {
      expect(ws.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const [r1, r2] = listRevisions(ws.db, 1);
      for (const r of [r1!, r2!]) {
        expect([r.storage, r.baseId, r.chainDepth, r.chainBytes]).toEqual(['snapshot', null, 0, 0]);
      }
      expect(ws.db.prepare('SELECT count(*) AS n FROM revision_snapshots').get()).toEqual({ n: 0 });

      // The chain of an old revision is the revision alone, its blob a whole mask.
      for (const r of [r1!, r2!]) {
        const chain = revisionChain(ws.db, r.id);
        expect(chain.map((l) => [l.revision.id, l.snapshotSha256])).toEqual([[r.id, r.blobSha256]]);
      }
      expect(
        Buffer.from(decodeMask(fs.readFileSync(ws.blobs.pathOf(r2!.blobSha256)), DIMS).labels).equals(
          Buffer.from(m2),
        ),
      ).toBe(true);
      // A delta must rest on an earlier revision of its annotation, one step deeper; snapshots on nothing.
      const insert = (parent: number, base: number | null, depth: number, bytes: number, storage: string) =>
        ws.db
          .prepare(
            `INSERT INTO annotation_revisions (annotation_id, parent_id, blob_sha256, storage, base_id, chain_depth,
               chain_bytes, author, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, 'x', 't')`,
          )
          .run(parent, r1!.blobSha256, storage, base, depth, bytes);
      expect(() => insert(r2!.id, r2!.id, 2, 10, 'delta')).toThrow(/one step deeper/);
      expect(() => insert(r2!.id, null, 1, 10, 'delta')).toThrow(/one step deeper/);
      expect(() => insert(r2!.id, r2!.id, 1, 0, 'delta')).toThrow(/one step deeper/);
      expect(() => insert(r2!.id, r1!.id, 0, 0, 'snapshot')).toThrow(/one step deeper/);
      const r3 = Number(insert(r2!.id, r2!.id, 1, 10, 'delta').lastInsertRowid);
      expect(getRevision(ws.db, r3)).toMatchObject({
        storage: 'delta',
        baseId: r2!.id,
        chainDepth: 1,
        chainBytes: 10,
      });
      expect(revisionChain(ws.db, r3).map((l) => l.revision.id)).toEqual([r2!.id, r3]);
      // Whole-mask blobs materialised for delta revisions: one per revision, never changed or removed.
      insertRevisionSnapshot(ws.db, {
        revisionId: r3,
        sha256: r2!.blobSha256,
        byteLength: r2!.blobBytes,
        createdAt: 't',
      });
      insertRevisionSnapshot(ws.db, {
        revisionId: r3,
        sha256: r1!.blobSha256,
        byteLength: r1!.blobBytes,
        createdAt: 't',
      });
      expect(ws.db.prepare('SELECT revision_id, blob_sha256 FROM revision_snapshots').all()).toEqual([
        { revision_id: r3, blob_sha256: r2!.blobSha256 },
      ]);
      expect(revisionChain(ws.db, r3).at(-1)!.snapshotSha256).toBe(r2!.blobSha256);
      expect(() => ws.db.prepare('DELETE FROM revision_snapshots').run()).toThrow(/never deleted/);
      expect(() => ws.db.prepare("UPDATE revision_snapshots SET created_at = 'x'").run()).toThrow(
        /immutable/,
      );
      expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      ws.close();
    }
  });
});

// Audit rows between workspaces (audit-exchange.ts): exported with their origin, imported into another
// workspace's keyed chain keeping it, once only, passed on to a third with the first origin; a changed row
// is refused; the sealed head verifies under its key only.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/tmp';
import { openWorkspace } from '../workspace/workspace';
import type { Workspace } from '../workspace/workspace';
import { appendAudit } from './audit';
import {
  appendImportedAudit,
  checkPortableRow,
  readAuditForExport,
  readAuditHead,
  verifyAuditHead,
} from './audit-exchange';
import { verifyAudit } from './audit-verify';

function workspace(rows: string[]): Workspace {
  const ws = openWorkspace(tempDir());
  for (const action of rows)
    ws.db.transaction(() => appendAudit(ws.db, { actor: 'ann', action, detail: { action, n: 1.5 } }))();
  return ws;
}

describe('audit rows between workspaces', () => {
  it('imports rows keeping their origin, once, and passes them on with the first origin', () => {
    const a = workspace(['a1', 'a2', 'a3']);
    const b = workspace(['b1']);
    const c = workspace([]);
    try {
      const fromA = readAuditForExport(a.db, { match: (r) => r.action !== 'a2' });
      expect(fromA.map((r) => [r.action, r.originWorkspace, r.originId])).toEqual([
        ['a1', a.key.id, 1],
        ['a3', a.key.id, 3],
      ]);
      expect(fromA.every((r) => checkPortableRow(r) === null)).toBe(true);

      const first = b.db.transaction(() => appendImportedAudit(b.db, fromA))();
      expect(first).toEqual({ appended: [2, 3], skipped: 0 });
      expect(b.db.transaction(() => appendImportedAudit(b.db, fromA))()).toEqual({
        appended: [],
        skipped: 2,
      });
      expect(verifyAudit(b.db)).toMatchObject({ intact: true, rows: 3, sealed: true });

      const fromB = readAuditForExport(b.db);
      expect(fromB.map((r) => [r.action, r.originWorkspace, r.originId, r.originHash])).toEqual([
        ['b1', b.key.id, 1, fromB[0]!.hash],
        ['a1', a.key.id, 1, fromA[0]!.originHash],
        ['a3', a.key.id, 3, fromA[1]!.originHash],
      ]);
      // Rows of b's own chain differ from a's (another chain), the origin stays a's.
      expect(fromB[1]!.hash).not.toBe(fromA[0]!.hash);
      c.db.transaction(() => appendImportedAudit(c.db, fromB))();
      c.db.transaction(() => appendImportedAudit(c.db, fromA))();
      expect(readAuditForExport(c.db).map((r) => [r.originWorkspace, r.originId])).toEqual([
        [b.key.id, 1],
        [a.key.id, 1],
        [a.key.id, 3],
      ]);
      // a's own rows coming back are skipped.
      expect(a.db.transaction(() => appendImportedAudit(a.db, fromB))()).toEqual({
        appended: [4],
        skipped: 2,
      });
      expect(verifyAudit(c.db).intact && verifyAudit(a.db).intact).toBe(true);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });

  it('refuses a changed row and writes nothing', () => {
    const a = workspace(['a1', 'a2']);
    const b = workspace([]);
    try {
      const rows = readAuditForExport(a.db);
      const changed = rows.map((r, i) => (i === 1 ? { ...r, actor: 'mallory' } : r));
      expect(() => b.db.transaction(() => appendImportedAudit(b.db, changed))()).toThrow(
        `audit row 2 of workspace ${a.key.id} does not match its hash: its content was changed`,
      );
      expect(b.db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
      // An origin row already here with other content is a conflict, not a second copy.
      b.db.transaction(() => appendImportedAudit(b.db, rows.slice(0, 1)))();
      const forged = {
        ...rows[0]!,
        originHash: rows[1]!.originHash,
        originPrevHash: rows[1]!.originPrevHash,
      };
      expect(
        checkPortableRow({ ...forged, ...{ at: rows[1]!.at, action: 'a2', detail: rows[1]!.detail } }),
      ).toBe(null);
      expect(() =>
        b.db.transaction(() =>
          appendImportedAudit(b.db, [{ ...forged, at: rows[1]!.at, action: 'a2', detail: rows[1]!.detail }]),
        )(),
      ).toThrow(/differs from the copy already here/);
    } finally {
      a.close();
      b.close();
    }
  });

  it('exports the sealed head, which verifies under its own key only', () => {
    const a = workspace(['a1', 'a2']);
    const b = workspace([]);
    try {
      const head = readAuditHead(a.db);
      expect(head).toMatchObject({ workspaceId: a.key.id, publicKeyPem: a.key.publicKeyPem, rowCount: 2 });
      expect(head.lastHash).toBe(readAuditForExport(a.db).at(-1)!.hash);
      expect(verifyAuditHead(head)).toBe(true);
      expect(verifyAuditHead(head, a.key.publicKeyPem)).toBe(true);
      expect(verifyAuditHead(head, b.key.publicKeyPem)).toBe(false);
      expect(verifyAuditHead({ ...head, rowCount: 1 })).toBe(false);
      expect(verifyAuditHead({ ...head, publicKeyPem: b.key.publicKeyPem })).toBe(false);
      expect(verifyAuditHead({ ...head, signature: 'nonsense' })).toBe(false);
      expect(readAuditHead(b.db)).toMatchObject({ workspaceId: b.key.id, rowCount: 0 });
    } finally {
      a.close();
      b.close();
    }
  });
});

// How failures reach a client: expected errors keep their one line; an internal error answers only an
// error id (the log has the stack and any path under that id); SQLite's "busy" is a retryable 'busy' and a
// full database or disk a 'resource' error that says what to do, leaving the workspace as it was.
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../db/audit';
import { headRevisionId } from '../db/repositories/revisions';
import type { Handlers } from './handler-types';
import { dispatch, toAppError } from './dispatch';
import { fill, labellingFixture } from './test-support/labelling';
import { DISK_RESERVE_BYTES, spaceProblem } from '../workspace/blob-store';
import type { CallContext } from './context';

const ctx = {} as CallContext;

function failing(e: unknown): Handlers {
  return {
    'app:info': () => {
      throw e;
    },
  } as unknown as Handlers;
}

describe('dispatch', () => {
  it('answers an internal error with an id only, and logs the detail under that id', async () => {
    const lines: string[] = [];
    const r = await dispatch(
      failing(new Error("ENOENT: no such file, open '/home/someone/ws/blobs/ab/abcdef'")),
      'app:info',
      undefined,
      ctx,
      (l) => lines.push(l),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('internal');
    expect(r.error.message).not.toMatch(/home|blobs|ENOENT/);
    const id = /id ([0-9a-f]{8})/.exec(r.error.message)?.[1];
    expect(id).toBeDefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`error ${id!}`);
    expect(lines[0]).toContain('/home/someone/ws/blobs');
  });

  it("maps SQLite's busy and full, and the system's no-space, to what the user can do", () => {
    const sqlite = (code: string) => Object.assign(new Error('database is locked'), { code });
    expect(toAppError(sqlite('SQLITE_BUSY'))).toMatchObject({ code: 'busy', message: /try again/ });
    expect(toAppError(sqlite('SQLITE_BUSY_SNAPSHOT')).code).toBe('busy');
    expect(toAppError(sqlite('SQLITE_FULL'))).toMatchObject({ code: 'resource', message: /disk .* full/ });
    expect(toAppError(Object.assign(new Error('x'), { code: 'ENOSPC' })).code).toBe('resource');
  });

  it('names the reserve when refusing a write for lack of space', () => {
    expect(spaceProblem(2 ** 20, 10 * 2 ** 30)).toBeNull();
    const why = spaceProblem(0.5 * 2 ** 20, 19.7 * 2 ** 20);
    expect(why).toContain('0.5 MiB');
    expect(why).toContain(`${DISK_RESERVE_BYTES / 2 ** 20}.0 MiB Concord keeps free`);
    expect(why).toContain('19.7 MiB are free');
  });

  it('a save on a full database is a resource error and leaves the workspace as it was', async () => {
    const fx = await labellingFixture();
    try {
      const w = await fx.signedIn('Ann', 'annotator');
      const a = await w.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
      const first = await w.ok('annotation:commit', {
        annotationId: a.id,
        parentRevisionId: null,
        tool: 'brush',
        patch: fill([0, 2, 0, 2, 0, 1], 1),
      });
      const db = fx.services.app.workspace.db;
      // The database may not grow by one page: the next write fails with SQLITE_FULL, as on a full disk.
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages}`);
      let r;
      for (let n = 0; n < 50; n++) {
        r = await w.call('annotation:commit', {
          annotationId: a.id,
          parentRevisionId: headRevisionId(db, a.id),
          tool: 'brush',
          patch: fill([0, 4, 0, 4, 0, 2], n % 2),
        });
        if (!r.ok) break;
      }
      expect(r).toMatchObject({ ok: false, error: { code: 'resource', message: /full/ } });
      const head = headRevisionId(db, a.id);
      db.pragma('max_page_count = 1073741823');
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(verifyAudit(db).intact).toBe(true);
      const next = await w.ok('annotation:commit', {
        annotationId: a.id,
        parentRevisionId: head,
        tool: 'brush',
        patch: fill([0, 1, 0, 1, 0, 1], 0),
      });
      expect(next.parentId).toBe(head);
      expect(first.id).toBeLessThanOrEqual(head!);
    } finally {
      fx.close();
    }
  });
});

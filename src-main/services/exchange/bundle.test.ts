// Bundles between workspaces in one process: what each kind carries (blinding of tasks), merges that lose
// nothing (idempotent, forks kept, authors/times/parents preserved), and refusals that write nothing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit';
import { listRevisions } from '../../db/repositories/revisions';
import { findManualAnnotation } from '../../db/repositories/annotations';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { tempDir } from '../../test-support/tmp';
import type { Db } from '../../db/open';
import { getCaseSubject, setCaseSubject } from '../../db/repositories/projects';
import { exportSubject } from '../workspace/deidentify';
import { MaskStore } from '../masks/mask-store';
import {
  edit,
  exchangeImage,
  exchangeWorkspace,
  revisionsView,
  volumeIdOf,
  workspaceState,
} from '../test-support/exchange';
import { exportBundle } from './export-bundle';
import { importBundle } from './import-bundle';

const caseOf = (ws: { db: Db }, volumeId: number) =>
  ws.db.prepare('SELECT case_id FROM volumes WHERE id = ?').pluck().get(volumeId) as number;

describe('bundles between workspaces', () => {
  it("a de-identified bundle carries a case's subject as its keyed pseudonym", async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: a, volumeId } = await exchangeWorkspace(path.join(dir, 'a'), image);
    setCaseSubject(a.db, caseOf(a, volumeId!), 'P07');
    const file = path.join(dir, 'review.concord-bundle');
    await exportBundle(a, { kind: 'review', project: 'P', images: true, deidentify: true }, file, 'test');
    const { ws: b } = await exchangeWorkspace(path.join(dir, 'b'));
    await importBundle(b, file, { actor: 'test', trust: true });
    const subject = getCaseSubject(b.db, caseOf(b, volumeIdOf(b)));
    expect(subject).toBe(exportSubject(a, 'P07'));
    expect(subject).toMatch(/^Subject [0-9a-f]{8}$/);
    a.close();
    b.close();
  });

  it('a task carries the case, its image and one annotator assignment, and none of the other raters masks', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: a, volumeId } = await exchangeWorkspace(path.join(dir, 'a'), image);
    await edit(a, volumeId!, 'Reader 1', [0, 4, 0, 4, 0, 2]);
    await edit(a, volumeId!, 'Reader 2', [2, 6, 2, 6, 0, 2]);
    setCaseSubject(a.db, caseOf(a, volumeId!), 'P07');
    const file = path.join(dir, 'task.concord-bundle');
    const ex = await exportBundle(a, { kind: 'task', project: 'P', forAnnotator: 'Reader 1' }, file, 'test');
    expect(ex).toMatchObject({
      kind: 'task',
      cases: 1,
      volumes: 1,
      imagesIncluded: true,
      annotations: 1,
      revisions: 1,
    });

    const { ws: b } = await exchangeWorkspace(path.join(dir, 'b'));
    const s = await importBundle(b, file, { actor: 'test', trust: true });
    expect(s).toMatchObject({
      changed: true,
      trustedNow: true,
      casesCreated: 1,
      volumesCreated: 1,
      revisionsAdded: 1,
    });
    const vb = volumeIdOf(b);
    // The same voxels (matched by checksum), the annotator's own work, no trace of Reader 2.
    expect(b.db.prepare('SELECT blob_sha256 FROM volumes').pluck().all()).toEqual(
      a.db.prepare('SELECT blob_sha256 FROM volumes').pluck().all(),
    );
    expect(findAnnotatorByName(b.db, 'Reader 2')).toBeUndefined();
    // The case's subject travels (a training run there splits by it too).
    expect(getCaseSubject(b.db, caseOf(b, vb))).toBe('P07');
    // Nor in the audit rows it carried; those it did carry keep their origin, and the profile its uid.
    expect(b.db.prepare("SELECT count(*) FROM audit_log WHERE actor = 'Reader 2'").pluck().get()).toBe(0);
    expect(s.auditRowsAdded).toBeGreaterThan(0);
    expect(
      b.db
        .prepare('SELECT DISTINCT origin_workspace FROM audit_log WHERE origin_workspace IS NOT NULL')
        .pluck()
        .all(),
    ).toEqual([a.key.id]);
    expect(findAnnotatorByName(b.db, 'Reader 1')!.uid).toBe(findAnnotatorByName(a.db, 'Reader 1')!.uid);
    expect(b.db.prepare('SELECT count(*) FROM annotations').pluck().get()).toBe(1);
    const r1 = findAnnotatorByName(b.db, 'Reader 1')!;
    expect(findManualAnnotation(b.db, vb, r1.id)!.revisionCount).toBe(1);
    expect(b.db.prepare('SELECT name FROM labels').pluck().all()).toEqual(
      a.db.prepare('SELECT name FROM labels').pluck().all(),
    );
    expect(verifyAudit(b.db).intact).toBe(true);
    a.close();
    b.close();
  });

  it('a result comes back with authors, times and parents; importing it twice changes nothing', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: a, volumeId } = await exchangeWorkspace(path.join(dir, 'a'), image);
    await edit(a, volumeId!, 'Reader 1', [0, 4, 0, 4, 0, 2]);
    const task = path.join(dir, 'task.concord-bundle');
    await exportBundle(a, { kind: 'task', project: 'P', forAnnotator: 'Reader 1' }, task, 'test');
    const { ws: b } = await exchangeWorkspace(path.join(dir, 'b'));
    await importBundle(b, task, { actor: 'test', trust: true });
    const vb = volumeIdOf(b);
    for (let n = 0; n < 4; n++) await edit(b, vb, 'Reader 1', [n, n + 3, 1, 5, 0, 3], 1);
    b.db
      .prepare("UPDATE annotations SET status = 'done', status_at = ?, time_spent_sec = 321")
      .run(new Date().toISOString());

    const result = path.join(dir, 'result.concord-bundle');
    const ex = await exportBundle(
      b,
      { kind: 'result', project: 'P', forAnnotator: 'Reader 1' },
      result,
      'test',
    );
    expect(ex).toMatchObject({ imagesIncluded: false, revisions: 5 });
    const first = await importBundle(a, result, { actor: 'test', trust: true });
    expect(first).toMatchObject({
      changed: true,
      revisionsAdded: 4,
      revisionsKnown: 1,
      forks: [],
      casesCreated: 0,
    });
    expect(revisionsView(a)).toEqual(revisionsView(b));
    const annotation = a.db.prepare('SELECT status, time_spent_sec AS t FROM annotations').get();
    expect(annotation).toEqual({ status: 'done', t: 321 });
    // The voxels are the ones drawn on b, read through a's delta chains.
    const store = new MaskStore(a);
    const head = listRevisions(a.db, 1).at(-1)!;
    const bHead = listRevisions(b.db, 1).at(-1)!;
    expect(
      Buffer.from(await store.decodeRevision(head, [12, 10, 6])).equals(
        Buffer.from(await new MaskStore(b).decodeRevision(bHead, [12, 10, 6])),
      ),
    ).toBe(true);

    const before = workspaceState(a);
    const again = await importBundle(a, result, { actor: 'test' });
    expect(again).toMatchObject({ changed: false, revisionsAdded: 0, revisionsKnown: 5 });
    expect(workspaceState(a)).toEqual(before);
    expect(verifyAudit(a.db).intact).toBe(true);
    a.close();
    b.close();
  });

  it('parallel edits of one annotation from two bundles keep both branches, and a head can be picked', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: a, volumeId } = await exchangeWorkspace(path.join(dir, 'a'), image);
    const r1 = await edit(a, volumeId!, 'Reader 1', [0, 4, 0, 4, 0, 2]);
    const task = path.join(dir, 'task.concord-bundle');
    await exportBundle(a, { kind: 'task', project: 'P', forAnnotator: 'Reader 1' }, task, 'test');
    const results: string[] = [];
    for (const name of ['laptop', 'desk']) {
      const { ws } = await exchangeWorkspace(path.join(dir, name));
      await importBundle(ws, task, { actor: 'test', trust: true });
      await edit(ws, volumeIdOf(ws), 'Reader 1', name === 'laptop' ? [5, 9, 0, 3, 0, 2] : [0, 2, 6, 9, 3, 5]);
      const out = path.join(dir, `${name}.concord-bundle`);
      await exportBundle(ws, { kind: 'result', project: 'P' }, out, 'test');
      results.push(out);
      ws.close();
    }
    const s1 = await importBundle(a, results[0]!, { actor: 'test', trust: true });
    expect(s1.forks).toEqual([]);
    const s2 = await importBundle(a, results[1]!, { actor: 'test', trust: true });
    expect(s2.forks).toHaveLength(1);
    const revs = listRevisions(a.db, 1);
    expect(revs.map((r) => r.parentId)).toEqual([null, r1, r1]);
    // Both again, either order: nothing changes.
    const before = workspaceState(a);
    await importBundle(a, results[1]!, { actor: 'test' });
    await importBundle(a, results[0]!, { actor: 'test' });
    expect(workspaceState(a)).toEqual(before);
    a.close();
  });

  it('refuses an unknown signer without trust, writing nothing; trust is remembered', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: a } = await exchangeWorkspace(path.join(dir, 'a'), image);
    const file = path.join(dir, 'x.concord-bundle');
    await exportBundle(a, { kind: 'review', project: 'P', images: true }, file, 'test');
    const { ws: b } = await exchangeWorkspace(path.join(dir, 'b'));
    const before = workspaceState(b);
    await expect(importBundle(b, file, { actor: 'test' })).rejects.toThrow(
      /has not trusted before; nothing was imported/,
    );
    expect(workspaceState(b)).toEqual(before);
    await importBundle(b, file, { actor: 'test', trust: true });
    const file2 = path.join(dir, 'y.concord-bundle');
    await edit(a, volumeIdOf(a), 'Reader 3', [0, 1, 0, 1, 0, 1]);
    await exportBundle(a, { kind: 'result', project: 'P' }, file2, 'test');
    expect(await importBundle(b, file2, { actor: 'test' })).toMatchObject({
      trustedNow: false,
      revisionsAdded: 1,
    });
    a.close();
    b.close();
  });

  it('refuses a result whose images the receiver lacks, writing nothing', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: a, volumeId } = await exchangeWorkspace(path.join(dir, 'a'), image);
    await edit(a, volumeId!, 'Reader 1', [0, 4, 0, 4, 0, 2]);
    const file = path.join(dir, 'r.concord-bundle');
    await exportBundle(a, { kind: 'result', project: 'P' }, file, 'test');
    const { ws: b } = await exchangeWorkspace(path.join(dir, 'b'));
    const before = workspaceState(b);
    await expect(importBundle(b, file, { actor: 'test', trust: true })).rejects.toThrow(
      /leaves out the image of case 'A'/,
    );
    expect(workspaceState(b)).toEqual(before);
    expect(fs.readdirSync(b.tmpDir).filter((f) => f.endsWith('.part'))).toEqual([]);
    a.close();
    b.close();
  });
});

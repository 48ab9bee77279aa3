// Every write needs a signed-in profile with a fitting role; reads of the workspace stay open. The one
// signed-out write is the first profile of a workspace (an admin), and the view state (display only).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Req, RequestChannel } from '@contract';
import { verifyAudit } from '../../db/audit';
import { fill, labellingFixture, PASSWORD, writeTestVolume } from '../test-support/labelling';
import type { Fixture, Window } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

function counts(f: Fixture) {
  const db = f.services.app.workspace.db;
  const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    audit: verifyAudit(db).rows,
    projects: n('projects'),
    volumes: n('volumes'),
    annotators: n('annotators'),
    revisions: n('annotation_revisions'),
  };
}

async function expectForbidden<C extends RequestChannel>(w: Window, channel: C, req: Req<C>, why: RegExp) {
  expect(await w.call(channel, req), channel).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: expect.stringMatching(why) },
  });
}

describe('write access', () => {
  it('refuses every write from a signed-out window once an admin exists, changing nothing', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const own = await ann.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
    const r = await ann.ok('annotation:commit', {
      annotationId: own.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    const file = path.join(fx.dir, 'C.nii.gz');
    await writeTestVolume(file, [4, 4, 4]);
    const before = counts(fx);
    const out = fx.window();
    const signIn = /sign in first/;
    await expectForbidden(out, 'project:create', { name: 'New' }, signIn);
    await expectForbidden(
      out,
      'import:run',
      { jobId: 'j', source: { kind: 'paths', paths: [file] }, projectName: 'New' },
      signIn,
    );
    await expectForbidden(out, 'import:cancel', { jobId: 'j' }, signIn);
    await expectForbidden(
      out,
      'annotator:create',
      { name: 'Eve', role: 'admin', password: PASSWORD },
      signIn,
    );
    await expectForbidden(out, 'annotator:setPassword', { annotatorId: 1, password: PASSWORD }, signIn);
    await expectForbidden(
      out,
      'label:save',
      { projectId: fx.projectId, value: 2, name: 'X', color: '#00ff00', visible: true, opacity: 1 },
      signIn,
    );
    await expectForbidden(out, 'annotation:open', { volumeId: fx.volumes[0]!.id }, signIn);
    await expectForbidden(
      out,
      'annotation:commit',
      { annotationId: own.id, parentRevisionId: r.id, tool: 'brush', patch: fill([0, 1, 0, 1, 0, 1], 0) },
      signIn,
    );
    await expectForbidden(out, 'annotation:revert', { annotationId: own.id, revisionId: r.id }, signIn);
    await expectForbidden(out, 'worklist:setStatus', { annotationId: own.id, status: 'done' }, signIn);
    await expectForbidden(out, 'worklist:addTime', { annotationId: own.id, seconds: 5 }, signIn);
    await expectForbidden(out, 'case:openReview', { caseId: fx.volumes[0]!.caseId }, signIn);
    expect(counts(fx)).toEqual(before);

    // Reads stay open: projects, cases, volumes, labels, the profile list (to pick one to sign in).
    expect((await out.ok('project:list', undefined)).map((p) => p.name)).toEqual(['P']);
    expect(await out.ok('volume:list', { caseId: fx.volumes[0]!.caseId })).toHaveLength(1);
    expect(await out.ok('label:list', { projectId: fx.projectId })).toHaveLength(1);
    expect((await out.ok('annotator:list', undefined)).map((p) => p.name)).toContain('Ann');
  });

  it('lets only reviewers and admins create projects and import volumes', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const file = path.join(fx.dir, 'C.nii.gz');
    await writeTestVolume(file, [4, 4, 4]);
    const before = counts(fx);
    const role = /needs the role reviewer or admin \(Ann is annotator\)/;
    await expectForbidden(ann, 'project:create', { name: 'New' }, role);
    await expectForbidden(
      ann,
      'import:run',
      { jobId: 'j', source: { kind: 'paths', paths: [file] }, projectName: 'New' },
      role,
    );
    expect(counts(fx)).toEqual(before);

    const rev = await fx.signedIn('Rita', 'reviewer');
    const p = await rev.ok('project:create', { name: 'New' });
    const s = await rev.ok('import:run', {
      jobId: 'j2',
      source: { kind: 'paths', paths: [file] },
      projectId: p.id,
    });
    expect(s.volumes).toHaveLength(1);
    const audit = await rev.ok('audit:list', { limit: 10 });
    expect(audit.find((e) => e.action === 'volume.import')?.actor).toBe('Rita');
    // Import progress goes to the window that started the import, not to the others.
    expect(rev.events.some((e) => e.event === 'import:progress')).toBe(true);
    expect(ann.events.some((e) => e.event === 'import:progress')).toBe(false);
  });

  it('still lets a fresh workspace create its first profile (an admin) signed out, and then import', async () => {
    fx = await labellingFixture();
    const w = fx.window();
    expect(await w.ok('session:get', undefined)).toEqual({ annotator: null, firstRun: true });
    const admin = await w.ok('annotator:create', { name: 'First', role: 'admin', password: PASSWORD });
    expect(admin.role).toBe('admin');
    await w.ok('session:signIn', { annotatorId: admin.id, password: PASSWORD });
    expect((await w.ok('project:create', { name: 'Mine' })).name).toBe('Mine');
    // The view state is display state: a signed-out window may still save where it looked.
    const out = fx.window();
    expect(await out.ok('view:set', { volumeId: fx.volumes[0]!.id })).toEqual({
      volumeId: fx.volumes[0]!.id,
    });
  });
});

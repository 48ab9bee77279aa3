// Profiles and sessions through the real handlers: the first admin, roles, passwords (scrypt), per-window
// sign-in, and attribution of changes to the signed-in profile.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit, verifyAudit } from '../../db/audit';
import { getAnnotatorRow } from '../../db/repositories/annotators';
import { insertAnnotator } from '../../db/repositories/annotators';
import { labellingFixture, PASSWORD } from '../test-support/labelling';
import type { Fixture } from '../test-support/labelling';
import { hashPassword, verifyPassword } from './passwords';

let fx: Fixture;
afterEach(() => fx?.close());

describe('profiles', () => {
  it('lets the first profile be created signed out, as an admin only', async () => {
    fx = await labellingFixture();
    const w = fx.window();
    expect(await w.ok('session:get', undefined)).toEqual({ annotator: null, firstRun: true });
    const notAdmin = await w.call('annotator:create', { name: 'Ann', role: 'annotator', password: PASSWORD });
    expect(notAdmin).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/first profile must be an admin/) },
    });
    const admin = await w.ok('annotator:create', { name: 'Root', role: 'admin', password: PASSWORD });
    expect(admin).toMatchObject({ name: 'Root', role: 'admin', hasPassword: true });
    expect((await w.ok('session:get', undefined)).firstRun).toBe(false);
    // Signed out, nobody else can be created any more.
    const again = await w.call('annotator:create', { name: 'Eve', role: 'admin', password: PASSWORD });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/sign in first/) },
    });
    expect((await w.ok('annotator:list', undefined)).map((a) => a.name)).toEqual(['Root']);
  });

  it('lets only admins create profiles, with unique names and real passwords', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const byAnnotator = await ann.call('annotator:create', {
      name: 'Bob',
      role: 'annotator',
      password: PASSWORD,
    });
    expect(byAnnotator).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message: expect.stringMatching(/needs the role admin \(Ann is annotator\)/),
      },
    });
    const admin = fx.window();
    const root = (await admin.ok('annotator:list', undefined)).find((a) => a.role === 'admin')!;
    await admin.ok('session:signIn', { annotatorId: root.id, password: PASSWORD });
    const dup = await admin.call('annotator:create', { name: ' ann ', role: 'reviewer', password: PASSWORD });
    expect(dup).toMatchObject({ ok: false, error: { message: "a profile named 'ann' already exists" } });
    const short = await admin.call('annotator:create', { name: 'Bob', role: 'reviewer', password: 'short' });
    expect(short).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/at least 8 characters/) },
    });
    const badRole = await admin.call('annotator:create', {
      name: 'Bob',
      role: 'boss' as 'admin',
      password: PASSWORD,
    });
    expect(badRole).toMatchObject({
      ok: false,
      error: { message: 'role must be one of: annotator, reviewer, admin' },
    });
    const blank = await admin.call('annotator:create', { name: '   ', role: 'reviewer', password: PASSWORD });
    expect(blank).toMatchObject({ ok: false, error: { message: 'a profile needs a name' } });
    const bob = await admin.ok('annotator:create', { name: 'Bob', role: 'reviewer', password: PASSWORD });
    expect(bob.role).toBe('reviewer');
    const created = listAudit(fx.services.app.workspace.db).filter((a) => a.action === 'annotator.create');
    expect(created.map((a) => [a.actor, a.detail['name']])).toEqual([
      ['Admin', 'Bob'],
      ['Admin', 'Ann'],
      [expect.stringMatching(/^local/), 'Admin'],
    ]);
    expect(verifyAudit(fx.services.app.workspace.db).intact).toBe(true);
  });

  it('stores passwords as salted scrypt hashes with their parameters, never in clear', async () => {
    fx = await labellingFixture();
    await fx.signedIn('Ann', 'annotator');
    const db = fx.services.app.workspace.db;
    const rows = db.prepare('SELECT password_hash AS h FROM annotators').all() as { h: string }[];
    for (const { h } of rows) {
      expect(h).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{44}$/);
      expect(h).not.toContain(PASSWORD);
    }
    // Same password, different salt: different hashes.
    expect(rows[0]!.h).not.toBe(rows[1]!.h);
    const h = await hashPassword('something long');
    expect(await verifyPassword('something long', h)).toBe(true);
    expect(await verifyPassword('something lonG', h)).toBe(false);
    // A tampered or foreign stored value never verifies (and never asks for absurd memory).
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', h.replace('131072', '1073741824'))).toBe(false);
    expect(await verifyPassword('x', h.replace('131072', '1000'))).toBe(false);
  });
});

describe('sessions', () => {
  it('signs in per window: two windows, two profiles, each change attributed to its own', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const bob = await fx.signedIn('Bob', 'annotator');
    expect((await ann.ok('session:get', undefined)).annotator?.name).toBe('Ann');
    expect((await bob.ok('session:get', undefined)).annotator?.name).toBe('Bob');
    const volumeId = fx.volumes[0]!.id;
    const a = await ann.ok('annotation:open', { volumeId });
    const b = await bob.ok('annotation:open', { volumeId });
    expect(a.authorName).toBe('Ann');
    expect(b.authorName).toBe('Bob');
    const rows = listAudit(fx.services.app.workspace.db).filter((r) => r.action === 'annotation.create');
    expect(rows.map((r) => r.actor).sort()).toEqual(['Ann', 'Bob']);
    expect(await bob.ok('session:signOut', undefined)).toMatchObject({ annotator: null });
    expect((await ann.ok('session:get', undefined)).annotator?.name).toBe('Ann');
  });

  it('refuses a wrong password, an unknown profile, and sign-in to a profile without a password', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const annId = (await ann.ok('session:get', undefined)).annotator!.id;
    const w = fx.window();
    expect(await w.call('session:signIn', { annotatorId: annId, password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'wrong password for Ann' },
    });
    expect(await w.call('session:signIn', { annotatorId: 999, password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const db = fx.services.app.workspace.db;
    const imported = db.transaction(() =>
      insertAnnotator(db, { name: 'Reader 1', role: 'annotator', passwordHash: null }, 't'),
    )();
    expect(await w.call('session:signIn', { annotatorId: imported, password: PASSWORD })).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message: 'Reader 1 has no password yet: an admin must set one before they can sign in',
      },
    });
    expect((await w.ok('session:get', undefined)).annotator).toBeNull();
  });

  it('lets an admin (only) set a password, after which the profile can sign in', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const db = fx.services.app.workspace.db;
    const readerId = db.transaction(() =>
      insertAnnotator(db, { name: 'Reader 1', role: 'annotator', passwordHash: null }, 't'),
    )();
    expect((await ann.ok('annotator:list', undefined)).find((a) => a.id === readerId)?.hasPassword).toBe(
      false,
    );
    expect(
      await ann.call('annotator:setPassword', { annotatorId: readerId, password: 'new password' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const admin = await fx.signedIn('Admin', 'admin');
    const updated = await admin.ok('annotator:setPassword', {
      annotatorId: readerId,
      password: 'new password',
    });
    expect(updated.hasPassword).toBe(true);
    expect(getAnnotatorRow(db, readerId)!.passwordHash).toMatch(/^scrypt\$/);
    const w = fx.window();
    expect(
      (await w.ok('session:signIn', { annotatorId: readerId, password: 'new password' })).annotator?.name,
    ).toBe('Reader 1');
  });

  it('refuses every change while signed out, with a message that says to sign in', async () => {
    fx = await labellingFixture();
    await fx.signedIn('Ann', 'annotator');
    const w = fx.window();
    const volumeId = fx.volumes[0]!.id;
    const refusals = await Promise.all([
      w.call('annotation:open', { volumeId }),
      w.call('annotation:list', { volumeId }),
      w.call('annotation:commit', {
        annotationId: 1,
        parentRevisionId: null,
        tool: 'brush',
        patch: { box: [0, 1, 0, 1, 0, 1], data: new Uint8Array(1) },
      }),
      w.call('annotation:revert', { annotationId: 1, revisionId: 1 }),
      w.call('label:save', {
        projectId: fx.projectId,
        value: 2,
        name: 'x',
        color: '#00ff00',
        visible: true,
        opacity: 1,
      }),
      w.call('worklist:addTime', { annotationId: 1, seconds: 5 }),
      w.call('worklist:setStatus', { annotationId: 1, status: 'done' }),
      w.call('case:openReview', { caseId: fx.volumes[0]!.caseId }),
    ]);
    for (const r of refusals) {
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: expect.stringMatching(/^sign in first: /) },
      });
    }
    const db = fx.services.app.workspace.db;
    expect((db.prepare('SELECT count(*) AS n FROM annotations').get() as { n: number }).n).toBe(0);
  });
});

// A tab's kept session: a new connection (a reload, a restarted host) presenting its token is signed in as
// the same profile; a token is refused once its holder signed out, after a password reset, when it lapsed,
// or when it was never issued; the workspace keeps only its hash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting } from '../../db/repositories/settings';
import { labellingFixture, PASSWORD, type Fixture } from '../test-support/labelling';
import { keepSession, RESUME_IDLE_MS, resumeSession } from './resume';

let fx: Fixture;
beforeAll(async () => {
  fx = await labellingFixture();
});
afterAll(() => fx.close());

describe('kept sessions', () => {
  it('signs a new connection in again as the same profile, and only with a valid token', async () => {
    const admin = await fx.signedIn('Kim Admin', 'admin');
    const ann = await fx.signedIn('Ann Keep', 'annotator');
    const { token } = await ann.ok('session:keep', undefined);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(getSetting(fx.services.app.workspace.db, 'identity.resumeSessions'));
    expect(stored).not.toContain(token);

    // A reload: a new connection, signed out until it presents the token.
    const reloaded = fx.window();
    expect((await reloaded.ok('session:get', undefined)).annotator).toBeNull();
    const back = await reloaded.ok('session:resume', { token });
    expect(back.annotator?.name).toBe('Ann Keep');
    expect((await reloaded.call('worklist:get', { projectId: fx.projectId })).ok).toBe(true);

    const wrong = await fx.window().call('session:resume', { token: token.slice(0, -2) + 'xx' });
    expect(wrong.ok).toBe(false);
    expect((await fx.window().call('session:keep', undefined)).ok).toBe(false); // signed out: forbidden

    // Signing out forgets it: the next reload is signed out.
    await reloaded.ok('session:signOut', undefined);
    const after = await fx.window().call('session:resume', { token });
    expect(after.ok ? 'resumed' : after.error.message).toBe('this tab’s session has ended: sign in again');

    // A password reset ends every kept session of the profile.
    const again = await fx.window().ok('session:signIn', {
      annotatorId: back.annotator!.id,
      password: PASSWORD,
    });
    expect(again.annotator?.name).toBe('Ann Keep');
    const { token: t2 } = await ann.ok('session:keep', undefined);
    await admin.ok('annotator:setPassword', { annotatorId: back.annotator!.id, password: 'a new password' });
    expect((await fx.window().call('session:resume', { token: t2 })).ok).toBe(false);
  });

  it('lapses after a long idle time', async () => {
    const w = await fx.signedIn('Idle Ida', 'annotator');
    const db = fx.services.app.workspace.db;
    const t0 = Date.now();
    const { token } = keepSession(db, w.ctx, t0);
    const other = fx.window();
    expect(resumeSession(db, other.ctx, token, t0 + RESUME_IDLE_MS - 1000).annotator?.name).toBe('Idle Ida');
    expect(() => resumeSession(db, fx.window().ctx, token, t0 + 2 * RESUME_IDLE_MS)).toThrow(/ended/);
  });
});

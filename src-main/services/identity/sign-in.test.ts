// Sign-in against guessing: wrong passwords are audited; after five in a row a profile's attempts must
// wait a doubling delay (refused before any password check, even with the right password); parallel
// guesses are refused; a right password clears the count; an old, weaker hash is replaced at sign-in.
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { getAnnotatorRow, insertAnnotator } from '../../db/repositories/annotators';
import { labellingFixture, PASSWORD } from '../test-support/labelling';
import { hashPassword } from './passwords';
import { signIn } from './sessions';
import { delayAfter, FREE_FAILURES } from './sign-in-throttle';

describe('sign-in', () => {
  it('audits wrong passwords and makes a profile wait after five in a row', async () => {
    const fx = await labellingFixture();
    try {
      await fx.signedIn('Ann', 'annotator');
      const db = fx.services.app.workspace.db;
      const ann = (await fx.window().ok('annotator:list', undefined)).find((a) => a.name === 'Ann')!;
      let t = 1_000_000;
      const now = () => t;
      const attempt = (password: string) =>
        signIn(db, fx.window().ctx, { annotatorId: ann.id, password }, now);
      for (let n = 0; n < FREE_FAILURES; n++)
        await expect(attempt('guess')).rejects.toThrow(/wrong password/);
      // Inside the delay even the right password is refused, without a check.
      await expect(attempt(PASSWORD)).rejects.toThrow(/too many wrong passwords for Ann: try again in 1 s/);
      t += delayAfter(FREE_FAILURES);
      await expect(attempt('guess')).rejects.toThrow(/wrong password/);
      await expect(attempt('guess')).rejects.toThrow(/try again in 2 s/);
      t += delayAfter(FREE_FAILURES + 1);
      await expect(attempt(PASSWORD)).resolves.toMatchObject({ annotator: { name: 'Ann' } });
      // The count starts again from nothing.
      await expect(attempt('guess')).rejects.toThrow(/wrong password/);
      await expect(attempt('guess')).rejects.toThrow(/wrong password/);
      const failed = listAudit(db, 1000).filter((e) => e.action === 'session.signInFailed');
      expect(failed).toHaveLength(FREE_FAILURES + 3);
      expect(failed.every((e) => e.detail['annotatorId'] === ann.id)).toBe(true);
      expect(failed.map((e) => e.detail['failures']).sort()).toEqual([1, 1, 2, 2, 3, 4, 5, 6]);
    } finally {
      fx.close();
    }
  });

  it('refuses a second attempt at the same profile while one is being checked', async () => {
    const fx = await labellingFixture();
    try {
      await fx.signedIn('Ann', 'annotator');
      const db = fx.services.app.workspace.db;
      const ann = (await fx.window().ok('annotator:list', undefined)).find((a) => a.name === 'Ann')!;
      const results = await Promise.allSettled(
        [1, 2, 3].map(() => signIn(db, fx.window().ctx, { annotatorId: ann.id, password: 'guess' })),
      );
      const reasons = results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'signed in'));
      expect(reasons.filter((r) => /wrong password/.test(r))).toHaveLength(1);
      expect(reasons.filter((r) => /being checked/.test(r))).toHaveLength(2);
    } finally {
      fx.close();
    }
  });

  it('replaces a weaker stored hash at the next sign-in', async () => {
    const fx = await labellingFixture();
    try {
      const db = fx.services.app.workspace.db;
      const old = await hashPassword(PASSWORD, 2 ** 10);
      const id = insertAnnotator(db, { name: 'Old', role: 'annotator', passwordHash: old }, 'now');
      await signIn(db, fx.window().ctx, { annotatorId: id, password: PASSWORD });
      const stored = getAnnotatorRow(db, id)!.passwordHash!;
      expect(stored).not.toBe(old);
      expect(stored.split('$')[1]).toBe(String(2 ** 17));
      await expect(
        signIn(db, fx.window().ctx, { annotatorId: id, password: PASSWORD }),
      ).resolves.toMatchObject({
        annotator: { name: 'Old' },
      });
    } finally {
      fx.close();
    }
  });
});

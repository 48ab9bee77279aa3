// 'case:setSubject' through the real handlers, as the app's "Subject…" action calls it: reviewers and admins
// only; bad input (empty, overlong, not a name, a case that does not exist or was removed) refused with its
// reason and nothing changed; a clinical project stores the name as given, a research project its keyed
// pseudonym (a pseudonym given back is kept); clearing makes the case its own subject; every change is one
// audit row naming who made it, and 'case:list' shows what is stored.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit, verifyAudit } from '../../db/audit';
import { labellingFixture, type Fixture, type Window } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

/** Each case of the project by name -> its subject, as the library lists them. */
async function subjects(w: Window, projectId: number): Promise<Record<string, string | null>> {
  return Object.fromEntries((await w.ok('case:list', { projectId })).map((c) => [c.name, c.subject]));
}

function subjectAudit(f: Fixture) {
  const db = f.services.app.workspace.db;
  expect(verifyAudit(db).intact).toBe(true);
  return listAudit(db, 1000) // newest first
    .reverse()
    .filter((r) => r.action === 'case.subject')
    .map((r) => [r.actor, r.detail]);
}

describe('case:setSubject', () => {
  it('refuses annotators and signed-out windows; changes nothing', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const caseId = fx.volumes[0]!.caseId;
    expect(await ann.call('case:setSubject', { caseId, subject: 'P1' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/reviewer or admin/) },
    });
    expect(await fx.window().call('case:setSubject', { caseId, subject: 'P1' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/sign in first/) },
    });
    expect(await subjects(ann, fx.projectId)).toEqual({ A: null, B: null });
    expect(subjectAudit(fx)).toEqual([]);
  });

  it('refuses bad input with its reason; nothing changes', async () => {
    fx = await labellingFixture();
    const rev = await fx.signedIn('Rita', 'reviewer');
    const admin = await fx.signedIn('Admin', 'admin');
    const [a, b] = [fx.volumes[0]!.caseId, fx.volumes[1]!.caseId];
    await rev.ok('case:setSubject', { caseId: a, subject: 'P1' });
    await admin.ok('case:remove', { caseId: b, reason: 'scanned twice' });
    const name = /a subject is a name of 1\.\.200 characters/;
    const tries: [unknown, string, RegExp][] = [
      [{ caseId: a, subject: '' }, 'bad-input', name],
      [{ caseId: a, subject: '   ' }, 'bad-input', name],
      [{ caseId: a, subject: 'x'.repeat(201) }, 'bad-input', name],
      [{ caseId: a, subject: 42 }, 'bad-input', /subject must be a name, or null to clear it/],
      [{ caseId: a }, 'bad-input', /subject must be a name, or null to clear it/],
      [{ caseId: 0, subject: 'P2' }, 'bad-input', /caseId must be a positive integer/],
      [{ caseId: 999_999, subject: 'P2' }, 'not-found', /case 999999 does not exist/],
      // A removed case is gone from every list: its subject is not for setting either.
      [{ caseId: b, subject: 'P2' }, 'not-found', new RegExp(`case ${b} does not exist`)],
    ];
    for (const [req, code, message] of tries)
      expect(await rev.call('case:setSubject', req as never), JSON.stringify(req)).toMatchObject({
        ok: false,
        error: { code, message: expect.stringMatching(message) },
      });
    expect(await subjects(rev, fx.projectId)).toEqual({ A: 'P1' });
    expect(subjectAudit(fx)).toHaveLength(1);
  });

  it('clinical: stores the name as given, clears it, one audit row per change', async () => {
    fx = await labellingFixture();
    const rev = await fx.signedIn('Rita', 'reviewer');
    const admin = await fx.signedIn('Admin', 'admin');
    const [a, b] = [fx.volumes[0]!.caseId, fx.volumes[1]!.caseId];
    const set = await rev.ok('case:setSubject', { caseId: a, subject: '  P1 ' });
    expect(set).toMatchObject({ id: a, projectId: fx.projectId, name: 'A', subject: 'P1', volumeCount: 1 });
    await admin.ok('case:setSubject', { caseId: b, subject: 'P1' });
    expect(await subjects(rev, fx.projectId)).toEqual({ A: 'P1', B: 'P1' });
    // The same name again is no change and writes no row.
    expect((await rev.ok('case:setSubject', { caseId: a, subject: 'P1' })).subject).toBe('P1');
    const cleared = await rev.ok('case:setSubject', { caseId: a, subject: null });
    expect(cleared.subject).toBeNull();
    expect(await subjects(rev, fx.projectId)).toEqual({ A: null, B: 'P1' });
    expect(subjectAudit(fx)).toEqual([
      ['Rita', { caseId: a, before: null, subject: 'P1' }],
      ['Admin', { caseId: b, before: null, subject: 'P1' }],
      ['Rita', { caseId: a, before: 'P1', subject: null }],
    ]);
  });

  it('research: stores a keyed pseudonym, never the name; the pseudonym given back is kept', async () => {
    fx = await labellingFixture();
    const rev = await fx.signedIn('Rita', 'reviewer');
    const [a, b] = [fx.volumes[0]!.caseId, fx.volumes[1]!.caseId];
    const cohort = await rev.ok('project:create', { name: 'Cohort', kind: 'research' });
    for (const caseId of [a, b]) await rev.ok('case:move', { caseId, projectId: cohort.id });
    const alice = (await rev.ok('case:setSubject', { caseId: a, subject: 'Alice Example' })).subject!;
    expect(alice).toMatch(/^Subject [0-9a-f]{8}$/);
    // One person, one pseudonym: the same name on case B, or the pseudonym itself, gives the same subject.
    expect((await rev.ok('case:setSubject', { caseId: b, subject: 'Alice Example' })).subject).toBe(alice);
    expect((await rev.ok('case:setSubject', { caseId: a, subject: alice })).subject).toBe(alice);
    expect(await subjects(rev, cohort.id)).toEqual({ A: alice, B: alice });
    const audit = subjectAudit(fx);
    expect(audit).toEqual([
      ['Rita', { caseId: a, before: null, subject: alice }],
      ['Rita', { caseId: b, before: null, subject: alice }],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/Alice/);
  });
});

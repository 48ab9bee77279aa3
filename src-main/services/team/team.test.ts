// Projects and assignments through the real handlers: create with modality and labels, rename, archive, move
// a case (its labels follow), remove a case (admin only, with a reason, audited, hidden); assign each case to
// k of n annotators balanced; an annotator's worklist holds their assignments only; the reviewer's view is one
// row per case with each assignee's status.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { fill, labellingFixture, type Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

describe('projects', () => {
  it('creates, renames and archives a project, moves a case into it and removes a case with a reason', async () => {
    fx = await labellingFixture();
    const rev = await fx.signedIn('Rita', 'reviewer');
    const ann = await fx.signedIn('Ann', 'annotator');
    const admin = await fx.signedIn('Admin', 'admin');
    const spine = await rev.ok('project:create', {
      name: 'Spine MR',
      modality: 'MR',
      labels: [
        { value: 1, name: 'Vertebra', color: '#FFAA00', visible: true, opacity: 0.5 },
        { value: 2, name: 'Disc', color: '#00aaff', visible: true, opacity: 0.4 },
      ],
    });
    expect(spine).toMatchObject({ name: 'Spine MR', modality: 'MR', archivedAt: null, caseCount: 0 });
    expect(
      (await rev.ok('label:list', { projectId: spine.id })).map((l) => [l.value, l.name, l.color]),
    ).toEqual([
      [1, 'Vertebra', '#ffaa00'],
      [2, 'Disc', '#00aaff'],
    ]);
    expect(await ann.call('project:create', { name: 'Mine' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await rev.call('project:create', { name: 'Spine MR' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: "a project named 'Spine MR' already exists" },
    });

    const renamed = await rev.ok('project:update', {
      projectId: spine.id,
      name: 'Lumbar spine',
      modality: 'MR',
    });
    expect(renamed.name).toBe('Lumbar spine');

    // Ann labels case A with label 3 of project P; moving the case carries label 3 into the target project.
    const volumeId = fx.volumes[0]!.id;
    const caseId = fx.volumes[0]!.caseId;
    await rev.ok('label:save', {
      projectId: fx.projectId,
      value: 3,
      name: 'Cyst',
      color: '#00ff00',
      visible: true,
      opacity: 0.5,
    });
    const a = await ann.ok('annotation:open', { volumeId });
    await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 3),
    });
    const moved = await rev.ok('case:move', { caseId, projectId: spine.id });
    expect(moved).toMatchObject({ id: caseId, projectId: spine.id, name: 'A' });
    expect((await rev.ok('label:list', { projectId: spine.id })).map((l) => l.value)).toEqual([1, 2, 3]);
    expect((await rev.ok('case:list', { projectId: fx.projectId })).map((c) => c.name)).toEqual(['B']);
    expect((await ann.ok('annotation:list', { volumeId }))[0]!.id).toBe(a.id);

    // Archived projects take no moved case; restoring makes them usable again.
    await rev.ok('project:update', { projectId: spine.id, archived: true });
    expect(
      (await rev.ok('project:list', undefined)).find((p) => p.id === spine.id)!.archivedAt,
    ).not.toBeNull();
    expect(await rev.call('case:move', { caseId: fx.volumes[1]!.caseId, projectId: spine.id })).toMatchObject(
      {
        ok: false,
        error: { code: 'conflict', message: expect.stringMatching(/archived/) },
      },
    );
    await rev.ok('project:update', { projectId: spine.id, archived: false });

    // Removal: admin only, with a reason; the case leaves every list, its rows stay.
    expect(await rev.call('case:remove', { caseId, reason: 'wrong patient' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await admin.call('case:remove', { caseId, reason: '   ' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'removing a case needs a reason' },
    });
    await admin.ok('case:remove', { caseId, reason: 'wrong patient' });
    expect(await rev.ok('case:list', { projectId: spine.id })).toEqual([]);
    expect((await rev.ok('project:list', undefined)).find((p) => p.id === spine.id)!.caseCount).toBe(0);
    expect(await admin.call('case:remove', { caseId, reason: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await ann.ok('annotation:list', { volumeId })).toHaveLength(1);

    const audit = listAudit(fx.services.app.workspace.db, 1000).map((r) => [r.action, r.actor, r.detail]);
    const actions = audit.map((r) => r[0]);
    for (const a of [
      'project.create',
      'project.update',
      'project.archive',
      'project.restore',
      'case.move',
      'case.remove',
    ])
      expect(actions).toContain(a);
    expect(audit.find((r) => r[0] === 'case.remove')).toEqual([
      'case.remove',
      'Admin',
      { caseId, name: 'A', projectId: spine.id, reason: 'wrong patient' },
    ]);
  });
});

describe('assignments', () => {
  it('gives each case to k of n annotators, balanced, and shows each annotator their cases only', async () => {
    fx = await labellingFixture();
    const rev = await fx.signedIn('Rita', 'reviewer');
    const ann = await fx.signedIn('Ann', 'annotator');
    await fx.signedIn('Bob', 'annotator');
    await fx.signedIn('Cy', 'annotator');
    const people = await rev.ok('annotator:list', undefined);
    const id = (name: string) => people.find((p) => p.name === name)!.id;
    const [caseA, caseB] = [fx.volumes[0]!.caseId, fx.volumes[1]!.caseId];

    // Before any assignment the project is open: Ann sees both cases; the reviewer sees no empty rows for
    // profiles who never worked on a case (reviewers, admins, idle annotators), only each case once as their own.
    expect((await ann.ok('worklist:get', { projectId: fx.projectId })).map((r) => r.caseName)).toEqual([
      'A',
      'B',
    ]);
    expect(
      (await rev.ok('worklist:get', { projectId: fx.projectId })).map((r) => [r.caseName, r.annotatorName]),
    ).toEqual([
      ['A', 'Rita'],
      ['B', 'Rita'],
    ]);

    expect(
      await ann.call('assignment:add', { projectId: fx.projectId, annotatorIds: [id('Ann')] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await rev.call('assignment:add', { projectId: fx.projectId, annotatorIds: [id('Rita')] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: 'Rita is a reviewer: cases are assigned to annotators' },
    });
    expect(
      await rev.call('assignment:add', {
        projectId: fx.projectId,
        annotatorIds: [id('Ann'), id('Bob')],
        perCase: 3,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/1\.\.2 of the 2/) },
    });

    const r = await rev.ok('assignment:add', {
      projectId: fx.projectId,
      annotatorIds: [id('Ann'), id('Bob'), id('Cy')],
      perCase: 2,
    });
    expect(r.added.map((p) => [p.caseId, p.annotatorName])).toEqual([
      [caseA, 'Ann'],
      [caseA, 'Bob'],
      [caseB, 'Cy'],
      [caseB, 'Ann'],
    ]);
    expect(r.load.map((l) => [l.annotatorName, l.cases])).toEqual([
      ['Ann', 2],
      ['Bob', 1],
      ['Cy', 1],
    ]);
    // One by one: Bob gets case B too; asking again adds nothing.
    expect(
      (
        await rev.ok('assignment:add', {
          projectId: fx.projectId,
          annotatorIds: [id('Bob')],
          caseIds: [caseB],
        })
      ).added,
    ).toHaveLength(1);
    expect(
      (
        await rev.ok('assignment:add', {
          projectId: fx.projectId,
          annotatorIds: [id('Bob')],
          caseIds: [caseB],
        })
      ).added,
    ).toEqual([]);
    expect(await rev.ok('assignment:remove', { caseId: caseB, annotatorId: id('Bob') })).toEqual({
      removed: true,
    });

    const cy = await fx.signedIn('Cy', 'annotator');
    // Cy opening case A (not his: an empty annotation, as the app opens the volume shown) adds no row.
    await cy.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
    expect((await cy.ok('worklist:get', { projectId: fx.projectId })).map((x) => x.caseName)).toEqual(['B']);
    expect(await cy.ok('worklist:next', { projectId: fx.projectId })).toEqual({
      caseId: caseB,
      volumeId: fx.volumes[1]!.id,
    });
    // The reviewer's view: per case, each assignee with where they stand.
    const a = await ann.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
    await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    // The reviewer looking at case A (an empty annotation of theirs) is no assignee of it.
    await rev.ok('annotation:open', { volumeId: fx.volumes[0]!.id });
    const team = await rev.ok('assignment:team', { projectId: fx.projectId });
    expect(team.map((c) => [c.caseName, c.assignees.map((x) => `${x.annotatorName}:${x.status}`)])).toEqual([
      ['A', ['Ann:in-progress', 'Bob:not-started']],
      ['B', ['Ann:not-started', 'Cy:not-started']],
    ]);
    expect(
      (await rev.ok('worklist:get', { projectId: fx.projectId })).map(
        (x) => `${x.caseName}:${x.annotatorName}`,
      ),
    ).toEqual(['A:Ann', 'A:Bob', 'B:Ann', 'B:Cy']);
    const audit = listAudit(fx.services.app.workspace.db, 1000).filter((x) => x.action === 'case.assign');
    expect(audit.map((x) => [x.actor, x.detail['perCase'], x.detail['annotators']])).toContainEqual([
      'Rita',
      2,
      ['Ann', 'Bob', 'Cy'],
    ]);
  });
});

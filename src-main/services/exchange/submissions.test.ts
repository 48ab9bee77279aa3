// Submissions (the review gate) travel in bundles: an annotator's submission made on their laptop arrives
// with their result and counts as submitted on the reviewer's machine; a return made there goes back in a
// task; a task never carries another rater's submission; every import is idempotent.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { getSubmission, isSubmitted } from '../../db/repositories/team';
import { tempDir } from '../../test-support/tmp';
import {
  caseIdOf,
  edit,
  exchangeImage,
  exchangeWorkspace,
  returnAs,
  submitAs,
  volumeIdOf,
  workspaceState,
} from '../test-support/exchange';
import { exportBundle } from './export-bundle';
import { importBundle } from './import-bundle';

describe('submissions in bundles', () => {
  it('a result makes the annotation submitted on the receiver; a return goes back in a task', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: hub, volumeId } = await exchangeWorkspace(path.join(dir, 'hub'), image);
    await edit(hub, volumeId!, 'Reader 1', [0, 4, 0, 4, 0, 2]);
    await edit(hub, volumeId!, 'Reader 2', [2, 6, 2, 6, 0, 2]);
    submitAs(hub, 'Reader 2');
    const task = path.join(dir, 'task.concord-bundle');
    await exportBundle(hub, { kind: 'task', project: 'P', forAnnotator: 'Reader 1' }, task, 'test');
    const { ws: laptop } = await exchangeWorkspace(path.join(dir, 'laptop'));
    expect(await importBundle(laptop, task, { actor: 'test', trust: true })).toMatchObject({
      submissionsTaken: 0,
    });
    // Blinding: Reader 2's submission stayed on the hub with the rest of their work.
    expect(laptop.db.prepare('SELECT count(*) FROM case_submissions').pluck().get()).toBe(0);
    expect(findAnnotatorByName(laptop.db, 'Reader 2')).toBeUndefined();

    await edit(laptop, volumeIdOf(laptop), 'Reader 1', [1, 5, 1, 5, 0, 3]);
    const sent = submitAs(laptop, 'Reader 1', 'nodule traced on every slice');
    const result = path.join(dir, 'result.concord-bundle');
    await exportBundle(laptop, { kind: 'result', project: 'P', forAnnotator: 'Reader 1' }, result, 'test');

    expect(await importBundle(hub, result, { actor: 'Lead', trust: true })).toMatchObject({
      changed: true,
      revisionsAdded: 1,
      submissionsTaken: 1,
    });
    const r1 = findAnnotatorByName(hub.db, 'Reader 1')!;
    const { caseId: _laptopCase, annotatorId: _laptopId, ...carried } = sent;
    expect(getSubmission(hub.db, caseIdOf(hub), r1.id)).toEqual({
      caseId: caseIdOf(hub),
      annotatorId: r1.id,
      ...carried,
    });
    expect(carried).toMatchObject({ state: 'submitted', stateBy: 'Reader 1' });
    expect(isSubmitted(hub.db, caseIdOf(hub), r1.id)).toBe(true);
    expect(
      hub.db
        .prepare("SELECT status FROM annotations WHERE annotator_id = ? AND kind = 'manual'")
        .pluck()
        .get(r1.id),
    ).toBe('done');
    const audited = hub.db
      .prepare("SELECT actor, detail_json AS d FROM audit_log WHERE action = 'submission.import'")
      .all() as { actor: string; d: string }[];
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actor).toBe('Lead');
    expect(JSON.parse(audited[0]!.d)).toMatchObject({ annotator: 'Reader 1', state: 'submitted' });

    // Again: nothing changes.
    const before = workspaceState(hub);
    expect(await importBundle(hub, result, { actor: 'Lead' })).toMatchObject({
      changed: false,
      submissionsTaken: 0,
    });
    expect(workspaceState(hub)).toEqual(before);

    // The reviewer returns it; the next task for Reader 1 carries the return back to the laptop.
    const returned = returnAs(hub, 'Lead', 'Reader 1', 'extend it to the pleura');
    const task2 = path.join(dir, 'task2.concord-bundle');
    await exportBundle(hub, { kind: 'task', project: 'P', forAnnotator: 'Reader 1' }, task2, 'Lead');
    expect(await importBundle(laptop, task2, { actor: 'test' })).toMatchObject({ submissionsTaken: 1 });
    const lr1 = findAnnotatorByName(laptop.db, 'Reader 1')!;
    expect(getSubmission(laptop.db, caseIdOf(laptop), lr1.id)).toMatchObject({
      state: 'returned',
      stateBy: 'Lead',
      stateAt: returned.stateAt,
      comment: 'extend it to the pleura',
    });
    expect(isSubmitted(laptop.db, caseIdOf(laptop), lr1.id)).toBe(false);
    expect(laptop.db.prepare("SELECT status FROM annotations WHERE kind = 'manual'").pluck().get()).toBe(
      'in-progress',
    );

    // The laptop's older submission, in the result exported before the return, does not undo it.
    expect(await importBundle(hub, result, { actor: 'Lead' })).toMatchObject({ submissionsTaken: 0 });
    expect(getSubmission(hub.db, caseIdOf(hub), r1.id)!.state).toBe('returned');
    for (const ws of [hub, laptop]) expect(verifyAudit(ws.db).intact).toBe(true);
    hub.close();
    laptop.close();
  });

  it('a review carries every submission, a returned one with the reviewer comment', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: hub, volumeId } = await exchangeWorkspace(path.join(dir, 'hub'), image);
    for (const r of ['Reader 1', 'Reader 2']) {
      await edit(hub, volumeId!, r, [0, 4, 0, 4, 0, 2]);
      submitAs(hub, r);
    }
    returnAs(hub, 'Lead', 'Reader 2', 'label 2 is missing');
    const review = path.join(dir, 'review.concord-bundle');
    await exportBundle(hub, { kind: 'review', project: 'P', images: true }, review, 'Lead');
    const { ws: other } = await exchangeWorkspace(path.join(dir, 'other'));
    expect(await importBundle(other, review, { actor: 'test', trust: true })).toMatchObject({
      submissionsTaken: 2,
    });
    const states = other.db
      .prepare(
        'SELECT p.name, s.state, s.comment FROM case_submissions s JOIN annotators p ON p.id = s.annotator_id ORDER BY p.name',
      )
      .all();
    expect(states).toEqual([
      { name: 'Reader 1', state: 'submitted', comment: null },
      { name: 'Reader 2', state: 'returned', comment: 'label 2 is missing' },
    ]);
    hub.close();
    other.close();
  });
});

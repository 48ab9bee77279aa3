// Adjudication end to end through the real handler set, on the three-rater case of test-support/consensus.ts:
// seeding a working reference, deciding regions with a rationale, sign-off, reopening.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit, verifyAudit } from '../../db/audit';
import { currentReferenceRevision } from '../../db/repositories/adjudications';
import { threeRaterCase, type ThreeRaters } from '../test-support/consensus';
import { fill, type Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

async function setup(open = true): Promise<ThreeRaters> {
  const s = await threeRaterCase(open);
  fx = s.fx;
  return s;
}

describe('adjudication', () => {
  it('records seed, region decisions and manual edits with rationale, signs off a reference, reopens, and keeps the audit chain', async () => {
    const s = await setup();
    const ws = fx.services.app.workspace;
    const db = ws.db;
    expect(await s.rev.ok('adjudication:get', { volumeId: s.volumeId })).toBeNull();
    const vote = await s.rev.ok('consensus:merge', {
      jobId: 'v',
      volumeId: s.volumeId,
      method: 'vote',
      label: 1,
    });
    let st = await s.rev.ok('adjudication:start', {
      volumeId: s.volumeId,
      seedRevisionId: vote.saved!.revision.id,
      rationale: 'start from the vote',
    });
    expect(st).toMatchObject({
      status: 'open',
      label: 1,
      seedRevisionId: vote.saved!.revision.id,
      startedBy: 'Rita',
    });
    expect(st.decisions).toMatchObject([{ kind: 'seed', sourceRevisionId: vote.saved!.revision.id }]);
    const mask = async () => (await s.rev.ok('annotation:mask', { revisionId: st.headRevisionId })).data;
    const count = (m: Uint8Array) => m.reduce((n, x) => n + (x === 1 ? 1 : 0), 0);
    expect(count(await mask())).toBe(72);
    expect(
      await s.rev.call('adjudication:start', { volumeId: s.volumeId, seedRevisionId: s.revisions[0]! }),
    ).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    // The working mask is not a rater.
    const c = await s.rev.ok('consensus:compare', {
      jobId: 'c',
      volumeId: s.volumeId,
      includeDerived: true,
      label: 1,
    });
    expect(c.raters.map((r) => r.name)).toEqual(['R1', 'R2', 'R3', 'majority vote']);

    const a = await s.rev.ok('consensus:agreement', {
      jobId: 'a',
      volumeId: s.volumeId,
      measure: 'votes',
      annotationIds: s.annotations,
    });
    const region = { agreementId: a.agreementId, regionId: 1 };
    const noWhy = await s.rev.call('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: st.headRevisionId,
      rationale: '  ',
      kind: 'take-rater',
      region,
      sourceRevisionId: s.revisions[1]!,
    });
    expect(noWhy).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/rationale is required/) },
    });
    const wrongKind = await s.rev.call('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: st.headRevisionId,
      rationale: 'x',
      kind: 'take-consensus',
      region,
      sourceRevisionId: s.revisions[1]!,
    });
    expect(wrongKind).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/take-rater/) },
    });
    const seedHead = st.headRevisionId;
    st = await s.rev.ok('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: st.headRevisionId,
      rationale: 'R2 follows the lateral margin',
      kind: 'take-rater',
      region,
      sourceRevisionId: s.revisions[1]!,
    });
    // Within the region R2's voxels: i 2..5 everywhere; the unanimous core stays. So the mask equals R2.
    const m1 = await mask();
    expect(count(m1)).toBe(96);
    expect(m1[4]).toBe(1);
    expect(m1[0]).toBe(0);
    const d1 = st.decisions.at(-1)!;
    expect(d1).toMatchObject({
      kind: 'take-rater',
      sourceRevisionId: s.revisions[1],
      rationale: 'R2 follows the lateral margin',
      voxelsChanged: 24 + 48,
      decidedBy: 'Rita',
      region: { agreementId: a.agreementId, regionId: 1, voxels: 120 },
      resultRevisionId: st.headRevisionId,
    });
    const stale = await s.rev.call('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: seedHead,
      rationale: 'late',
      kind: 'manual',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // A manual edit as a patch, then edits with the labelling tools recorded by a decision.
    st = await s.rev.ok('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: st.headRevisionId,
      rationale: 'spiculation at the corner',
      kind: 'manual',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    });
    expect(st.decisions.at(-1)).toMatchObject({ kind: 'manual', voxelsChanged: 1, region: null });
    const none = await s.rev.call('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: st.headRevisionId,
      rationale: 'nothing',
      kind: 'manual',
    });
    expect(none).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringMatching(/no edits since the last decision/) },
    });
    const edit = await s.rev.ok('annotation:commit', {
      annotationId: st.workingAnnotationId,
      parentRevisionId: st.headRevisionId,
      tool: 'eraser',
      patch: fill([5, 6, 0, 6, 0, 4], 0),
    });
    st = await s.rev.ok('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: edit.id,
      rationale: 'vessel, not nodule',
      kind: 'manual',
      region,
    });
    expect(st.decisions.at(-1)).toMatchObject({ kind: 'manual', voxelsChanged: 24 });
    expect(st.headRevisionId).toBeGreaterThan(edit.id);
    const final = await mask();
    expect(count(final)).toBe(96 + 1 - 24);

    st = await s.rev.ok('adjudication:signOff', {
      adjudicationId: st.id,
      parentRevisionId: st.headRevisionId,
      comment: 'agreed',
    });
    expect(st.status).toBe('signed-off');
    const so = st.signOffs[0]!;
    expect(so).toMatchObject({
      signedBy: 'Rita',
      comment: 'agreed',
      workingRevisionId: st.headRevisionId,
      reopenedAt: null,
    });
    const ref = await s.rev.ok('annotation:history', { annotationId: so.referenceAnnotationId });
    expect(ref).toHaveLength(1);
    expect(ref[0]!.provenance).toMatchObject({
      method: 'reference',
      parameters: {
        adjudicationId: st.id,
        label: 1,
        seedRevisionId: vote.saved!.revision.id,
        raterRevisionIds: s.revisions,
        decisions: expect.arrayContaining([
          expect.objectContaining({ kind: 'take-rater', rationale: 'R2 follows the lateral margin' }),
        ]),
      },
    });
    expect(ref[0]!.provenance['inputRevisionIds']).toEqual(
      expect.arrayContaining([...s.revisions, vote.saved!.revision.id, so.workingRevisionId]),
    );
    expect((await s.rev.ok('annotation:mask', { revisionId: so.referenceRevisionId })).data).toEqual(final);
    expect(
      (await s.rev.ok('annotation:list', { volumeId: s.volumeId })).find(
        (x) => x.id === so.referenceAnnotationId,
      )!.authorName,
    ).toBe('reference');
    expect(currentReferenceRevision(db, s.volumeId)).toBe(so.referenceRevisionId);

    // Frozen while signed off: no decision, no edit, no second sign-off.
    for (const r of [
      await s.rev.call('adjudication:decide', {
        adjudicationId: st.id,
        parentRevisionId: st.headRevisionId,
        rationale: 'x',
        kind: 'manual',
        patch: fill([0, 1, 0, 1, 0, 1], 0),
      }),
      await s.rev.call('annotation:commit', {
        annotationId: st.workingAnnotationId,
        parentRevisionId: st.headRevisionId,
        tool: 'brush',
        patch: fill([0, 1, 0, 1, 0, 1], 0),
      }),
      await s.rev.call('adjudication:signOff', {
        adjudicationId: st.id,
        parentRevisionId: st.headRevisionId,
      }),
      // The signed reference itself is never edited.
      await s.rev.call('annotation:commit', {
        annotationId: so.referenceAnnotationId,
        parentRevisionId: so.referenceRevisionId,
        tool: 'brush',
        patch: fill([0, 1, 0, 1, 0, 1], 0),
      }),
      await s.rev.call('annotation:revert', {
        annotationId: so.referenceAnnotationId,
        revisionId: so.referenceRevisionId,
      }),
    ]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
    }
    expect(await s.rev.call('adjudication:reopen', { adjudicationId: st.id, reason: '' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
    st = await s.rev.ok('adjudication:reopen', { adjudicationId: st.id, reason: 'R4 found a second nodule' });
    expect(st.status).toBe('open');
    expect(st.signOffs[0]).toMatchObject({ reopenedBy: 'Rita', reopenReason: 'R4 found a second nodule' });
    expect(currentReferenceRevision(db, s.volumeId)).toBeNull();
    expect(await s.rev.call('adjudication:reopen', { adjudicationId: st.id, reason: 'again' })).toMatchObject(
      {
        ok: false,
        error: { code: 'conflict' },
      },
    );
    st = await s.rev.ok('adjudication:signOff', {
      adjudicationId: st.id,
      parentRevisionId: st.headRevisionId,
    });
    expect(st.signOffs).toHaveLength(2);
    expect(currentReferenceRevision(db, s.volumeId)).toBe(st.signOffs[1]!.referenceRevisionId);

    const actions = listAudit(db, 1000).map((e) => e.action);
    for (const action of [
      'adjudication.start',
      'adjudication.decide',
      'case.signOff',
      'case.reopen',
      'annotation.derive',
      'consensus.compare',
      'consensus.agreement',
    ]) {
      expect(actions).toContain(action);
    }
    expect(actions.filter((x) => x === 'adjudication.decide')).toHaveLength(3);
    expect(verifyAudit(db)).toMatchObject({ intact: true, firstBadId: null });
    expect(s.rev.events.filter((e) => e.event === 'adjudication:changed').length).toBeGreaterThanOrEqual(7);
  });

  it('applies a decision to the regions of an agreement no longer kept in memory (recomputed from its revisions)', async () => {
    const s = await setup();
    const st = await s.rev.ok('adjudication:start', {
      volumeId: s.volumeId,
      seedRevisionId: s.revisions[0]!,
    });
    const agreementId = `v${s.volumeId}:r${s.revisions.join(',')}:l1:c26`;
    const next = await s.rev.ok('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: st.headRevisionId,
      rationale: 'R3 is right about the caudal slices',
      kind: 'take-rater',
      region: { agreementId, regionId: 1 },
      sourceRevisionId: s.revisions[2]!,
    });
    expect(next.decisions.at(-1)!.voxelsChanged).toBe(48);
    const bad = await s.rev.call('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: next.headRevisionId,
      rationale: 'x',
      kind: 'take-rater',
      region: { agreementId, regionId: 9 },
      sourceRevisionId: s.revisions[2]!,
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/no region 9/) },
    });
    const otherLabel = await s.rev.call('adjudication:decide', {
      adjudicationId: st.id,
      parentRevisionId: next.headRevisionId,
      rationale: 'x',
      kind: 'take-rater',
      region: { agreementId: `v${s.volumeId}:r${s.revisions.join(',')}:l2:c26`, regionId: 1 },
      sourceRevisionId: s.revisions[2]!,
    });
    expect(otherLabel).toMatchObject({ ok: false });
  });
});

// Chosen raters: on the three-rater case (R1..R3 submitted: test-support/consensus.ts), a fourth annotator's
// unsubmitted scratch stroke changes no default comparison, vote or STAPLE; the reviewer can tick it in
// (annotationIds) and out again; the list of candidates says which the default set holds (AI drafts and other
// derived masks never by default: an AI draft is listed as one and compared only when ticked); stored merges
// record the set and how it was chosen.
import { afterEach, describe, expect, it } from 'vitest';
import { saveDerivedMask } from '../masks/derived';
import { threeRaterCase, type ThreeRaters } from '../test-support/consensus';
import { fill, type Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

async function withScratch(): Promise<ThreeRaters & { scratch: number }> {
  const s = await threeRaterCase(false);
  fx = s.fx;
  const dan = await fx.signedIn('Dan', 'annotator');
  const a = await dan.ok('annotation:open', { volumeId: s.volumeId });
  // One voxel far from everyone's box: the unfinished stroke of an annotator still at work.
  await dan.ok('annotation:commit', {
    annotationId: a.id,
    parentRevisionId: null,
    tool: 'brush',
    patch: fill([7, 8, 5, 6, 3, 4], 1),
  });
  await s.rev.ok('case:openReview', { caseId: s.caseId });
  return { ...s, scratch: a.id };
}

describe('rater sets', () => {
  it("leaves STAPLE, the vote and the comparison unchanged by a non-selected annotation's scratch stroke", async () => {
    const s = await withScratch();
    const three = s.annotations;
    const candidates = await s.rev.ok('consensus:raters', { volumeId: s.volumeId });
    expect(candidates.map((c) => [c.name, c.submitted, c.byDefault])).toEqual([
      ['R1', true, true],
      ['R2', true, true],
      ['R3', true, true],
      ['Dan', false, false],
    ]);

    const byDefault = await s.rev.ok('consensus:compare', { jobId: 'c1', volumeId: s.volumeId, label: 1 });
    const chosen = await s.rev.ok('consensus:compare', {
      jobId: 'c2',
      volumeId: s.volumeId,
      label: 1,
      annotationIds: three,
    });
    expect(byDefault.raters.map((r) => r.name)).toEqual(['R1', 'R2', 'R3']);
    expect(byDefault.pairs).toEqual(chosen.pairs);
    expect(byDefault.fleiss).toEqual(chosen.fleiss);
    expect(byDefault.pairs.find((p) => p.a === 0 && p.b === 1)!.dice).toBeCloseTo(0.5, 12);

    for (const method of ['staple', 'vote'] as const) {
      const d = await s.rev.ok('consensus:merge', {
        jobId: `d-${method}`,
        volumeId: s.volumeId,
        method,
        label: 1,
        save: false,
      });
      const c = await s.rev.ok('consensus:merge', {
        jobId: `c-${method}`,
        volumeId: s.volumeId,
        method,
        label: 1,
        save: false,
        annotationIds: three,
      });
      if (method === 'vote') expect(d.foregroundVoxels).toBe(72);
      expect(Buffer.from(d.mask!).equals(Buffer.from(c.mask!))).toBe(true);
    }
    const agreement = await s.rev.ok('consensus:agreement', {
      jobId: 'a',
      volumeId: s.volumeId,
      measure: 'votes',
      label: 1,
    });
    expect(agreement.unanimousVoxels).toBe(24);
    expect(agreement.totalRegions).toBe(1);

    // Ticked in, the scratch stroke is a fourth rater: the figures change (Dice 0 against everyone).
    const four = await s.rev.ok('consensus:compare', {
      jobId: 'c3',
      volumeId: s.volumeId,
      label: 1,
      annotationIds: [...three, s.scratch],
    });
    expect(four.raters.map((r) => r.name)).toEqual(['R1', 'R2', 'R3', 'Dan']);
    expect(four.pairs.find((p) => p.a === 0 && p.b === 3)!.dice).toBe(0);
    const agreement4 = await s.rev.ok('consensus:agreement', {
      jobId: 'a4',
      volumeId: s.volumeId,
      measure: 'votes',
      label: 1,
      annotationIds: [...three, s.scratch],
    });
    expect(agreement4.unanimousVoxels).toBe(0);
  });

  it('records the rater set and how it was chosen in the provenance of a stored merge', async () => {
    const s = await withScratch();
    const stored = await s.rev.ok('consensus:merge', {
      jobId: 's',
      volumeId: s.volumeId,
      method: 'staple',
      label: 1,
    });
    const set = stored.saved!.revision.provenance['parameters'] as {
      raterSet: { chosen: string; raters: { name: string }[] };
    };
    expect(set.raterSet.chosen).toBe('default');
    expect(set.raterSet.raters.map((r) => r.name)).toEqual(['R1', 'R2', 'R3']);
    const picked = await s.rev.ok('consensus:merge', {
      jobId: 't',
      volumeId: s.volumeId,
      method: 'vote',
      label: 1,
      annotationIds: [s.annotations[0]!, s.annotations[1]!],
    });
    const p = picked.saved!.revision.provenance['parameters'] as {
      raterSet: { chosen: string; raters: { name: string; revisionId: number }[] };
    };
    expect(p.raterSet).toEqual({
      chosen: 'chosen',
      raters: [
        { annotationId: s.annotations[0], revisionId: s.revisions[0], name: 'R1', kind: 'manual' },
        { annotationId: s.annotations[1], revisionId: s.revisions[1], name: 'R2', kind: 'manual' },
      ],
    });
    // The stored merge is a candidate, never in the default set.
    const candidates = await s.rev.ok('consensus:raters', { volumeId: s.volumeId });
    expect(candidates.filter((c) => c.kind === 'derived').map((c) => [c.derivation, c.byDefault])).toEqual([
      ['consensus', false],
      ['consensus', false],
    ]);
  });

  it('keeps an AI draft out of the default set: listed as a draft, unticked, compared only when ticked', async () => {
    const s = await withScratch();
    // Stored as a model's inference stores its draft (training/inference.ts): a derived annotation whose
    // provenance says it is an AI draft. One box where R1..R3 agree, so it would count if it were a rater.
    const dims = fx.volumes[0]!.dims;
    const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
    for (let k = 0; k < 2; k++)
      for (let j = 0; j < dims[1]; j++)
        for (let i = 2; i < 4; i++) labels[i + j * dims[0] + k * dims[0] * dims[1]] = 1;
    const draft = await saveDerivedMask(fx.services.app.workspace, {
      volumeId: s.volumeId,
      labels,
      author: 'Rita',
      tool: 'model',
      derivation: {
        method: 'AI draft (model 1)',
        parameters: { kind: 'ai-draft', modelId: 1, threshold: 0.5 },
        inputRevisionIds: [],
      },
    });
    const candidates = await s.rev.ok('consensus:raters', { volumeId: s.volumeId });
    const d = candidates.find((c) => c.headRevisionId === draft.revision.id)!;
    expect(d).toMatchObject({ kind: 'derived', derivation: 'draft', submitted: false, byDefault: false });
    expect(candidates.filter((c) => c.byDefault).map((c) => c.name)).toEqual(['R1', 'R2', 'R3']);
    const byDefault = await s.rev.ok('consensus:compare', { jobId: 'c', volumeId: s.volumeId, label: 1 });
    expect(byDefault.raters.map((r) => r.name)).toEqual(['R1', 'R2', 'R3']);
    const ticked = await s.rev.ok('consensus:compare', {
      jobId: 't',
      volumeId: s.volumeId,
      label: 1,
      annotationIds: [...s.annotations, d.annotationId],
    });
    expect(ticked.raters.map((r) => r.kind)).toEqual(['manual', 'manual', 'manual', 'derived']);
  });

  it('refuses a default set of fewer than two submitted raters, saying how many are not submitted', async () => {
    const s = await withScratch();
    const db = fx.services.app.workspace.db;
    db.prepare(
      "UPDATE case_submissions SET state = 'returned', comment = 'redo' WHERE annotator_id IN (SELECT id FROM annotators WHERE name IN ('R2', 'R3'))",
    ).run();
    expect(await s.rev.call('consensus:compare', { jobId: 'x', volumeId: s.volumeId })).toMatchObject({
      ok: false,
      error: {
        code: 'bad-input',
        message: expect.stringMatching(
          /has 1 submitted annotation\(s\) with a saved mask \(3 not submitted: tick them to use them\)/,
        ),
      },
    });
  });
});

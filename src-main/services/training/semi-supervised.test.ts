// Semi-supervised training end to end, in a real trainer process: a project of 4 labelled cases and 3
// cases with a volume and no masks. The run trains and validates on the labelled cases, then trains again
// on every labelled case (the refit, the teacher), which labels the unlabelled ones as it would draft them;
// a third training (the student) learns from them beside every labelled case, and is stored. The log, the
// model's provenance and the run folder's pseudo.bin say what was labelled and how confident the teacher
// was; validation stays on labelled cases; a run cancelled inside its teacher or its student resumes there
// and ends as a run never stopped. With two label rounds the first student labels them again for a second
// one, and a run cancelled in the second round resumes there. The options are checked before anything
// starts.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel } from '../../db/repositories/models';
import { getRun } from '../../db/repositories/training-runs';
import { readTensorFile } from '../../training/process/tensor-file';
import { pseudoFile, type PseudoStats } from '../../training/process/pseudo-cases';
import { tempDir } from '../../test-support/tmp';
import { SMALL, trainingFixture, type TrainingFixture } from '../test-support/training';
import { planUnlabelled } from './targets';
import { resolveRunConfig, storedConfig, trainConfig, withDataDefaults } from './run-config';
import type { TrainingEmit } from './training-service';

let f: TrainingFixture;
const emit = () => undefined;

beforeAll(async () => {
  f = await trainingFixture(tempDir('concord-semisup-'), 4, 3);
});
afterAll(() => f?.services.close());

// The tests' small network with no refit key (a semi-supervised run always refits): three validated epochs,
// three of the refit, three of the student.
const { refit: _noRefit, ...NETWORK } = SMALL;
const FLOOR = 0.3;
const REQUEST = {
  ...NETWORK,
  target: 'vote',
  epochs: 3,
  seed: 3,
  semiSupervised: true,
  pseudoMinConfidence: FLOOR,
  coordinates: false,
} as const;
const TWO_ROUNDS = { ...REQUEST, epochs: 7, pseudoRounds: 2 } as const;

interface Recipe {
  threshold: number;
  tta?: { on: boolean };
  refit: { cases: number; slices: number; keptEpoch: number };
  pseudo: PseudoStats & { minConfidence: number; threshold: number; tta: boolean; rounds: number };
}

function storedWeights(modelId: number): Map<string, Buffer> {
  const ws = f.services.app.workspace;
  const { tensors } = readTensorFile(ws.blobs.pathOf(getModel(ws.db, modelId)!.weightsSha256));
  return new Map(tensors.map((t) => [t.name, Buffer.from((t.values as Float32Array).buffer)]));
}

/** Starts a run of `req`, cancels it once epoch `at` (from 0) has ended, resumes it to its end, and checks
 *  that its log matches `resumed` and that it stored the same weights and pseudo-label record as the run
 *  `never` (the same request, never stopped). Returns the epochs the cancelled run had done. */
async function cancelResumeMatches(
  req: typeof REQUEST | typeof TWO_ROUNDS,
  at: number,
  resumed: RegExp,
  never: { runId: number; modelId: number },
): Promise<number> {
  const t = f.services.training;
  let cancelled = false;
  const atEpoch: TrainingEmit = (event, payload) => {
    const q = payload as { runId: number; kind?: string; epoch?: number };
    if (event === 'training:progress' && q.kind === 'epoch' && q.epoch === at && !cancelled) {
      cancelled = true;
      t.cancel(q.runId);
    }
  };
  const run = await t.start({ ...req, projectId: f.projectId }, 'tester', atEpoch);
  const stopped = await t.wait(run.id);
  expect([stopped.status, stopped.resumable]).toEqual(['cancelled', true]);
  expect(stopped.epochsDone).toBeGreaterThan(at);
  t.resume(run.id, 'tester', emit);
  const done = await t.wait(run.id);
  expect(done.status).toBe('completed');
  const detail = t.detail(run.id);
  expect(detail.log).toMatch(resumed);
  const a = storedWeights(never.modelId);
  const b = storedWeights(done.modelId!);
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [name, v] of a) expect(b.get(name)!.equals(v)).toBe(true);
  const recipe = detail.trainingData['recipe'] as Recipe;
  expect(recipe.pseudo).toEqual((t.detail(never.runId).trainingData['recipe'] as Recipe).pseudo);
  return stopped.epochsDone;
}

let first: { runId: number; modelId: number };
let twoRounds: { runId: number; modelId: number };

describe('semi-supervised training', () => {
  it('finds the cases without masks', () => {
    const u = planUnlabelled(f.services.app.workspace, f.projectId);
    expect(u.map((c) => c.caseName)).toEqual(['C4', 'C5', 'C6']);
  });

  it('checks its options: off by default, always refits, the floor is in [0, 1)', () => {
    const db = f.services.app.workspace.db;
    const plain = resolveRunConfig(db, { projectId: f.projectId });
    expect(plain.semiSupervised).toBeNull();
    expect(trainConfig(withDataDefaults(plain, [[32, 32, 6]])).semiSupervised).toBeUndefined();
    // Runs stored before the option read as labelled-only.
    expect(storedConfig({ projectId: 1, target: 'vote', epochs: 2 }).semiSupervised).toBeNull();
    const on = resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true });
    expect(on.semiSupervised).toEqual({ minConfidence: 0.5, labelRounds: 1 });
    expect(on.refit).toBe(true);
    expect(trainConfig(withDataDefaults(on, [[32, 32, 6]]))).toMatchObject({
      semiSupervised: { minConfidence: 0.5, labelRounds: 1 },
      refit: true,
    });
    expect(
      resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true, pseudoRounds: 3 }).semiSupervised,
    ).toEqual({ minConfidence: 0.5, labelRounds: 3 });
    for (const pseudoRounds of [0, 6, 1.5])
      expect(() =>
        resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true, pseudoRounds }),
      ).toThrow(/pseudoRounds must be an integer/);
    expect(() => resolveRunConfig(db, { projectId: f.projectId, pseudoRounds: 2 })).toThrow(
      /semi-supervised runs only/,
    );
    expect(() =>
      resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true, refit: false }),
    ).toThrow(/a semi-supervised run needs its refit/);
    expect(() => resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true, members: 2 })).toThrow(
      /trains one network/,
    );
    expect(() =>
      resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true, pseudoMinConfidence: 1 }),
    ).toThrow(/pseudoMinConfidence must be in \[0, 1\)/);
    expect(() => resolveRunConfig(db, { projectId: f.projectId, pseudoMinConfidence: 0.2 })).toThrow(
      /semi-supervised runs only/,
    );
  });

  it("validates on the labelled cases, refits on them, then trains again with the refit's pseudo-labels", async () => {
    const t = f.services.training;
    const done = await t.wait((await t.start({ ...REQUEST, projectId: f.projectId }, 'tester', emit)).id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    first = { runId: done.id, modelId: done.modelId! };
    const detail = t.detail(done.id);
    // Three validated epochs, then three of the refit and three of the student, which validate nothing.
    expect(detail.metrics.map((m) => m.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(done.epochs).toBe(9);
    expect(done.semiSupervised).toBe(true);
    expect(detail.metrics.slice(3).every((m) => m.validationDice === null)).toBe(true);
    const recipe = detail.trainingData['recipe'] as Recipe;
    // The teacher labelled every slice of the 3 unlabelled cases (6 each) at the drafts' threshold and flips.
    expect(detail.log).toMatch(
      new RegExp(
        `semi-supervised: the refit labels 18 slices of 3 unlabelled case\\(s\\) at threshold ${recipe.threshold}`,
      ),
    );
    expect(detail.log).toMatch(/pseudo-labels: 18 of 18 slices labelled/);
    const p = recipe.pseudo;
    expect(p).toMatchObject({
      cases: 3,
      slices: 18,
      minConfidence: FLOOR,
      threshold: recipe.threshold,
      rounds: 1,
    });
    expect(p.tta).toBe(recipe.tta?.on ?? false);
    // Some pixels were confident enough to teach, and they weigh at least the floor.
    expect(p.confidentFraction).toBeGreaterThan(0);
    expect(p.meanWeight).toBeGreaterThanOrEqual(FLOOR);
    // Per case: its slices with foreground and as many others, at least 2.
    expect(p.keptSlices).toBeGreaterThanOrEqual(6);
    expect(p.keptSlices).toBeLessThanOrEqual(18);
    expect(detail.log).toMatch(
      /refit: the same training again on every case \(4 cases, \d+ slices\), then it labels/,
    );
    expect(detail.log).toMatch(
      new RegExp(
        `and the pseudo-labels' ${p.keptSlices} slices of 3 unlabelled cases, 3 epochs, the last kept`,
      ),
    );
    // The stored network is the student, whose epochs come last; its cases and slices are the labelled ones
    // (4 cases), the pseudo-labelled came on top.
    expect(recipe.refit).toMatchObject({ cases: 4, keptEpoch: 8 });
    // Validation and training splits hold labelled cases only; the unlabelled ones are recorded as such.
    const unlabelledIds = planUnlabelled(f.services.app.workspace, f.projectId).map((c) => c.caseId);
    expect(done.split.validation.some((c) => unlabelledIds.includes(c))).toBe(false);
    expect(done.split.train.some((c) => unlabelledIds.includes(c))).toBe(false);
    expect(Object.keys(detail.trainingData['unlabelled'] as object).map(Number)).toEqual(unlabelledIds);
    const row = getRun(f.services.app.workspace.db, done.id, () => false)!;
    expect(storedConfig(row.config)).toMatchObject({ semiSupervised: { minConfidence: FLOOR }, refit: true });
    // The kept slices' labels and weights are in the run folder, for a resume: hard labels, and weights of
    // at least the floor where they are not 0.
    const stored = readTensorFile<{ stats: PseudoStats; kept: number[] }>(
      path.join(f.wsDir, row.runDir, pseudoFile(1)),
    );
    expect(stored.meta.stats).toEqual({
      cases: p.cases,
      slices: p.slices,
      casesWithForeground: p.casesWithForeground,
      keptSlices: p.keptSlices,
      confidentFraction: p.confidentFraction,
      foregroundPixels: p.foregroundPixels,
      meanWeight: p.meanWeight,
    });
    expect(stored.tensors).toHaveLength(2 * p.keptSlices);
    const targets = stored.tensors.filter((x) => x.name.endsWith('.target'));
    expect(targets.every((x) => [...x.values].every((v) => v === 0 || v === 255))).toBe(true);
    const weights = stored.tensors.filter((x) => x.name.endsWith('.weight'));
    const nonZero = weights.flatMap((x) => [...x.values].filter((v) => v > 0));
    expect(nonZero.length).toBeGreaterThan(0);
    expect(Math.min(...nonZero) / 255).toBeGreaterThanOrEqual(FLOOR - 1 / 255);
  });

  // Cancelled at the end of the refit's first epoch (epoch 4 of 9) or of the student's (epoch 7).
  for (const [at, where, resumed] of [
    [3, 'its refit', /refit on every case: resumed from the checkpoint/],
    [6, 'its student', /semi-supervised: the pseudo-labels were made before the resume/],
  ] as const)
    it(`cancelled inside ${where}, it resumes there and ends as a run never stopped`, async () => {
      expect(await cancelResumeMatches(REQUEST, at, resumed, first)).toBeLessThan(at + 3);
    });

  it('with two label rounds, the first student labels the unlabelled cases again for a second', async () => {
    const t = f.services.training;
    const req = { ...TWO_ROUNDS, projectId: f.projectId };
    const done = await t.wait((await t.start(req, 'tester', emit)).id);
    expect(done.error).toBeNull();
    twoRounds = { runId: done.id, modelId: done.modelId! };
    // Validated, refit, student 1, student 2: seven epochs each, the second student's stored.
    expect(done.epochs).toBe(28);
    expect(done.labelRounds).toBe(2);
    const detail = t.detail(done.id);
    expect(detail.metrics.map((m) => m.epoch)).toEqual([...Array(28).keys()]);
    expect(detail.log).toMatch(/semi-supervised: the refit labels 18 slices/);
    expect(detail.log).toMatch(/semi-supervised: round 1's student labels 18 slices/);
    expect(detail.log).toMatch(/refit with the pseudo-labels of round 1\/2: the same training again/);
    expect(detail.log).toMatch(
      /refit with the pseudo-labels of round 2\/2: the same training again.*the last kept/,
    );
    const recipe = detail.trainingData['recipe'] as Recipe;
    expect(recipe.refit.keptEpoch).toBe(27);
    expect(recipe.pseudo.rounds).toBe(2);
    // The second round's labels (the first student's) are in a file of their own beside the first round's.
    const row = getRun(f.services.app.workspace.db, done.id, () => false)!;
    const round = (n: number) =>
      readTensorFile<{ stats: PseudoStats }>(path.join(f.wsDir, row.runDir, pseudoFile(n))).meta.stats;
    expect(round(1).slices).toBe(18);
    expect(recipe.pseudo).toEqual({
      ...round(2),
      minConfidence: FLOOR,
      threshold: recipe.threshold,
      tta: recipe.pseudo.tta,
      rounds: 2,
    });
  });

  // Cancelled at the end of the first student's last epoch (epoch 21 of 28: in the second round's labelling
  // or its student's first batches) or of the second student's fourth epoch (epoch 25; there its Adam's bias
  // corrections differed in the last bits when tfjs recomputed them on resume: engine/concord-adam.ts). Seven
  // epochs a network, so the cancel lands before the run ends even when the machine is slow to pass it on.
  for (const [at, resumed] of [
    [20, /refit with the pseudo-labels of round 1\/2: resumed from the checkpoint after epoch 7/],
    [24, /refit with the pseudo-labels of round 2\/2: resumed from the checkpoint after epoch [45]/],
  ] as const)
    it(`with two rounds, cancelled after epoch ${at + 1}, it resumes there and ends as a run never stopped`, async () => {
      await cancelResumeMatches(TWO_ROUNDS, at, resumed, twoRounds);
    });

  it('a semi-supervised run of an earlier version (pseudo-labels made while training) does not resume', async () => {
    const t = f.services.training;
    let cancelled = false;
    const atFirst: TrainingEmit = (event, payload) => {
      const q = payload as { runId: number; kind?: string };
      if (event === 'training:progress' && q.kind === 'epoch' && !cancelled) {
        cancelled = true;
        t.cancel(q.runId);
      }
    };
    const run = await t.start({ ...REQUEST, projectId: f.projectId }, 'tester', atFirst);
    expect((await t.wait(run.id)).status).toBe('cancelled');
    const db = f.services.app.workspace.db;
    // As that version stored it: the rounds in the run's config (and in its checkpoint's).
    db.prepare(
      "UPDATE training_runs SET config_json = json_set(config_json, '$.semiSupervised.rounds', 1) WHERE id = ?",
    ).run(run.id);
    expect(() => t.resume(run.id, 'tester', emit)).toThrow(/earlier version of Concord.*start a new run/);
  });

  it('is refused where the project has no unlabelled case', async () => {
    const g = await trainingFixture(tempDir('concord-semisup-none-'), 3, 0);
    try {
      await expect(
        g.services.training.start(
          { projectId: g.projectId, target: 'vote', epochs: 2, ...NETWORK, semiSupervised: true },
          'tester',
          emit,
        ),
      ).rejects.toThrow(/needs unlabelled cases/);
    } finally {
      g.services.close();
    }
  });
});

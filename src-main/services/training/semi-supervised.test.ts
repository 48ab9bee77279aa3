// Semi-supervised training end to end, in a real trainer process: a project of 4 labelled cases and 3
// cases with a volume and no masks. The run warms up on the labelled cases, then the model pseudo-labels
// the unlabelled ones at each round; the log, the model's provenance and the round file say how many
// slices were labelled and how confident the model was, and validation stays on labelled cases. The
// options are checked before anything starts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel } from '../../db/repositories/models';
import { getRun } from '../../db/repositories/training-runs';
import { readTensorFile } from '../../training/process/tensor-file';
import { PSEUDO_FILE, type PseudoRoundStats } from '../../training/process/pseudo-rounds';
import { tempDir } from '../../test-support/tmp';
import { SMALL, trainingFixture, type TrainingFixture } from '../test-support/training';
import { planUnlabelled } from './targets';
import { resolveRunConfig, storedConfig, trainConfig, withDataDefaults } from './run-config';

let f: TrainingFixture;
const emit = () => undefined;

beforeAll(async () => {
  f = await trainingFixture(tempDir('concord-semisup-'), 4, 3);
});
afterAll(() => f?.services.close());

describe('semi-supervised training', () => {
  it('finds the cases without masks', () => {
    const u = planUnlabelled(f.services.app.workspace, f.projectId);
    expect(u.map((c) => c.caseName)).toEqual(['C4', 'C5', 'C6']);
  });

  it('checks its options: off by default, rounds need epochs, the floor is in [0, 1)', () => {
    const db = f.services.app.workspace.db;
    const plain = resolveRunConfig(db, { projectId: f.projectId });
    expect(plain.semiSupervised).toBeNull();
    expect(trainConfig(withDataDefaults(plain, [[32, 32, 6]])).semiSupervised).toBeUndefined();
    // Runs stored before the option read as labelled-only.
    expect(storedConfig({ projectId: 1, target: 'vote', epochs: 2 }).semiSupervised).toBeNull();
    const on = resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true });
    expect(on.semiSupervised).toEqual({ rounds: 1, minConfidence: 0.5 });
    expect(() =>
      resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true, epochs: 3, pseudoRounds: 3 }),
    ).toThrow(/3 pseudo-label round\(s\) need at least 4 epochs/);
    expect(() =>
      resolveRunConfig(db, { projectId: f.projectId, semiSupervised: true, pseudoMinConfidence: 1 }),
    ).toThrow(/pseudoMinConfidence must be in \[0, 1\)/);
    expect(() => resolveRunConfig(db, { projectId: f.projectId, pseudoRounds: 2 })).toThrow(
      /semi-supervised runs only/,
    );
  });

  it('warms up on labelled cases, then trains on pseudo-labels weighted by confidence', async () => {
    const t = f.services.training;
    const floor = 0.3;
    const started = await t.start(
      {
        projectId: f.projectId,
        target: 'vote',
        epochs: 4,
        ...SMALL,
        seed: 3,
        semiSupervised: true,
        pseudoRounds: 2,
        pseudoMinConfidence: floor,
        // The network this test's rounds were tuned on (4 epochs find the discs well enough to label them).
        coordinates: false,
      },
      'tester',
      emit,
    );
    const done = await t.wait(started.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    const detail = t.detail(started.id);
    // Epochs 1 (warm-up), then rounds from epochs 2 and 4 (4 epochs cut into 3 parts).
    expect(detail.log).toMatch(/semi-supervised: 3 unlabelled case\(s\); pseudo-labels made at epochs 2, 4/);
    expect(detail.log).toMatch(
      /pseudo-labels round 1\/2 \(labelled by the model, from epoch 2\): 18 slices of 3/,
    );
    expect(detail.log).toMatch(
      /pseudo-labels round 2\/2 \(labelled by the model, from epoch 4\): 18 slices of 3/,
    );
    // The batches used them: none in the warm-up, then pseudo-labelled crops added beside the labelled
    // ones (18 pseudo-labelled slices: at most as many as the labelled crops), with weights that are not 0;
    // each round's labels aligned to the labelled slices' foreground share.
    expect(detail.log).toMatch(/epoch 1: 0 pseudo-labelled crops beside \d+ labelled\n/);
    expect(detail.log).toMatch(/probabilities aligned: [\d.]+ read as 0\.5/);
    for (const e of [2, 3, 4]) {
      const m = new RegExp(
        `epoch ${e}: (\\d+) pseudo-labelled crops beside (\\d+) labelled, mean pixel weight ([\\d.]+)`,
      ).exec(detail.log);
      expect(m, `epoch ${e}'s pseudo-labelled crops`).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(0);
      expect(Number(m![1])).toBeLessThanOrEqual(Number(m![2]));
      expect(Number(m![3])).toBeGreaterThan(0);
    }
    // Validation on labelled cases only; the unlabelled ones are recorded as such.
    const unlabelledIds = planUnlabelled(f.services.app.workspace, f.projectId).map((c) => c.caseId);
    expect(done.split.validation.some((c) => unlabelledIds.includes(c))).toBe(false);
    expect(done.split.train.some((c) => unlabelledIds.includes(c))).toBe(false);
    expect(Object.keys(detail.trainingData['unlabelled'] as object).map(Number)).toEqual(unlabelledIds);
    // The run's config and the model's provenance carry the option and what each round made.
    const row = getRun(f.services.app.workspace.db, started.id, () => false)!;
    expect(storedConfig(row.config).semiSupervised).toEqual({ rounds: 2, minConfidence: floor });
    const model = getModel(f.services.app.workspace.db, done.modelId!)!;
    const pseudo = (model.trainingData['recipe'] as { pseudo: { made: PseudoRoundStats[] } }).pseudo;
    expect(pseudo).toMatchObject({ rounds: 2, minConfidence: floor, unlabelledCases: 3 });
    expect((pseudo as unknown as { crops: number }).crops).toBeGreaterThan(0);
    expect(pseudo.made.map((m) => [m.round, m.epoch, m.slices, m.cases])).toEqual([
      [1, 1, 18, 3],
      [2, 3, 18, 3],
    ]);
    for (const m of pseudo.made) {
      // Some pixels were confident enough to teach, and they weigh at least the floor.
      expect(m.confidentFraction).toBeGreaterThan(0);
      expect(m.meanWeight).toBeGreaterThanOrEqual(floor);
    }
    // The last round's labels and weights are in the run folder, for a resume.
    const file = path.join(f.wsDir, row.runDir, PSEUDO_FILE);
    const stored = readTensorFile<{ stats: PseudoRoundStats }>(file);
    expect(stored.meta.stats.round).toBe(2);
    expect(stored.tensors).toHaveLength(2 * 18);
    const weights = stored.tensors.filter((x) => x.name.endsWith('.weight'));
    const nonZero = weights.flatMap((x) => [...x.values].filter((v) => v > 0));
    expect(nonZero.length).toBeGreaterThan(0);
    expect(Math.min(...nonZero) / 255).toBeGreaterThanOrEqual(floor - 1 / 255);
    expect(fs.existsSync(file)).toBe(true);
  });

  it('is refused where the project has no unlabelled case', async () => {
    const g = await trainingFixture(tempDir('concord-semisup-none-'), 3, 0);
    try {
      await expect(
        g.services.training.start(
          {
            projectId: g.projectId,
            target: 'vote',
            epochs: 2,
            ...SMALL,
            semiSupervised: true,
            pseudoRounds: 1,
          },
          'tester',
          emit,
        ),
      ).rejects.toThrow(/needs unlabelled cases/);
    } finally {
      g.services.close();
    }
  });
});

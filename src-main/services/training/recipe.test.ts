// The product's default run is the recipe: trained on the raters' agreement (each case's submitted
// annotations; all its manual ones where nobody submitted, said so in the run's record), 2.5D on volumes
// with neighbours, a moving average of the weights, the best validated epoch kept (its weights stored, its
// metrics the model's), and the drafts' threshold and test-time flips chosen together on the validation cases
// (the best of a scan around the threshold matching the raters' majority; with calibrateThreshold false, that
// threshold, the flips kept where they scored higher), then the refit: the same training on every case,
// whose last epoch is stored (refit.test.ts). A real trainer process, on the synthetic three-rater project.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { getModel } from '../../db/repositories/models';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { listCases } from '../../db/repositories/projects';
import { recordReturn } from '../../db/repositories/team';
import { readTensorFile } from '../../training/process/tensor-file';
import { BEST_FILE } from '../../training/process/protocol';
import { tempDir } from '../../test-support/tmp';
import { trainingFixture, type TrainingFixture } from '../test-support/training';
import { planTargets, selectTargets } from './targets';
import path from 'node:path';

let f: TrainingFixture;
const cases = new Map<string, number>();

beforeAll(async () => {
  f = await trainingFixture(tempDir('concord-recipe-'));
  const db = f.services.app.workspace.db;
  for (const c of listCases(db, f.projectId)) cases.set(c.name, c.id);
  // Ann's work is returned on every case (Bob and Cem stay submitted: two raters); on C1 everybody's is.
  const at = new Date().toISOString();
  for (const [name, caseId] of cases)
    for (const who of name === 'C1' ? ['Ann', 'Bob', 'Cem'] : ['Ann'])
      recordReturn(db, {
        caseId,
        annotatorId: findAnnotatorByName(db, who)!.id,
        by: 'test',
        at,
        comment: 'again',
      });
});
afterAll(() => f?.services.close());

const SMALL_NET = { levels: 2, base: 4, batchSize: 4, backend: 'cpu', threads: 1, members: 1 } as const;

describe('the default recipe', () => {
  it("the agreement's raters: the submitted annotations, or all manual ones where none is submitted", async () => {
    const ws = f.services.app.workspace;
    const plan = planTargets(ws, f.projectId, 'agreement');
    expect(plan.combine).toBe('agreement');
    const c0 = plan.cases.find((c) => c.caseName === 'C0')!;
    const c1 = plan.cases.find((c) => c.caseName === 'C1')!;
    expect([c0.inputs.length, c0.raters]).toEqual([2, 'submitted']);
    expect([c1.inputs.length, c1.raters]).toEqual([3, 'all manual']);
    // The target is the share of raters marking each voxel: 0, 1/2, 1 of two; 0, 1/3, 2/3, 1 of three.
    const sel = await selectTargets(ws, f.projectId, 'agreement', 1);
    const values = (name: string) =>
      [...new Set(sel.cases.find((c) => c.caseName === name)!.target)].sort((a, b) => a - b);
    expect(values('C0')).toEqual([0, 128, 255]);
    expect(values('C1')).toEqual([0, 85, 170, 255]);
    expect(sel.cases.every((c) => c.soft)).toBe(true);
  });

  it('a run with no options trains the recipe, keeps the best epoch and measures the flips', async () => {
    const t = f.services.training;
    const ws = f.services.app.workspace;
    const run = await t.wait(
      (
        await t.start(
          { projectId: f.projectId, epochs: 5, learningRate: 0.05, ...SMALL_NET },
          'tester',
          () => undefined,
        )
      ).id,
    );
    expect(run.error).toBeNull();
    expect(run.config).toMatchObject({
      target: 'agreement',
      neighbours: 1,
      cropSize: 16,
      ema: true,
      tta: true,
      keepBest: true,
      foregroundFraction: 1 / 3,
    });
    expect(run.refit).toBe(true);
    const detail = t.detail(run.id);
    expect(detail.trainingData['raters']).toMatchObject({
      [String(cases.get('C0'))]: 'submitted',
      [String(cases.get('C1'))]: 'all manual',
    });
    // The validated epochs (the refit's five after them validate nothing).
    const dice = detail.metrics.slice(0, 5).map((m) => m.validationDice!);
    expect(detail.metrics.slice(5).map((m) => m.validationDice)).toEqual([null, null, null, null, null]);
    const best = dice.indexOf(Math.max(...dice));
    const recipe = detail.trainingData['recipe'] as {
      keptEpoch: number;
      kept: string;
      threshold: number;
      tta: { plain: number; flipped: number; on: boolean };
      averageDecay: number;
      calibration: {
        matched: number;
        scan: { threshold: number; dice: number; diceWithFlips: number }[];
      };
    };
    expect(recipe).toMatchObject({ keptEpoch: best, kept: 'best', averageDecay: 0.99 });
    expect(run.config).toMatchObject({ calibrateThreshold: true });
    // The scan: 0.30..0.90 and the majority's 0.75; at 0.75 without flips it is the kept epoch's validation.
    const scan = recipe.calibration.scan;
    expect(recipe.calibration.matched).toBe(0.75);
    expect(scan.map((r) => r.threshold)).toEqual([
      0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9,
    ]);
    expect(scan.find((r) => r.threshold === 0.75)!.dice).toBe(dice[best]);
    // The drafts take the best Dice of the scan, with or without the flips.
    const top = Math.max(...scan.flatMap((r) => [r.dice, r.diceWithFlips]));
    const row = scan.find((r) => r.threshold === recipe.threshold)!;
    expect(recipe.tta.on ? row.diceWithFlips : row.dice).toBe(top);
    expect([recipe.tta.plain, recipe.tta.flipped]).toEqual([row.dice, row.diceWithFlips]);
    const model = getModel(ws.db, run.modelId!)!;
    expect(model.inference).toEqual({ threshold: recipe.threshold, tta: recipe.tta.on });
    expect(model.metrics['validationDiceWithFlips']).toBe(row.diceWithFlips);
    expect(model.metrics).toMatchObject({ keptEpoch: best, validationDice: dice[best] });
    expect((model.trainingData['recipe'] as { keptEpoch: number }).keptEpoch).toBe(best);
    // The validated network's kept epoch is in best.bin in the run folder; the same run without the refit
    // stores those weights, and the refit stores others.
    const runDir = path.join(
      ws.dir,
      (ws.db.prepare('SELECT run_dir FROM training_runs WHERE id = ?').get(run.id) as { run_dir: string })
        .run_dir,
    );
    const kept = readTensorFile(path.join(runDir, BEST_FILE)).tensors;
    const bytes = (modelId: number) =>
      readTensorFile(ws.blobs.pathOf(getModel(ws.db, modelId)!.weightsSha256)).tensors.map((s) =>
        Buffer.from((s.values as Float32Array).buffer),
      );
    const validated = await t.wait(
      (
        await t.start(
          { projectId: f.projectId, epochs: 5, learningRate: 0.05, ...SMALL_NET, refit: false },
          'tester',
          () => undefined,
        )
      ).id,
    );
    expect(bytes(validated.modelId!)).toEqual(
      kept.map((s) => Buffer.from((s.values as Float32Array).buffer)),
    );
    expect(bytes(run.modelId!)).not.toEqual(bytes(validated.modelId!));
    // The same run keeping its last epoch: a different epoch when the best was not the last.
    const last = await t.wait(
      (
        await t.start(
          {
            projectId: f.projectId,
            epochs: 5,
            learningRate: 0.05,
            keepBest: false,
            calibrateThreshold: false,
            ...SMALL_NET,
            refit: false,
          },
          'tester',
          () => undefined,
        )
      ).id,
    );
    const lastRecipe = t.detail(last.id).trainingData['recipe'] as {
      keptEpoch: number;
      kept: string;
      tta: { plain: number; flipped: number; on: boolean };
    };
    // Without the calibration: the majority's threshold, the flips where they scored higher there.
    expect(lastRecipe).toMatchObject({ keptEpoch: 4, kept: 'last', threshold: 0.75 });
    expect(lastRecipe).not.toHaveProperty('calibration');
    expect(lastRecipe.tta.plain).toBe(dice[4]);
    expect(lastRecipe.tta.on).toBe(lastRecipe.tta.flipped > lastRecipe.tta.plain);
    expect(getModel(ws.db, last.modelId!)!.inference.threshold).toBe(0.75);
    expect(t.detail(last.id).metrics.map((m) => m.validationDice)).toEqual(dice);
    expect(best).not.toBe(4);
  });
});

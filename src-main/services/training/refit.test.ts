// The refit, on by default for one network: the validated training chooses the epoch, the threshold and the
// flips; the same training then runs again on every case (validation ones too) and its last epoch is what
// the model stores and drafts with, at the validated choices. A run cancelled inside its refit resumes there
// (the validated choices read back from the run folder) and ends with the weights of a run never stopped.
// A real trainer process, on the synthetic three-rater project.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel } from '../../db/repositories/models';
import { readTensorFile } from '../../training/process/tensor-file';
import { CHECKPOINT_FILE, VALIDATED_FILE } from '../../training/process/protocol';
import { tempDir } from '../../test-support/tmp';
import { SMALL, trainingFixture, type TrainingFixture } from '../test-support/training';
import type { TrainingEmit } from './training-service';

let f: TrainingFixture;
beforeAll(async () => {
  f = await trainingFixture(tempDir('concord-refit-'));
});
afterAll(() => f?.services.close());

// The tests' small network with no refit key: the default. Three validated epochs, then three on every case.
const { refit: _noRefit, ...NETWORK } = SMALL;
const REQUEST = { ...NETWORK, target: 'vote', epochs: 3, seed: 5 } as const;

interface Recipe {
  keptEpoch: number;
  kept: string;
  threshold: number;
  tta: { plain: number; flipped: number; on: boolean };
  refit: { epochs: number; keptEpoch: number; cases: number; slices: number; seconds: number };
}

function runDirOf(runId: number): string {
  const ws = f.services.app.workspace;
  const row = ws.db.prepare('SELECT run_dir FROM training_runs WHERE id = ?').get(runId) as {
    run_dir: string;
  };
  return path.join(ws.dir, row.run_dir);
}

function storedWeights(modelId: number): Map<string, Buffer> {
  const ws = f.services.app.workspace;
  const { tensors } = readTensorFile(ws.blobs.pathOf(getModel(ws.db, modelId)!.weightsSha256));
  return new Map(tensors.map((t) => [t.name, Buffer.from((t.values as Float32Array).buffer)]));
}

let refitted: { runId: number; modelId: number };

describe('the refit on every case', () => {
  it('a run with no options validates, then trains again on every case and stores that network', async () => {
    const t = f.services.training;
    const ws = f.services.app.workspace;
    const run = await t.wait((await t.start({ ...REQUEST, projectId: f.projectId }, 'tester', () => {})).id);
    expect(run.error).toBeNull();
    expect([run.status, run.refit, run.epochs, run.epochsDone]).toEqual(['completed', true, 6, 6]);
    refitted = { runId: run.id, modelId: run.modelId! };
    const detail = t.detail(run.id);
    // The validated epochs have validation Dice; the refit's, trained on every case, have none.
    const dice = detail.metrics.map((m) => m.validationDice);
    expect(dice.slice(0, 3).every((d) => typeof d === 'number')).toBe(true);
    expect(dice.slice(3)).toEqual([null, null, null]);
    const recipe = detail.trainingData['recipe'] as Recipe;
    const validated = dice.slice(0, 3) as number[];
    const best = validated.indexOf(Math.max(...validated));
    expect(recipe).toMatchObject({ keptEpoch: best, kept: 'best' });
    // Every case, six slices each (the split had five for training and one for validation).
    expect(run.split.train.length + run.split.validation.length).toBe(6);
    expect(recipe.refit).toMatchObject({ epochs: 3, keptEpoch: 5, cases: 6, slices: 36 });
    expect(recipe.refit.seconds).toBeGreaterThan(0);
    expect(detail.log).toMatch(
      /refit: the same training again on every case \(6 cases, 36 slices\), 3 epochs/,
    );
    // The model: the validated network's Dice and choices, the refit's weights (its last epoch's average).
    const model = getModel(ws.db, run.modelId!)!;
    expect(model.metrics).toMatchObject({ keptEpoch: best, validationDice: validated[best], epochs: 6 });
    expect(model.inference).toEqual({ threshold: recipe.threshold, tta: recipe.tta.on });
    const dir = runDirOf(run.id);
    const ck = readTensorFile<{ nextEpoch: number; member?: number }>(path.join(dir, CHECKPOINT_FILE));
    expect([ck.meta.nextEpoch, ck.meta.member]).toEqual([6, 1]);
    const average = new Map(
      ck.tensors
        .filter((x) => x.name.startsWith('ema/'))
        .map((x) => [x.name.slice(4), Buffer.from((x.values as Float32Array).buffer)]),
    );
    const stored = storedWeights(run.modelId!);
    expect([...stored.keys()].sort()).toEqual([...average.keys()].sort());
    for (const [name, v] of stored) expect(v.equals(average.get(name)!)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, VALIDATED_FILE), 'utf8'))).toMatchObject({
      keptEpoch: best,
      threshold: recipe.threshold,
    });

    // The same run without the refit trains the same validated network, and stores it: other weights.
    const plain = await t.wait(
      (await t.start({ ...REQUEST, projectId: f.projectId, refit: false }, 'tester', () => {})).id,
    );
    expect([plain.refit, plain.epochs]).toEqual([false, 3]);
    const plainRecipe = t.detail(plain.id).trainingData['recipe'] as Recipe;
    expect(t.detail(plain.id).metrics.map((m) => m.validationDice)).toEqual(validated);
    expect(plainRecipe).not.toHaveProperty('refit');
    expect([plainRecipe.keptEpoch, plainRecipe.threshold]).toEqual([best, recipe.threshold]);
    const other = storedWeights(plain.modelId!);
    expect([...stored].some(([name, v]) => !v.equals(other.get(name)!))).toBe(true);
  });

  it('cancelled inside its refit, it resumes there and ends as a run never stopped', async () => {
    const t = f.services.training;
    let cancelled = false;
    // Cancels at the end of the refit's first epoch (the fourth of six).
    const atRefit: TrainingEmit = (event, payload) => {
      const p = payload as { runId: number; kind?: string; epoch?: number };
      if (event === 'training:progress' && p.kind === 'epoch' && p.epoch === 3 && !cancelled) {
        cancelled = true;
        t.cancel(p.runId);
      }
    };
    const run = await t.start({ ...REQUEST, projectId: f.projectId }, 'tester', atRefit);
    const stopped = await t.wait(run.id);
    expect([stopped.status, stopped.resumable, stopped.modelId]).toEqual(['cancelled', true, null]);
    expect(stopped.epochsDone).toBeGreaterThanOrEqual(4);
    expect(stopped.epochsDone).toBeLessThan(6);
    // A refit's epochs follow the validated ones: they cannot be extended.
    expect(() => t.resume(run.id, 'tester', () => {}, 10)).toThrow(/its epochs cannot be extended/);
    t.resume(run.id, 'tester', () => {});
    const done = await t.wait(run.id);
    expect(done.status).toBe('completed');
    const detail = t.detail(run.id);
    expect(detail.log).toMatch(/the validated network was chosen before the resume/);
    expect(detail.log).toMatch(/refit on every case: resumed from the checkpoint/);
    expect(detail.metrics.map((m) => m.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    const a = storedWeights(refitted.modelId);
    const b = storedWeights(done.modelId!);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, v] of a) expect(b.get(name)!.equals(v)).toBe(true);
    const recipe = detail.trainingData['recipe'] as Recipe;
    const first = t.detail(refitted.runId).trainingData['recipe'] as Recipe;
    expect([recipe.keptEpoch, recipe.threshold, recipe.tta]).toEqual([
      first.keptEpoch,
      first.threshold,
      first.tta,
    ]);
  });
});

// A run asking for three members trains an ensemble of three networks, one after another in one trainer
// process (real, forked): each member's epochs are numbered through the run, each keeps its best epoch,
// the stored weights are the three members' kept weights under their prefixes, the model's validation Dice
// is the ensemble's own (the members' mean probability) and its drafts' threshold is chosen on that. A run
// cancelled inside its second member resumes there and ends with the weights of a run never interrupted,
// bit for bit; its epochs cannot be extended. The ensemble drafts, and travels as a format-5 package.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel } from '../../db/repositories/models';
import { memberWeights } from '../../training/model/ensemble';
import { memberFile } from '../../training/process/protocol';
import { readTensorFile } from '../../training/process/tensor-file';
import { tempDir } from '../../test-support/tmp';
import { SMALL, trainingFixture, type TrainingFixture } from '../test-support/training';
import { draftVolumes } from './inference';
import { exportModel, importModel } from './model-package';
import type { TrainingEmit } from './training-service';

let f: TrainingFixture;

beforeAll(async () => {
  f = await trainingFixture(tempDir('concord-ensemble-'));
});
afterAll(() => f?.services.close());

// The tests' small network, three of them.
const request = () => ({
  projectId: f.projectId,
  target: 'vote' as const,
  epochs: 2,
  ...SMALL,
  members: 3,
  seed: 5,
});

function runDirOf(runId: number): string {
  const ws = f.services.app.workspace;
  const rel = (
    ws.db.prepare('SELECT run_dir FROM training_runs WHERE id = ?').get(runId) as { run_dir: string }
  ).run_dir;
  return path.join(ws.dir, rel);
}

function weightsOf(modelId: number) {
  const ws = f.services.app.workspace;
  return readTensorFile(ws.blobs.pathOf(getModel(ws.db, modelId)!.weightsSha256));
}

/** An emit that cancels the run at the first epoch of its second member (global epoch 2). */
function cancelInSecondMember(): TrainingEmit {
  let done = false;
  return (event, payload) => {
    const p = payload as { runId: number; kind?: string; epoch?: number };
    if (event === 'training:progress' && p.kind === 'epoch' && p.epoch === 2 && !done) {
      done = true;
      f.services.training.cancel(p.runId);
    }
  };
}

interface EnsembleRecipe {
  threshold: number;
  tta: { plain: number; flipped: number; on: boolean };
  calibration: { matched: number; scan: { threshold: number; dice: number }[] };
  ensemble: {
    dice: number;
    caseDice: Record<string, number>;
    members: { keptEpoch: number; dice: number }[];
  };
}

describe('an ensemble run', () => {
  let straightModel = 0;

  it('trains three members in turn, stores their kept weights and judges the ensemble', async () => {
    const t = f.services.training;
    const ws = f.services.app.workspace;
    const run = await t.wait((await t.start(request(), 'tester', () => undefined)).id);
    expect([run.status, run.error]).toEqual(['completed', null]);
    expect(run.config).toMatchObject({ members: 3 });
    straightModel = run.modelId!;
    const detail = t.detail(run.id);
    // Member k's epochs are k*2 and k*2+1 of the run.
    expect(detail.metrics.map((m) => m.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(detail.log).toMatch(
      /an ensemble of 3 networks, trained one after another \(2 epochs each, seeds 5 to 7\)/,
    );
    expect(detail.log).toMatch(/member 2\/3: epoch 1\/2/);
    const recipe = detail.trainingData['recipe'] as EnsembleRecipe;
    const dice = detail.metrics.map((m) => m.validationDice!);
    recipe.ensemble.members.forEach((m, k) => {
      const own = dice.slice(2 * k, 2 * k + 2);
      expect(m).toEqual({ keptEpoch: 2 * k + own.indexOf(Math.max(...own)), dice: Math.max(...own) });
    });
    // The calibration scanned the ensemble: at the matched threshold without flips, the ensemble's Dice.
    const matched = recipe.calibration.scan.find((r) => r.threshold === recipe.calibration.matched)!;
    expect(matched.dice).toBe(recipe.ensemble.dice);
    expect(detail.log).toMatch(/the ensemble: validation Dice/);

    const model = getModel(ws.db, run.modelId!)!;
    expect(model.config.members).toBe(3);
    expect(model.formatVersion).toBe(5);
    expect(model.metrics).toMatchObject({
      validationDice: recipe.ensemble.dice,
      caseDice: recipe.ensemble.caseDice,
      keptEpoch: null,
    });
    expect(model.inference).toEqual({ threshold: recipe.threshold, tta: recipe.tta.on });
    // The stored weights: member k's kept weights (its member file) under member<k>/.
    const stored = weightsOf(model.id);
    expect(stored.tensors[0]!.name).toBe('member1/enc0.conv0.kernel');
    const all = stored.tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      values: t.values as Float32Array,
    }));
    for (let k = 0; k < 3; k++) {
      const file = readTensorFile(path.join(runDirOf(run.id), memberFile(k)));
      const mine = memberWeights(model.config, all, k);
      expect(mine.map((w) => w.name)).toEqual(file.tensors.map((t) => t.name));
      mine.forEach((w, i) =>
        expect(
          Buffer.from(w.values.buffer).equals(Buffer.from((file.tensors[i]!.values as Float32Array).buffer)),
        ).toBe(true),
      );
    }
    // The members differ: other seeds.
    const [a, b] = [0, 1].map((k) => memberWeights(model.config, all, k)[0]!.values);
    expect(Buffer.from(a!.buffer).equals(Buffer.from(b!.buffer))).toBe(false);
  });

  it('cancelled in its second member, resumes there and ends as the run never interrupted', async () => {
    const t = f.services.training;
    const run = await t.start(request(), 'tester', cancelInSecondMember());
    const cancelled = await t.wait(run.id);
    expect([cancelled.status, cancelled.resumable]).toEqual(['cancelled', true]);
    expect(fs.existsSync(path.join(runDirOf(run.id), memberFile(0)))).toBe(true);
    expect(() => t.resume(run.id, 'tester', () => undefined, 9)).toThrow(/its epochs cannot be extended/);
    t.resume(run.id, 'tester', () => undefined);
    const done = await t.wait(run.id);
    expect(done.status).toBe('completed');
    const detail = t.detail(run.id);
    expect(detail.metrics.map((m) => m.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(detail.log).toMatch(/member 1\/3: done before the resume/);
    const a = weightsOf(straightModel).tensors;
    const b = weightsOf(done.modelId!).tensors;
    expect(b.map((x) => x.name)).toEqual(a.map((x) => x.name));
    a.forEach((x, i) =>
      expect(
        Buffer.from((b[i]!.values as Float32Array).buffer).equals(
          Buffer.from((x.values as Float32Array).buffer),
        ),
      ).toBe(true),
    );
  });

  it('drafts with the mean of its members, and travels as a format-5 package', async () => {
    const ws = f.services.app.workspace;
    const [d] = await draftVolumes(ws, f.launcher, straightModel, [f.volumes.get('C0')!], 'tester', {
      backend: 'cpu',
      threads: 1,
    });
    expect(d!.meanEntropyBits).toBeGreaterThan(0);
    const out = await exportModel(ws, straightModel, tempDir('concord-ensemble-pkg-'), 'tester');
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect([manifest.formatVersion, manifest.config.members]).toEqual([5, 3]);
    const imported = await importModel(ws, out, f.projectId, 'tester');
    expect(imported.config.members).toBe(3);
    expect(imported.weightsSha256).toBe(getModel(ws.db, straightModel)!.weightsSha256);
  });
});

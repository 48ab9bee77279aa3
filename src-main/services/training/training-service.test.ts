// Training runs end to end with a real forked trainer process (bundled as the build bundles it): a run
// trains, records per-epoch metrics, per-case Dice and its backend, and registers a model; cancel then
// resume continues from the checkpoint and ends with the weights an uninterrupted run gets; a trainer
// killed with SIGKILL leaves its run failed, with its log, and the workspace intact.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit';
import { getModel, listModels } from '../../db/repositories/models';
import { listCases, setCaseSubject } from '../../db/repositories/projects';
import { readTensorFile } from '../../training/process/tensor-file';
import { draftVolumes } from './inference';
import type { TrainingEmit } from './training-service';
import { tempDir } from '../../test-support/tmp';
import { SMALL, trainingFixture, type TrainingFixture } from '../test-support/training';

let f: TrainingFixture;
const events: { event: string; payload: unknown }[] = [];
const emit = (event: string, payload: unknown) => void events.push({ event, payload });

beforeAll(async () => {
  f = await trainingFixture(tempDir('concord-train-'));
});
afterAll(() => f?.services.close());

describe('training runs in a trainer process', () => {
  it('trains 2 epochs, records metrics, per-case Dice and backend, and registers a model', async () => {
    const t = f.services.training;
    // Three people, two cases each (cases in id order): the split keeps each person's cases together.
    const db = f.services.app.workspace.db;
    const ids = listCases(db, f.projectId)
      .map((c) => c.id)
      .sort((a, b) => a - b);
    ids.forEach((id, n) => setCaseSubject(db, id, `person ${Math.floor(n / 2)}`));
    const started = await t.start(
      { projectId: f.projectId, target: 'vote', epochs: 2, ...SMALL, seed: 3, splitBy: 'subject' },
      'tester',
      emit,
    );
    expect(started.status).toBe('running');
    const done = await t.wait(started.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.backend).toBe('cpu');
    expect(done.epochsDone).toBe(2);
    const detail = t.detail(started.id);
    expect(detail.metrics.map((m) => m.epoch)).toEqual([0, 1]);
    expect(detail.metrics.every((m) => Number.isFinite(m.loss) && m.validationDice !== null)).toBe(true);
    // Validation Dice per held-out case, and the split is by subject: no person on both sides.
    expect(Object.keys(detail.caseDice['1']!).map(Number).sort()).toEqual(done.split.validation);
    expect(done.split.train.filter((c) => done.split.validation.includes(c))).toEqual([]);
    expect(done.split).toMatchObject({ by: 'subject', validationSubjects: 1, sharedSubjects: 0 });
    const personOf = (id: number) => Math.floor(ids.indexOf(id) / 2);
    const validated = new Set(done.split.validation.map(personOf));
    expect(validated.size).toBe(1);
    expect(done.split.train.some((id) => validated.has(personOf(id)))).toBe(false);
    expect(detail.log).toMatch(/epoch 2\/2/);
    const model = getModel(f.services.app.workspace.db, done.modelId!)!;
    expect(model.runId).toBe(started.id);
    expect(model.backend).toBe('cpu');
    // 2.5D by default: the volumes have 6 slices, so one neighbour on each side; then the two coordinate
    // planes. With the model's own input scaling: the training slices' mean and std of the normalised 0..1
    // values.
    const { input, ...shape } = model.config;
    expect(shape).toEqual({ levels: 2, base: 4, inChannels: 5, labels: 1, coordinates: true });
    expect(input!.mean).toBeGreaterThan(0);
    expect(input!.mean).toBeLessThan(1);
    expect(input!.std).toBeGreaterThan(0);
    expect(detail.log).toMatch(/input z-scored: mean/);
    expect(model.normalisation).toEqual({ kind: 'ct-window', center: -600, width: 1500 });
    expect(Object.keys(model.trainingData['cases'] as object)).toHaveLength(6);
    // The data set was built in the trainer process; it reported the slices it kept per case (the four
    // disc slices and the two others).
    expect(Object.values(detail.trainingData['slices'] as object)).toEqual([6, 6, 6, 6, 6, 6]);
    // Every window hears of the new run first (their lists read again), then of its progress.
    expect(events.find((e) => e.event === 'training:status')?.payload).toEqual({
      runId: started.id,
      status: 'running',
      modelId: null,
      error: null,
      backend: null,
    });
    const progress = events.filter((e) => e.event === 'training:progress');
    expect(progress.some((e) => (e.payload as { kind: string }).kind === 'epoch')).toBe(true);
    expect(
      events.some(
        (e) => e.event === 'training:status' && (e.payload as { status: string }).status === 'completed',
      ),
    ).toBe(true);
  });
});

function weightsOf(modelId: number): Map<string, Float32Array> {
  const ws = f.services.app.workspace;
  const m = getModel(ws.db, modelId)!;
  const { tensors } = readTensorFile(ws.blobs.pathOf(m.weightsSha256));
  return new Map(tensors.map((t) => [t.name, t.values as Float32Array]));
}

/** An emit that cancels the run at its first epoch event. */
function cancelAtFirstEpoch(): TrainingEmit {
  let done = false;
  return (event, payload) => {
    const p = payload as { runId: number; kind?: string };
    if (event === 'training:progress' && p.kind === 'epoch' && !done) {
      done = true;
      f.services.training.cancel(p.runId);
    }
  };
}

describe('cancel, resume, crash', () => {
  const config = { projectId: 0, target: 'vote' as const, epochs: 4, ...SMALL, seed: 11 };

  it('cancel then resume continues from the checkpoint and ends where an uninterrupted run ends', async () => {
    const t = f.services.training;
    const straight = await t.wait(
      (await t.start({ ...config, projectId: f.projectId }, 'tester', () => undefined)).id,
    );
    expect(straight.status).toBe('completed');

    const run = await t.start({ ...config, projectId: f.projectId }, 'tester', cancelAtFirstEpoch());
    const cancelled = await t.wait(run.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.modelId).toBeNull();
    expect(cancelled.resumable).toBe(true);
    expect(cancelled.epochsDone).toBeGreaterThanOrEqual(1);
    expect(cancelled.epochsDone).toBeLessThan(4);

    const resumed = t.resume(run.id, 'tester', () => undefined);
    expect(resumed.status).toBe('running');
    const done = await t.wait(run.id);
    expect(done.status).toBe('completed');
    expect(t.detail(run.id).metrics.map((m) => m.epoch)).toEqual([0, 1, 2, 3]);
    expect(t.detail(run.id).log).toMatch(/resumed from the checkpoint after epoch/);
    // Weights, optimizer state and the random-number position (the epoch) all came back: the same weights
    // as the run that was never interrupted, bit for bit.
    const a = weightsOf(straight.modelId!);
    const b = weightsOf(done.modelId!);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, v] of a)
      expect(Buffer.from(b.get(name)!.buffer).equals(Buffer.from(v.buffer))).toBe(true);
    expect(t.detail(run.id).metrics.at(-1)!.loss).toBe(t.detail(straight.id).metrics.at(-1)!.loss);
  });

  it('a trainer killed with SIGKILL leaves its run failed with its log, and the workspace intact', async () => {
    const t = f.services.training;
    const ws = f.services.app.workspace;
    const modelsBefore = listModels(ws.db).length;
    let killed = false;
    const run = await t.start(
      { ...config, projectId: f.projectId, epochs: 500 },
      'tester',
      (event, payload) => {
        const p = payload as { runId: number; kind?: string };
        if (event === 'training:progress' && p.kind === 'epoch' && !killed) {
          killed = true;
          const pid =
            t.info(p.runId) && ws.db.prepare('SELECT pid FROM training_runs WHERE id = ?').get(p.runId);
          process.kill((pid as { pid: number }).pid, 'SIGKILL');
        }
      },
    );
    const failed = await t.wait(run.id);
    expect(killed).toBe(true);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/killed \(SIGKILL\)/);
    const detail = t.detail(run.id);
    expect(detail.log).toMatch(/backend cpu/);
    expect(detail.log).toMatch(/signal SIGKILL/);
    expect(
      fs.readFileSync(
        path.join(
          ws.dir,
          'training',
          'runs',
          fs.readdirSync(path.join(ws.dir, 'training', 'runs'))[0]!,
          'trainer.log',
        ),
        'utf8',
      ),
    ).toMatch(/trainer started/);
    expect(failed.resumable).toBe(true);
    expect(listModels(ws.db)).toHaveLength(modelsBefore);
    expect(verifyAudit(ws.db).intact).toBe(true);
    expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('transfer: starts from a registry model with the encoder frozen', async () => {
    const t = f.services.training;
    const ws = f.services.app.workspace;
    const base = listModels(ws.db).find((m) => m.origin === 'trained')!;
    const run = await t.start(
      {
        projectId: f.projectId,
        target: 'annotator:Bob',
        epochs: 1,
        baseModelId: base.id,
        freezeEncoder: true,
        backend: 'cpu',
        threads: 1,
        batchSize: 4,
        members: 1,
      },
      'tester',
      () => undefined,
    );
    const done = await t.wait(run.id);
    expect(done.status).toBe('completed');
    const child = getModel(ws.db, done.modelId!)!;
    expect(child.parentModelId).toBe(base.id);
    // Fine-tuning keeps the base model's input scaling: its weights learned that input.
    expect(base.config.input).toBeDefined();
    expect(child.config.input).toEqual(base.config.input);
    const before = weightsOf(base.id);
    const after = weightsOf(child.id);
    for (const [name, v] of before) {
      const same = Buffer.from(after.get(name)!.buffer).equals(Buffer.from(v.buffer));
      expect([name, same]).toEqual([name, name.startsWith('enc')]);
    }
  });

  it('a run whose host died while it trained is marked failed when the workspace opens again', () => {
    const ws = f.services.app.workspace;
    const id = Number(
      ws.db
        .prepare(
          `INSERT INTO training_runs (project_id, status, target, config_json, split_json, training_data_json, run_dir,
             pid, created_by, created_at) VALUES (?, 'running', 'vote', '{"epochs":3}', '{"train":[],"validation":[]}',
             '{}', 'training/runs/gone', 2147483646, 'me', 't')`,
        )
        .run(f.projectId).lastInsertRowid,
    );
    f.services.training.recoverOrphans();
    const run = f.services.training.info(id);
    expect([run.status, run.error]).toEqual([
      'failed',
      'the application stopped while this run was training',
    ]);
    expect(run.resumable).toBe(false);
  });

  it('a completed run continues with more epochs', async () => {
    const t = f.services.training;
    const first = await t.wait(
      (
        await t.start(
          { projectId: f.projectId, target: 'vote', epochs: 1, ...SMALL },
          'tester',
          () => undefined,
        )
      ).id,
    );
    expect(() => t.resume(first.id, 'tester', () => undefined)).toThrow(/give more epochs/);
    t.resume(first.id, 'tester', () => undefined, 2);
    const more = await t.wait(first.id);
    expect([more.status, more.epochsDone]).toEqual(['completed', 2]);
    expect(more.modelId).not.toBe(first.modelId);
  });

  it('2.5D: neighbouring slices as channels, trained and run on a volume', async () => {
    const t = f.services.training;
    const ws = f.services.app.workspace;
    const run = await t.wait(
      (
        await t.start(
          { projectId: f.projectId, target: 'vote', epochs: 1, neighbours: 1, ...SMALL },
          'tester',
          () => undefined,
        )
      ).id,
    );
    expect(run.status).toBe('completed');
    const model = getModel(ws.db, run.modelId!)!;
    expect(model.config.inChannels).toBe(5); // 3 slices, 2 coordinate planes
    const [d] = await draftVolumes(ws, f.launcher, model.id, [f.volumes.get('C0')!], 'tester', {
      backend: 'cpu',
      threads: 1,
    });
    expect(d!.meanEntropyBits).toBeGreaterThan(0);
  });

  it('refuses bad requests with one line and records nothing', async () => {
    const t = f.services.training;
    const ws = f.services.app.workspace;
    const runs = t.list(f.projectId).length;
    await expect(
      t.start({ projectId: f.projectId, target: 'reference', ...SMALL }, 'x', () => undefined),
    ).rejects.toThrow(/no signed-off reference masks/);
    await expect(
      t.start({ projectId: f.projectId, target: 'annotator:Nobody', ...SMALL }, 'x', () => undefined),
    ).rejects.toThrow(/no annotator named 'Nobody'/);
    await expect(
      t.start({ projectId: f.projectId, target: 'vote', ...SMALL, cropSize: 15 }, 'x', () => undefined),
    ).rejects.toThrow(/multiple of 2/);
    await expect(
      t.start(
        { projectId: f.projectId, target: 'vote', ...SMALL, freezeEncoder: true },
        'x',
        () => undefined,
      ),
    ).rejects.toThrow(/needs a base model/);
    expect(t.list(f.projectId)).toHaveLength(runs);
    expect(verifyAudit(ws.db).intact).toBe(true);
  });
});

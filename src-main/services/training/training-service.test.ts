// Training runs end to end with a real forked trainer process (bundled as the build bundles it): a run
// trains, records per-epoch metrics, per-case Dice and its backend, and registers a model; cancel then
// resume continues from the checkpoint and ends with the weights an uninterrupted run gets; a trainer
// killed with SIGKILL leaves its run failed, with its log, and the workspace intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit';
import { getModel, listModels } from '../../db/repositories/models';
import { tempDir } from '../../test-support/tmp';
import { SMALL, trainingFixture, type TrainingFixture } from './test-fixture';

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
    const started = await t.start(
      { projectId: f.projectId, target: 'vote', epochs: 2, ...SMALL, seed: 3 },
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
    // Validation Dice per held-out case, and the split is by case.
    expect(Object.keys(detail.caseDice['1']!).map(Number).sort()).toEqual(done.split.validation);
    expect(done.split.train.filter((c) => done.split.validation.includes(c))).toEqual([]);
    expect(detail.log).toMatch(/epoch 2\/2/);
    const model = getModel(f.services.app.workspace.db, done.modelId!)!;
    expect(model.runId).toBe(started.id);
    expect(model.backend).toBe('cpu');
    expect(model.config).toEqual({ levels: 2, base: 4, inChannels: 1, labels: 1 });
    expect(model.normalisation).toEqual({ kind: 'ct-window', center: -600, width: 1500 });
    expect(Object.keys(model.trainingData['cases'] as object)).toHaveLength(6);
    const progress = events.filter((e) => e.event === 'training:progress');
    expect(progress.some((e) => (e.payload as { kind: string }).kind === 'epoch')).toBe(true);
    expect(
      events.some(
        (e) => e.event === 'training:status' && (e.payload as { status: string }).status === 'completed',
      ),
    ).toBe(true);
  });
});

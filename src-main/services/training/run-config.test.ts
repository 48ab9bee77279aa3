// A run's defaults are the recipe (the quality benchmark's, less its crop-specific tricks): the raters'
// agreement, a moving average of the weights with a constant learning rate, test-time flips where they pay,
// the best epoch kept, a third of the crops on foreground, batch 16; 2.5D and the crop size from the
// project's volumes. Each can be turned off, and runs stored before these settings read as they trained.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { EMA_DECAY, resolveRunConfig, storedConfig, trainConfig, withDataDefaults } from './run-config';

const ws = openWorkspace(path.join(tempDir('concord-run-config-'), 'ws'));
afterAll(() => ws.close());

describe('run configuration', () => {
  it('defaults to the recipe', () => {
    const c = resolveRunConfig(ws.db, { projectId: 1 });
    expect(c).toMatchObject({
      target: 'agreement',
      ema: true,
      tta: true,
      calibrateThreshold: true,
      keepBest: true,
      foregroundFraction: 1 / 3,
      batchSize: 16,
      epochs: 60,
      learningRate: 1e-3,
      neighbours: null,
      cropSize: null,
      members: 1,
      splitBy: 'case',
      refit: true,
    });
    const t = trainConfig(withDataDefaults(c, [[128, 128, 9]]));
    expect(t).toMatchObject({
      averageDecay: EMA_DECAY,
      schedule: 'constant',
      keepBest: true,
      tta: true,
      calibrateThreshold: true,
      foregroundFraction: 1 / 3,
      cropSize: 64,
      refit: true,
      // The slice and its neighbours, then the two coordinate planes; one network.
      unet: { inChannels: 5, coordinates: true },
    });
    expect(trainConfig(withDataDefaults(c, [[128, 128, 9]])).unet).not.toHaveProperty('members');
    const plain = resolveRunConfig(ws.db, { projectId: 1, coordinates: false });
    expect(trainConfig(withDataDefaults(plain, [[128, 128, 9]])).unet).toEqual({
      levels: 4,
      base: 16,
      inChannels: 3,
      labels: 1,
    });
    expect(() => resolveRunConfig(ws.db, { projectId: 1, coordinates: 'no' as unknown as boolean })).toThrow(
      /coordinates must be true or false/,
    );
  });

  it('members: one network by default, an ensemble of 2..8 on request, one for a semi-supervised run', () => {
    const five = resolveRunConfig(ws.db, { projectId: 1, members: 5 });
    expect(five.members).toBe(5);
    expect(trainConfig(withDataDefaults(five, [[128, 128, 9]])).unet).toMatchObject({ members: 5 });
    for (const members of [0, 9, 1.5])
      expect(() => resolveRunConfig(ws.db, { projectId: 1, members })).toThrow(
        /members must be an integer in 1\.\.8/,
      );
    expect(resolveRunConfig(ws.db, { projectId: 1, semiSupervised: true }).members).toBe(1);
    expect(() => resolveRunConfig(ws.db, { projectId: 1, semiSupervised: true, members: 2 })).toThrow(
      /a semi-supervised run trains one network/,
    );
    // A run stored before ensembles trained one network.
    expect(storedConfig({ epochs: 3 }).members).toBe(1);
  });

  it('splitBy: case by default, subject on request, nothing else; runs stored before split by case', () => {
    expect(resolveRunConfig(ws.db, { projectId: 1, splitBy: 'subject' }).splitBy).toBe('subject');
    expect(() => resolveRunConfig(ws.db, { projectId: 1, splitBy: 'patient' as unknown as 'case' })).toThrow(
      /splitBy is 'case' or 'subject', not 'patient'/,
    );
    expect(storedConfig({ epochs: 3 }).splitBy).toBe('case');
  });

  it('refit: on for one network, off for an ensemble, always for a semi-supervised run; old runs had none', () => {
    expect(resolveRunConfig(ws.db, { projectId: 1, refit: false }).refit).toBe(false);
    expect(
      trainConfig(withDataDefaults(resolveRunConfig(ws.db, { projectId: 1, refit: false }), [[64, 64, 1]])),
    ).not.toHaveProperty('refit');
    expect(resolveRunConfig(ws.db, { projectId: 1, members: 3 }).refit).toBe(false);
    expect(resolveRunConfig(ws.db, { projectId: 1, semiSupervised: true }).refit).toBe(true);
    expect(resolveRunConfig(ws.db, { projectId: 1, semiSupervised: true, refit: true }).refit).toBe(true);
    expect(() => resolveRunConfig(ws.db, { projectId: 1, members: 3, refit: true })).toThrow(
      /an ensemble \(members 3\) does not refit/,
    );
    expect(() => resolveRunConfig(ws.db, { projectId: 1, semiSupervised: true, refit: false })).toThrow(
      /a semi-supervised run needs its refit/,
    );
    expect(() => resolveRunConfig(ws.db, { projectId: 1, refit: 'yes' as unknown as boolean })).toThrow(
      /refit must be true or false/,
    );
    expect(storedConfig({ epochs: 3 }).refit).toBe(false);
  });

  it('2.5D when a volume has neighbours; crops of 128 or half the smallest slice side', () => {
    const c = resolveRunConfig(ws.db, { projectId: 1 });
    expect(withDataDefaults(c, [[512, 512, 300]])).toMatchObject({ neighbours: 1, cropSize: 128 });
    expect(withDataDefaults(c, [[512, 512, 1]])).toMatchObject({ neighbours: 0, cropSize: 128 });
    expect(
      withDataDefaults(c, [
        [128, 128, 1],
        [512, 512, 1],
      ]),
    ).toMatchObject({ neighbours: 0, cropSize: 64 });
    expect(withDataDefaults(c, [[32, 32, 6]])).toMatchObject({ neighbours: 1, cropSize: 16 });
    expect(withDataDefaults(c, [[100, 60, 2]])).toMatchObject({ cropSize: 24 }); // a multiple of 8
    // What the request says stands.
    const set = resolveRunConfig(ws.db, { projectId: 1, neighbours: 0, cropSize: 96 });
    expect(withDataDefaults(set, [[512, 512, 300]])).toMatchObject({ neighbours: 0, cropSize: 96 });
  });

  it('one default batch on every backend; a run stored with a webgpu batch resumes with it', () => {
    const dflt = resolveRunConfig(ws.db, { projectId: 1 });
    expect(dflt).toMatchObject({ batchSize: 16, webgpuBatchSize: null });
    expect(trainConfig(withDataDefaults(dflt, [[128, 128, 9]]))).not.toHaveProperty('webgpuBatchSize');
    const named = resolveRunConfig(ws.db, { projectId: 1, batchSize: 8 });
    expect(named).toMatchObject({ batchSize: 8, webgpuBatchSize: null });
    // Stored while webgpu defaulted to 32 crops: the trainer still gets 32 for it there.
    const stored = storedConfig({ ...dflt, webgpuBatchSize: 32 } as Record<string, unknown>);
    expect(trainConfig(withDataDefaults(stored, [[128, 128, 9]]))).toMatchObject({ webgpuBatchSize: 32 });
    const old = { ...dflt } as Record<string, unknown>;
    delete old['webgpuBatchSize'];
    expect(storedConfig(old).webgpuBatchSize).toBeNull();
  });

  it('each part of the recipe turns off', () => {
    const c = resolveRunConfig(ws.db, {
      projectId: 1,
      target: 'vote',
      ema: false,
      tta: false,
      calibrateThreshold: false,
      keepBest: false,
      foregroundFraction: 0,
    });
    expect(c).toMatchObject({
      target: 'vote',
      ema: false,
      tta: false,
      calibrateThreshold: false,
      keepBest: false,
      foregroundFraction: 0,
    });
    const t = trainConfig(withDataDefaults(c, [[64, 64, 4]]));
    expect(t.averageDecay).toBeUndefined();
    expect(t).toMatchObject({
      schedule: 'cosine',
      keepBest: false,
      tta: false,
      calibrateThreshold: false,
      foregroundFraction: 0,
    });
  });

  it('refuses bad values with one line', () => {
    expect(() => resolveRunConfig(ws.db, { projectId: 1, foregroundFraction: 1.5 })).toThrow(
      'foregroundFraction must be in [0, 1]',
    );
    expect(() => resolveRunConfig(ws.db, { projectId: 1, ema: 'yes' as unknown as boolean })).toThrow(
      'ema must be true or false',
    );
  });

  it('a run stored before the recipe reads as it trained', () => {
    const old = storedConfig({ projectId: 1, target: 'vote', epochs: 20, neighbours: 0, cropSize: 128 });
    expect(old).toMatchObject({
      ema: false,
      tta: false,
      keepBest: false,
      calibrateThreshold: false,
      foregroundFraction: 1 / 3,
      coordinates: false,
    });
    const t = trainConfig({ ...old, levels: 4, base: 16, batchSize: 8 } as typeof old);
    expect(t.schedule).toBe('cosine');
    // A resumed old run trains the network it started with: no coordinate planes.
    expect(t.unet).toEqual({ levels: 4, base: 16, inChannels: 1, labels: 1 });
  });

  it('labels: those the masks use, in one model; a list or one label when asked; old runs read their one', () => {
    const c = resolveRunConfig(ws.db, { projectId: 1 });
    expect(c.labels).toBeNull();
    const both = withDataDefaults(c, [[32, 32, 6]], [2, 1]);
    expect(both).toMatchObject({ labels: [1, 2], label: 1 });
    expect(trainConfig(both).unet.labels).toBe(2); // softmax over background and the two
    expect(withDataDefaults(c, [[32, 32, 6]], [3])).toMatchObject({ labels: [3], label: 3 });
    expect(withDataDefaults(c, [[32, 32, 6]], [])).toMatchObject({ labels: [1], label: 1 });
    expect(trainConfig(withDataDefaults(c, [[32, 32, 6]], [])).unet.labels).toBe(1);
    // What the request says stands: a subset, or one label (a sigmoid model even where masks have two).
    const subset = resolveRunConfig(ws.db, { projectId: 1, labels: [4, 2] });
    expect(withDataDefaults(subset, [[32, 32, 6]], [1, 2, 4]).labels).toEqual([2, 4]);
    const one = resolveRunConfig(ws.db, { projectId: 1, label: 2 });
    expect(withDataDefaults(one, [[32, 32, 6]], [1, 2])).toMatchObject({ labels: [2], label: 2 });
    expect(() => resolveRunConfig(ws.db, { projectId: 1, labels: [1, 1] })).toThrow(/not repeat/);
    expect(() => resolveRunConfig(ws.db, { projectId: 1, labels: [0] })).toThrow(/1\.\.255/);
    expect(() => resolveRunConfig(ws.db, { projectId: 1, labels: [] })).toThrow(/non-empty/);
    expect(() => resolveRunConfig(ws.db, { projectId: 1, label: 1, labels: [1, 2] })).toThrow(
      /either label or labels/,
    );
    // A run stored before the list existed trained its one label.
    expect(storedConfig({ label: 3, epochs: 2 }).labels).toEqual([3]);
  });
});

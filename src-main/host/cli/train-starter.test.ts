// `concord train --base-model starter`: the installation's starter model (resources/starter-model, here a
// tiny one in a resources folder named by CONCORD_RESOURCES) enters the workspace's registry once and the
// run starts from it; an installation without one says so (exit 2) and trains nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels } from '../../db/repositories/models';
import { exportModel, verifyPackage, writePackage } from '../../services/training/model-package';
import { trainingFixture, type TrainingFixture } from '../../services/test-support/training';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { STARTER_PACKAGE } from '../starter-model';
import { cli } from './test-support';

let f: TrainingFixture;
const dir = tempDir('concord-cli-starter-');
const resources = path.join(dir, 'resources');

beforeAll(async () => {
  f = await trainingFixture(dir, 4, 0);
  const t = f.services.training;
  const small = { levels: 2, base: 4, cropSize: 16, batchSize: 4, backend: 'cpu', threads: 1 } as const;
  const run = await t.wait(
    (await t.start({ projectId: f.projectId, target: 'vote', epochs: 1, ...small }, 't', () => undefined)).id,
  );
  const exported = await exportModel(f.services.app.workspace, run.modelId!, dir, 't');
  const { manifest, weights } = verifyPackage(exported);
  const card = {
    id: 'cli-test-starter',
    data: { name: 'discs', source: 'test', cases: 4, slices: 24, patients: [] },
    licence: 'CC BY 3.0',
    attribution: 'test',
    recipe: { commands: [], config: {}, trainSeconds: null },
    metrics: { heldOutDice: 0.1, heldOutCases: 1, heldOutPatients: [], reference: 'vote' },
  };
  fs.mkdirSync(path.join(resources, 'starter-model'), { recursive: true });
  writePackage(
    path.join(resources, 'starter-model', STARTER_PACKAGE),
    { ...manifest, name: 'Tiny starter', trainingData: { starter: card } },
    weights,
  );
  f.services.close();
  process.env['CONCORD_TRAINER_FILE'] = f.trainerFile;
});
afterAll(() => {
  delete process.env['CONCORD_TRAINER_FILE'];
  delete process.env['CONCORD_RESOURCES'];
});

const train = () =>
  cli(
    'train',
    '--workspace',
    f.wsDir,
    '--project',
    'Synthetic',
    '--target',
    'vote',
    '--epochs',
    '1',
    '--base-model',
    'starter',
    '--backend',
    'cpu',
    '--threads',
    '1',
    '--json',
  );

describe('concord train --base-model starter', () => {
  it('without a starter in the installation: one line, exit 2, no run', async () => {
    process.env['CONCORD_RESOURCES'] = path.join(dir, 'empty');
    const r = await train();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/this installation has no starter model/);
    const ws = openWorkspace(f.wsDir);
    try {
      expect(ws.db.prepare('SELECT COUNT(*) AS n FROM training_runs').get()).toEqual({ n: 1 });
    } finally {
      ws.close();
    }
  });

  it('adds the starter once and fine-tunes it', async () => {
    process.env['CONCORD_RESOURCES'] = resources;
    for (let i = 0; i < 2; i++) {
      const r = await train();
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.status).toBe('completed');
      const ws = openWorkspace(f.wsDir);
      try {
        const starters = listModels(ws.db).filter((m) => m.name === 'Tiny starter');
        expect(starters).toHaveLength(1);
        expect(out.config.baseModelId).toBe(starters[0]!.id);
      } finally {
        ws.close();
      }
    }
  });
});

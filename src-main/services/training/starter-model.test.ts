// The starter model in a workspace's registry: a new workspace gets it with its card, a second call or a
// reopened workspace does not add it again, a run can start from it (transfer), and a package that is no
// starter is refused. The package here is a tiny model trained on the synthetic fixture, given a card; the
// bundled one (resources/starter-model) is checked to verify and to carry its LIDC card.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StarterCard } from '../../core/model';
import { starterCardOf } from '../../core/training/starter-card';
import { verifyAudit } from '../../db/audit';
import { getModel, listModels } from '../../db/repositories/models';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { SMALL, trainingFixture, type TrainingFixture } from '../test-support/training';
import { exportModel, verifyPackage, writePackage, type PackageManifest } from './model-package';
import { ensureStarterModel } from './starter-model';

const dir = tempDir('concord-starter-');
let f: TrainingFixture;
let pkg = '';

const CARD: StarterCard = {
  id: 'test-starter',
  data: { name: 'synthetic discs', source: 'test fixture', cases: 4, slices: 24, patients: ['P1', 'P2'] },
  licence: 'CC BY 3.0',
  attribution: 'made by the test',
  recipe: { commands: ['concord train …'], config: { epochs: 2 }, trainSeconds: 1 },
  metrics: { heldOutDice: 0.5, heldOutCases: 2, heldOutPatients: ['P3'], reference: 'vote' },
};

/** A copy of an exported package with `trainingData` replaced. */
function repack(from: string, to: string, trainingData: Record<string, unknown>): string {
  const { manifest, weights } = verifyPackage(from);
  const m: PackageManifest = { ...manifest, name: 'Test starter', trainingData };
  writePackage(to, m, weights);
  return to;
}

beforeAll(async () => {
  f = await trainingFixture(dir, 4);
  const t = f.services.training;
  const run = await t.wait(
    (
      await t.start(
        { projectId: f.projectId, target: 'vote', epochs: 2, ...SMALL, seed: 3 },
        'tester',
        () => undefined,
      )
    ).id,
  );
  expect(run.status).toBe('completed');
  const exported = await exportModel(f.services.app.workspace, run.modelId!, dir, 'tester');
  pkg = repack(exported, path.join(dir, 'starter.concord-model'), { starter: CARD });
});
afterAll(() => f?.services.close());

describe('the starter model in the registry', () => {
  it('a new workspace lists it once, with its card, however often it is opened', async () => {
    const wsDir = path.join(dir, 'new-ws');
    let ws = openWorkspace(wsDir);
    const first = await ensureStarterModel(ws, pkg, 'concord:starter');
    expect(first?.added).toBe(true);
    const models = listModels(ws.db);
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ projectId: null, origin: 'imported', name: 'Test starter' });
    expect(starterCardOf(models[0]!.trainingData)).toEqual(CARD);
    // Again in the same session, and after reopening: found, not added.
    expect(await ensureStarterModel(ws, pkg, 'concord:starter')).toMatchObject({
      added: false,
      model: { id: first!.model.id },
    });
    ws.close();
    ws = openWorkspace(wsDir);
    try {
      expect((await ensureStarterModel(ws, pkg, 'concord:starter'))?.added).toBe(false);
      expect(listModels(ws.db)).toHaveLength(1);
      const audit = ws.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'model.starter'").get();
      expect(audit).toEqual({ n: 1 });
      expect(verifyAudit(ws.db).intact).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('an installation without the package adds nothing; a package without a card is refused', async () => {
    const ws = openWorkspace(path.join(dir, 'other-ws'));
    try {
      expect(await ensureStarterModel(ws, path.join(dir, 'absent.concord-model'), 'x')).toBeNull();
      const plain = repack(pkg, path.join(dir, 'plain.concord-model'), { target: 'vote' });
      await expect(ensureStarterModel(ws, plain, 'x')).rejects.toThrow(/no starter card/);
      expect(listModels(ws.db)).toHaveLength(0);
    } finally {
      ws.close();
    }
  });

  it('a run starts from it (transfer) and its model descends from the starter', async () => {
    const ws = f.services.app.workspace;
    const starter = (await ensureStarterModel(ws, pkg, 'concord:starter'))!.model;
    const t = f.services.training;
    const run = await t.wait(
      (
        await t.start(
          {
            projectId: f.projectId,
            target: 'vote',
            epochs: 1,
            baseModelId: starter.id,
            seed: 4,
            threads: 1,
            members: 3,
          },
          'tester',
          () => undefined,
        )
      ).id,
    );
    expect(run.status).toBe('completed');
    expect(run.baseModelId).toBe(starter.id);
    const tuned = getModel(ws.db, run.modelId!)!;
    expect(tuned.parentModelId).toBe(starter.id);
    // An ensemble of 3: each of its networks fine-tuned from the starter's one.
    expect(tuned.config).toEqual({ ...starter.config, members: 3 });
    expect(t.detail(run.id).log).toMatch(/member 3\/3: initial weights from/);
    // The fine-tuned model is the project's own, not a second starter.
    expect(starterCardOf(tuned.trainingData)).toBeNull();
  });
});

describe('the bundled starter package', () => {
  const bundled = path.join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'resources',
    'starter-model',
    'lidc-nodules.concord-model',
  );
  it('verifies, stays small, and carries the LIDC card: data, licence, recipe, held-out Dice', () => {
    const { manifest, weights } = verifyPackage(bundled);
    expect(weights.byteLength).toBeLessThan(4 * 1024 * 1024);
    const card = starterCardOf(manifest.trainingData)!;
    expect(card.data.name).toMatch(/LIDC-IDRI/);
    expect(card.licence).toMatch(/CC BY 3\.0/);
    expect(card.attribution).toMatch(/National Cancer Institute/);
    expect(card.recipe.commands.join('\n')).toMatch(/concord train/);
    expect(card.metrics.heldOutDice).toBeGreaterThan(0);
    // The held-out patients are not among those it was trained on.
    expect(card.data.patients.filter((p) => card.metrics.heldOutPatients.includes(p))).toEqual([]);
    expect(fs.existsSync(path.join(bundled, '..', 'README.md'))).toBe(true);
  });
});

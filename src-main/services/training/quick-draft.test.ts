// The quick draft through the product: `inference:run` with quick: true runs the trainer's quick path and
// stores an AI draft on the volume's grid whose provenance says it was quick (scale, body box), without the
// flips even for a model whose drafts use them (a full draft of that model still does); a quick flag that is
// not a boolean is refused before anything runs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Events, EventChannel } from '@contract';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { getRevision } from '../../db/repositories/revisions';
import { tempDir } from '../../test-support/tmp';
import { decodeMask } from '../../workspace/mask-codec';
import { dispatch } from '../dispatch';
import { DIMS, SMALL, trainingFixture, type TrainingFixture } from '../test-support/training';

let f: TrainingFixture;
let modelId = 0;
const dir = tempDir('concord-quick-draft-');

beforeAll(async () => {
  f = await trainingFixture(dir, 4, 1);
  const t = f.services.training;
  const run = await t.wait(
    (
      await t.start(
        { projectId: f.projectId, target: 'vote', epochs: 1, ...SMALL, seed: 3 },
        'tester',
        () => undefined,
      )
    ).id,
  );
  expect(run.status).toBe('completed');
  modelId = run.modelId!;
  // Running a model is a reviewer's act (the role is read from the workspace, not from the context).
  f.services.app.workspace.db.prepare("UPDATE annotators SET role = 'reviewer' WHERE name = 'Bob'").run();
});
afterAll(() => f?.services.close());

function asReviewer(name: string) {
  const a = findAnnotatorByName(f.services.app.workspace.db, name)!;
  const progress: unknown[] = [];
  const ctx = f.services.context(
    <E extends EventChannel>(event: E, payload: Events[E]) => {
      if (event === 'inference:progress') progress.push(payload);
    },
    { annotator: { id: a.id, name: a.name, role: 'reviewer' } },
  );
  return {
    progress,
    run: (req: unknown) => dispatch(f.services.handlers, 'inference:run', req as never, ctx, () => undefined),
  };
}

it('a quick AI draft: on the volume grid, quick in its provenance', async () => {
  const ws = f.services.app.workspace;
  const volumeId = f.volumes.get('C4')!;
  // The model's drafts use the flips (as a run sets when they scored higher on validation).
  const row = ws.db.prepare('SELECT config_json FROM models WHERE id = ?').get(modelId) as {
    config_json: string;
  };
  ws.db
    .prepare('UPDATE models SET config_json = ? WHERE id = ?')
    .run(JSON.stringify({ ...JSON.parse(row.config_json), threshold: 0.5, tta: true }), modelId);
  const bob = asReviewer('Bob');
  const r = await bob.run({ jobId: 'quick-1', modelId, volumeIds: [volumeId], quick: true });
  if (!r.ok) throw new Error(r.error.message);
  const [d] = r.value as { revisionId: number; foregroundVoxels: number }[];
  const rev = getRevision(ws.db, d!.revisionId)!;
  expect(rev.provenance).toMatchObject({
    method: `AI quick draft (model ${modelId})`,
    parameters: { kind: 'ai-draft', modelId, quick: { scale: 1, bodyBox: true }, tta: false },
  });
  const full = await bob.run({ jobId: 'full-1', modelId, volumeIds: [volumeId] });
  if (!full.ok) throw new Error(full.error.message);
  const fullRev = getRevision(ws.db, (full.value as { revisionId: number }[])[0]!.revisionId)!;
  expect(fullRev.provenance.parameters).toMatchObject({ tta: true });
  expect(fullRev.provenance.parameters).not.toHaveProperty('quick');
  const labels = decodeMask(await ws.blobs.read(rev.blobSha256), DIMS).labels;
  expect(labels).toHaveLength(DIMS[0] * DIMS[1] * DIMS[2]);
  expect(new Set(labels).size).toBeLessThanOrEqual(2);
  expect(d!.foregroundVoxels).toBe(labels.reduce((n, v) => n + (v ? 1 : 0), 0));
  expect(bob.progress.length).toBeGreaterThan(0);
});

it('refuses a quick flag that is not true or false', async () => {
  const r = await asReviewer('Bob').run({
    jobId: 'quick-2',
    modelId,
    volumeIds: [f.volumes.get('C4')!],
    quick: 'yes',
  });
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error.message).toMatch(/quick must be true or false/);
});

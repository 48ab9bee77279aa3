// Model packages (export, verified import, tampering refused), inference as AI drafts in the trainer
// process, starting an annotation from a draft (blinding kept), the draft-vs-final Dice, active learning,
// and the training targets and split.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, EventChannel, Req, RequestChannel, Res } from '@contract';
import { verifyAudit } from '../../db/audit';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { listAnnotationsOfVolume } from '../../db/repositories/annotations';
import { getModel, listModels } from '../../db/repositories/models';
import { getRevision, listRevisions } from '../../db/repositories/revisions';
import { tempDir } from '../../test-support/tmp';
import { decodeMask } from '../../workspace/mask-codec';
import { dispatch } from '../dispatch';
import { saveDerivedMask } from '../masks/derived';
import { splitCases } from './dataset';
import { draftVolumes } from './inference';
import { exportModel, importModel } from './model-package';
import { selectTargets } from './targets';
import { DIMS, SMALL, trainingFixture, type TrainingFixture } from '../test-support/training';
import { rankByUncertainty } from './uncertainty';
import { staple } from '../../core/consensus/staple';

let f: TrainingFixture;
let modelId = 0;
const dir = tempDir('concord-models-');

beforeAll(async () => {
  f = await trainingFixture(dir, 4, 2);
  const t = f.services.training;
  const run = await t.wait(
    (
      await t.start(
        { projectId: f.projectId, target: 'vote', epochs: 2, ...SMALL, seed: 5 },
        'tester',
        () => undefined,
      )
    ).id,
  );
  expect(run.status).toBe('completed');
  modelId = run.modelId!;
});
afterAll(() => f?.services.close());

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function as(name: string, role: 'annotator' | 'reviewer' | 'admin' = 'annotator') {
  const ws = f.services.app.workspace;
  const a = findAnnotatorByName(ws.db, name)!;
  const events: { event: EventChannel; payload: unknown }[] = [];
  const ctx = f.services.context(
    <E extends EventChannel>(event: E, payload: Events[E]) => void events.push({ event, payload }),
    { annotator: { id: a.id, name: a.name, role } },
  );
  return {
    events,
    async ok<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Res<C>> {
      const r = await dispatch(f.services.handlers, channel, req, ctx, () => undefined);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
  };
}

describe('model packages', () => {
  it('exports weights + manifest + SHA256SUMS and imports them back, verified', async () => {
    const ws = f.services.app.workspace;
    const out = await exportModel(ws, modelId, dir, 'tester');
    expect(fs.readdirSync(out).sort()).toEqual(['SHA256SUMS', 'manifest.json', 'weights.bin']);
    const sums = fs.readFileSync(path.join(out, 'SHA256SUMS'), 'utf8');
    expect(sums).toBe(
      `${sha(path.join(out, 'manifest.json'))}  manifest.json\n${sha(path.join(out, 'weights.bin'))}  weights.bin\n`,
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'concord-model',
      // Version 4: the model takes coordinate planes (unet-config.ts), which version-3 readers could not
      // build; it also z-scores its inputs (version 2).
      formatVersion: 4,
      architecture: 'unet2d',
      config: {
        levels: 2,
        base: 4,
        coordinates: true,
        input: { mean: expect.any(Number), std: expect.any(Number) },
      },
    });
    expect(manifest.config.input.std).toBeGreaterThan(0);
    const imported = await importModel(ws, out, f.projectId, 'tester');
    expect(imported.origin).toBe('imported');
    expect(imported.weightsSha256).toBe(listModels(ws.db).find((m) => m.id === modelId)!.weightsSha256);
    await expect(exportModel(ws, modelId, dir, 'tester')).rejects.toThrow(/already exists/);
  });

  it('draft settings travel with the package; a package or model from before them reads 0.5, no flips', async () => {
    const ws = f.services.app.workspace;
    // A model whose run kept the flips at a threshold of 0.625 (as one trained on four raters' agreement).
    const row = ws.db.prepare('SELECT config_json FROM models WHERE id = ?').get(modelId) as {
      config_json: string;
    };
    const withSettings = JSON.stringify({ ...JSON.parse(row.config_json), threshold: 0.625, tta: true });
    ws.db.prepare('UPDATE models SET config_json = ? WHERE id = ?').run(withSettings, modelId);
    expect(getModel(ws.db, modelId)!.inference).toEqual({ threshold: 0.625, tta: true });
    const out = await exportModel(ws, modelId, tempDir(), 'tester');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).inference).toEqual({
      threshold: 0.625,
      tta: true,
    });
    expect((await importModel(ws, out, f.projectId, 'tester')).inference).toEqual({
      threshold: 0.625,
      tta: true,
    });
    // Written before the settings existed: no inference in the manifest, none in the row.
    const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    delete m.inference;
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(m));
    fs.writeFileSync(
      path.join(out, 'SHA256SUMS'),
      `${sha(path.join(out, 'manifest.json'))}  manifest.json\n${sha(path.join(out, 'weights.bin'))}  weights.bin\n`,
    );
    const old = await importModel(ws, out, f.projectId, 'tester');
    expect(old.inference).toEqual({ threshold: 0.5, tta: false });
    // A registry row from before them: config_json without threshold and tta.
    const { threshold: _t, tta: _f, ...bare } = JSON.parse(row.config_json) as Record<string, unknown>;
    ws.db.prepare('UPDATE models SET config_json = ? WHERE id = ?').run(JSON.stringify(bare), modelId);
    expect(getModel(ws.db, modelId)!.inference).toEqual({ threshold: 0.5, tta: false });
    ws.db.prepare('UPDATE models SET config_json = ? WHERE id = ?').run(row.config_json, modelId);
  });

  it('refuses a package that does not verify and changes nothing', async () => {
    const ws = f.services.app.workspace;
    const src = await exportModel(ws, modelId, tempDir(), 'tester');
    const copy = (name: string) => {
      const d = path.join(tempDir(), name);
      fs.cpSync(src, d, { recursive: true });
      return d;
    };
    const resum = (d: string) =>
      fs.writeFileSync(
        path.join(d, 'SHA256SUMS'),
        `${sha(path.join(d, 'manifest.json'))}  manifest.json\n${sha(path.join(d, 'weights.bin'))}  weights.bin\n`,
      );
    const before = listModels(ws.db).length;
    const auditBefore = (ws.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;

    const flipped = copy('flipped');
    const w = fs.readFileSync(path.join(flipped, 'weights.bin'));
    w[w.length - 3]! ^= 0x40;
    fs.writeFileSync(path.join(flipped, 'weights.bin'), w);
    await expect(importModel(ws, flipped, null, 't')).rejects.toThrow(
      /weights.bin does not match its checksum.*nothing was imported/,
    );

    const arch = copy('arch');
    const m = JSON.parse(fs.readFileSync(path.join(arch, 'manifest.json'), 'utf8'));
    m.config.base = 8;
    fs.writeFileSync(path.join(arch, 'manifest.json'), JSON.stringify(m));
    resum(arch);
    await expect(importModel(ws, arch, null, 't')).rejects.toThrow(/do not match the architecture/);

    const newer = copy('newer');
    const n = JSON.parse(fs.readFileSync(path.join(newer, 'manifest.json'), 'utf8'));
    n.formatVersion = 6;
    fs.writeFileSync(path.join(newer, 'manifest.json'), JSON.stringify(n));
    resum(newer);
    await expect(importModel(ws, newer, null, 't')).rejects.toThrow(/format version 6 is newer/);

    const norm = copy('norm');
    const q = JSON.parse(fs.readFileSync(path.join(norm, 'manifest.json'), 'utf8'));
    q.normalisation = { kind: 'ct-window', center: -600, width: -1 };
    fs.writeFileSync(path.join(norm, 'manifest.json'), JSON.stringify(q));
    resum(norm);
    await expect(importModel(ws, norm, null, 't')).rejects.toThrow(
      /invalid intensity normalisation.*width > 0/,
    );

    const nosums = copy('nosums');
    fs.rmSync(path.join(nosums, 'SHA256SUMS'));
    await expect(importModel(ws, nosums, null, 't')).rejects.toThrow(/no SHA256SUMS/);

    expect(listModels(ws.db)).toHaveLength(before);
    expect((ws.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n).toBe(auditBefore);
  });
});

describe('inference, drafts, active learning', () => {
  it('runs a model on a volume as an AI draft with provenance, slice by slice', async () => {
    const ws = f.services.app.workspace;
    const volumeId = f.volumes.get('C4')!;
    const slices: number[] = [];
    const [d] = await draftVolumes(ws, f.launcher, modelId, [volumeId], 'tester', {
      backend: 'cpu',
      threads: 1,
      onProgress: (p) => slices.push(p.slice),
    });
    // Progress after each batch of 4 slices (the engine's batched inference): slices 0..3, then 4..5.
    expect(slices).toEqual([3, 5]);
    const rev = getRevision(ws.db, d!.revisionId)!;
    // The threshold is the model's own, chosen on its run's validation cases.
    const { threshold } = getModel(ws.db, modelId)!.inference;
    expect(threshold).toBeGreaterThanOrEqual(0.3);
    expect(threshold).toBeLessThanOrEqual(0.9);
    expect(rev.provenance).toMatchObject({
      method: `AI draft (model ${modelId})`,
      parameters: { kind: 'ai-draft', modelId, threshold },
    });
    const labels = decodeMask(await ws.blobs.read(rev.blobSha256), DIMS).labels;
    expect(labels).toHaveLength(DIMS[0] * DIMS[1] * DIMS[2]);
    expect(d!.foregroundVoxels).toBe(labels.reduce((n, v) => n + (v ? 1 : 0), 0));
    expect(d!.meanEntropyBits).toBeGreaterThan(0);
    expect(d!.meanEntropyBits).toBeLessThan(1);
  });

  it('inference cancels: the trainer stops between batches and nothing is stored', async () => {
    const ws = f.services.app.workspace;
    const volumeId = f.volumes.get('C5')!;
    const before = listAnnotationsOfVolume(ws.db, volumeId).length;
    const c = new AbortController();
    const run = draftVolumes(ws, f.launcher, modelId, [volumeId], 'tester', {
      backend: 'cpu',
      threads: 1,
      signal: c.signal,
    });
    setTimeout(() => c.abort(), 0);
    await expect(run).rejects.toThrow(/inference cancelled/);
    expect(listAnnotationsOfVolume(ws.db, volumeId)).toHaveLength(before);
  });

  it('an annotator starts from the draft (blinding kept), and marking it done records draft-vs-final Dice', async () => {
    const ws = f.services.app.workspace;
    const volumeId = f.volumes.get('C4')!;
    const draft = listAnnotationsOfVolume(ws.db, volumeId).find((a) => a.kind === 'derived')!;
    const ann = as('Ann');
    // Not an AI draft: a consensus of other annotators stays blinded.
    const other = f.volumes.get('C0')!;
    const inputs = listAnnotationsOfVolume(ws.db, other).map((a) => a.headRevisionId!);
    const vote = await saveDerivedMask(ws, {
      volumeId: other,
      labels: new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]),
      author: 't',
      derivation: { method: 'majority vote', parameters: {}, inputRevisionIds: inputs },
    });
    await expect(ann.ok('draft:start', { draftAnnotationId: vote.annotationId })).rejects.toThrow(
      /forbidden.*not an AI draft/,
    );

    // Blinded annotators do not see derived annotations in annotation:list, but they do see the AI drafts.
    expect((await ann.ok('annotation:list', { volumeId })).some((a) => a.id === draft.id)).toBe(false);
    expect((await ann.ok('draft:list', { volumeId })).map((a) => a.id)).toEqual([draft.id]);
    expect(await ann.ok('draft:list', { volumeId: other })).toEqual([]);
    const started = await ann.ok('draft:start', { draftAnnotationId: draft.id });
    expect(ann.events).toContainEqual({
      event: 'annotation:changed',
      payload: { annotationId: started.annotationId, headRevisionId: started.revisionId, author: 'Ann' },
    });
    const first = listRevisions(ws.db, started.annotationId)[0]!;
    expect(first.provenance['startedFromDraft']).toMatchObject({ draftAnnotationId: draft.id, modelId });
    expect(first.blobSha256).toBe(getRevision(ws.db, draft.headRevisionId!)!.blobSha256);
    await expect(ann.ok('draft:start', { draftAnnotationId: draft.id })).rejects.toThrow(/conflict/);

    // The annotator corrects the draft: a 4x4x1 box set to the label, then marks it done.
    const corrected = await ann.ok('annotation:commit', {
      annotationId: started.annotationId,
      parentRevisionId: started.revisionId,
      tool: 'brush',
      patch: { box: [0, 4, 0, 4, 0, 1], data: new Uint8Array(16).fill(1) },
    });
    // Stored as a delta over the draft's copy: the outcome below reads it through its chain.
    expect(getRevision(ws.db, corrected.id)!.storage).toBe('delta');
    await ann.ok('worklist:setStatus', { annotationId: started.annotationId, status: 'done' });
    const outcomes = await ann.ok('draft:outcomes', { projectId: f.projectId });
    expect(outcomes).toHaveLength(1);
    const draftLabels = decodeMask(await ws.blobs.read(first.blobSha256), DIMS).labels;
    const fg = draftLabels.reduce((n, v) => n + (v ? 1 : 0), 0);
    let added = 0;
    for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) if (!draftLabels[i + j * DIMS[0]]) added++;
    expect(outcomes[0]!.dice).toBeCloseTo((2 * fg) / (fg + fg + added), 12);
    expect(outcomes[0]!.modelId).toBe(modelId);
    expect(verifyAudit(ws.db).intact).toBe(true);
  });

  it('ranks unlabelled cases by mean voxel entropy, most uncertain first', async () => {
    const ws = f.services.app.workspace;
    const ranked = await rankByUncertainty(ws, f.launcher, f.projectId, modelId, {
      backend: 'cpu',
      threads: 1,
    });
    // C4 was marked done above; C5 is the only unlabelled case left.
    expect(ranked.map((r) => r.caseName)).toEqual(['C5']);
    expect(ranked[0]!.meanEntropyBits).toBeGreaterThan(0);
    const stored = ws.db
      .prepare('SELECT mean_entropy_bits AS b FROM volume_uncertainty WHERE model_id = ? AND volume_id = ?')
      .get(modelId, f.volumes.get('C5'));
    expect((stored as { b: number }).b).toBe(ranked[0]!.meanEntropyBits);
    expect(await as('Ann').ok('activeLearning:stored', { projectId: f.projectId, modelId })).toEqual(ranked);
  });
});

describe('backends', () => {
  it('training:backends probes in a trainer process: cpu starts here, every other row says why', async () => {
    const rows = await as('Bob').ok('training:backends', undefined);
    expect(rows.map((r) => r.backend)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    expect(rows.find((r) => r.backend === 'cpu')!.available).toBe(true);
    expect(rows.filter((r) => r.device !== null)).toHaveLength(1);
    expect(rows.every((r) => r.device !== null || typeof r.reason === 'string')).toBe(true);
  });

  it('a run records why the other backends did not run', () => {
    const run = f.services.training.list(f.projectId)[0]!;
    const detail = f.services.training.detail(run.id);
    expect(detail.backendUnavailable.map((u) => u.backend).sort()).toEqual(['tensorflow', 'wasm', 'webgpu']);
  });
});

describe('augmentation preview', () => {
  it('gives N seeded augmented samples of a slice with the caller own mask moved alongside', async () => {
    const bob = as('Bob');
    const volumeId = f.volumes.get('C1')!;
    const a = await bob.ok('augment:preview', { volumeId, slice: 2, count: 4, seed: 3, cropSize: 16 });
    expect([a.width, a.height, a.samples.length]).toEqual([16, 16, 4]);
    expect(a.normalisation).toEqual({ kind: 'ct-window', center: -600, width: 1500 });
    expect(await bob.ok('augment:preview', { volumeId, slice: 2, count: 4, seed: 3, cropSize: 16 })).toEqual(
      a,
    );
    for (const s of a.samples) {
      expect(s.image).toHaveLength(256);
      // The disc is bright (+40 HU: 0.43 after the window) and the lung dark (-800 HU: 0.1): where the
      // mask says disc, the image is brighter on average, whatever the geometry did.
      const m = s.mask!;
      const mean = (sel: (i: number) => boolean) => {
        const v = s.image.filter((_, i) => sel(i));
        return v.reduce((x, y) => x + y, 0) / Math.max(1, v.length);
      };
      if (m.some((x) => x === 1)) expect(mean((i) => m[i] === 1)).toBeGreaterThan(mean((i) => m[i] === 0));
    }
    await expect(bob.ok('augment:preview', { volumeId, slice: 99, count: 1 })).rejects.toThrow(
      /slice must be 0..5/,
    );
  });
});

describe('targets and split', () => {
  it('vote, staple (soft), one annotator and the signed-off reference', async () => {
    const ws = f.services.app.workspace;
    const vote = await selectTargets(ws, f.projectId, 'vote', 1);
    expect(vote.cases.map((c) => c.caseName)).toEqual(['C0', 'C1', 'C2', 'C3']);
    const bob = await selectTargets(ws, f.projectId, 'annotator:Bob', 1);
    // Bob drew radius r, the middle of the three: the vote equals his mask.
    expect(Buffer.from(vote.cases[0]!.target).equals(Buffer.from(bob.cases[0]!.target))).toBe(true);
    expect(vote.cases[0]!.revisionIds).toHaveLength(3);
    // C4 has only Ann's annotation (started from the draft above); C5 none.
    expect(vote.skipped.map((s) => [s.caseName, s.reason])).toEqual([
      ['C4', '1 annotator mask(s); vote needs two or more'],
      ['C5', '0 annotator mask(s); vote needs two or more'],
    ]);
    const st = await selectTargets(ws, f.projectId, 'staple', 1);
    expect(st.cases[0]!.soft).toBe(true);
    // The target is STAPLE's probability of the three masks, as bytes (255 * W, rounded).
    const masks = await Promise.all(
      listAnnotationsOfVolume(ws.db, f.volumes.get('C0')!)
        .filter((a) => a.kind === 'manual')
        .map(
          async (a) =>
            decodeMask(await ws.blobs.read(getRevision(ws.db, a.headRevisionId!)!.blobSha256), DIMS).labels,
        ),
    );
    const w = staple(masks, { label: 1 }).probability!;
    expect([...st.cases[0]!.target]).toEqual([...w].map((p) => Math.round(p * 255)));
    await expect(selectTargets(ws, f.projectId, 'reference', 1)).rejects.toThrow(
      /no signed-off reference masks/,
    );
    const c0 = f.volumes.get('C0')!;
    const saved = await saveDerivedMask(ws, {
      volumeId: c0,
      labels: bob.cases[0]!.target.map((v) => (v ? 1 : 0)),
      author: 'reviewer',
      derivation: { method: 'reference', parameters: {}, inputRevisionIds: [] },
    });
    const ref = await selectTargets(ws, f.projectId, 'reference', 1);
    expect(ref.cases.map((c) => c.caseName)).toEqual(['C0']);
    expect(ref.cases[0]!.revisionIds).toEqual([saved.revision.id]);
  });

  it('splits by case where cases name no subject, seeded and reproducible', () => {
    const ids = [3, 1, 4, 15, 9, 2, 6, 5];
    const cases = ids.map((id) => ({ id }));
    const a = splitCases(cases, 0.25, 7);
    expect(splitCases(cases, 0.25, 7)).toEqual(a);
    expect(a.validation).toHaveLength(2);
    expect(a).toMatchObject({ by: 'case', validationSubjects: 2, sharedSubjects: 0 });
    expect([...a.train, ...a.validation].sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
    const seeds = new Set([1, 2, 3, 4, 5, 6].map((s) => splitCases(cases, 0.25, s).validation.join()));
    expect(seeds.size).toBeGreaterThan(1);
    expect(() => splitCases([{ id: 1 }], 0.5, 1)).toThrow(/two cases or more/);
  });

  it("split by subject, keeps a subject's cases on one side", () => {
    // Ten people, three cases each, and two cases that name no subject (each a subject of its own).
    const cases = [
      ...Array.from({ length: 30 }, (_, n) => ({ id: n + 1, subject: `P${Math.floor(n / 3)}` })),
      { id: 31, subject: null },
      { id: 32 },
    ];
    const sideOf = (s: { validation: number[] }, id: number) => s.validation.includes(id);
    for (const seed of [1, 2, 3, 4, 5]) {
      const s = splitCases(cases, 0.25, seed, 'subject');
      expect(s.validationSubjects).toBe(3); // round(0.25 * 12 subjects)
      expect(s.sharedSubjects).toBe(0);
      for (let p = 0; p < 10; p++) {
        const sides = new Set([1, 2, 3].map((k) => sideOf(s, 3 * p + k)));
        expect(sides.size).toBe(1);
      }
      expect(s.train.length + s.validation.length).toBe(32);
    }
    // Split by case (the default), the same cases' validation shares people with training, and says so.
    const byCase = splitCases(cases, 0.25, 1);
    expect(byCase.validation).toHaveLength(8);
    const personOf = (id: number) => (id <= 30 ? Math.floor((id - 1) / 3) : -id);
    const shared = byCase.validation.filter((id) => byCase.train.some((t) => personOf(t) === personOf(id)));
    expect(byCase.sharedSubjects).toBe(shared.length);
    expect(byCase.sharedSubjects).toBeGreaterThan(0);
    // A subject named like a case's fallback key stays its own subject.
    const odd = splitCases([{ id: 1, subject: 'c:2' }, { id: 2 }], 0.5, 1, 'subject');
    expect(odd.validationSubjects).toBe(1);
    expect(odd.validation).toHaveLength(1);
    const one = [
      { id: 1, subject: 'P' },
      { id: 2, subject: 'P' },
    ];
    expect(() => splitCases(one, 0.5, 1, 'subject')).toThrow(/two subjects or more/);
    expect(splitCases(one, 0.5, 1).sharedSubjects).toBe(1);
  });
});

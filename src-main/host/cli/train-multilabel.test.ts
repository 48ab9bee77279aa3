// A project of two labels (a disc, label 1, and a square, label 2, marked by three annotators) through
// `concord train` and `concord infer` with no label options: one model of both labels is trained, the
// registry lists its labels and its validation Dice per label, and its drafts carry both label values.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../../io/nifti/read';
import { rankByUncertainty } from '../../services/training/uncertainty';
import { openWorkspace } from '../../workspace/workspace';
import { trainingFixture, type TrainingFixture } from '../../services/test-support/training';
import { tempDir } from '../../test-support/tmp';
import { cli } from './test-support';

let f: TrainingFixture;
const dir = tempDir('concord-cli-labels-');
const SMALL = [
  '--levels',
  '2',
  '--base',
  '8',
  '--crop',
  '16',
  '--batch',
  '4',
  '--backend',
  'cpu',
  '--threads',
  '1',
  '--members',
  '1',
];

beforeAll(async () => {
  f = await trainingFixture(dir, 5, 1, true);
  f.services.close();
  process.env['CONCORD_TRAINER_FILE'] = f.trainerFile;
});
afterAll(() => {
  delete process.env['CONCORD_TRAINER_FILE'];
});

describe('a project of two labels', () => {
  let modelId = 0;

  it('train: one model of both labels, validation Dice per label in the output and the registry', async () => {
    const r = await cli(
      'train',
      '--workspace',
      f.wsDir,
      '--project',
      'Synthetic',
      '--epochs',
      '30',
      '--lr',
      '0.01',
      ...SMALL,
      // Without the coordinate planes: the package stays format 3, the several-labels version.
      '--no-coordinates',
      '--json',
    );
    // The validated epochs report each label; the refit's on every case (the default) validate nothing.
    expect(r.stderr).toMatch(
      /epoch 30\/60: loss [\d.]+, validation Dice [\d.]+ \(label 1 [\d.]+, label 2 [\d.]+\)/,
    );
    expect(r.stderr).toMatch(/epoch 60\/60: loss [\d.]+, validation Dice n\/a,/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.labels).toEqual([
      { value: 1, name: 'Lesion' },
      { value: 2, name: 'Label 2' },
    ]);
    expect(Object.keys(out.labelDice)).toEqual(['1', '2']);
    modelId = out.modelId;
    const models = JSON.parse((await cli('models', 'list', '--workspace', f.wsDir, '--json')).stdout);
    const m = models.find((x: { id: number }) => x.id === modelId);
    // Softmax over background and the two labels; the registry row records them and their Dice.
    expect(m.config.labels).toBe(2);
    expect(m.formatVersion).toBe(3);
    expect(m.labels.map((l: { value: number }) => l.value)).toEqual([1, 2]);
    expect(m.metrics.labelDice).toEqual(out.labelDice);
    const mean = (out.labelDice['1'] + out.labelDice['2']) / 2;
    expect(m.metrics.validationDice).toBeCloseTo(mean, 10);
    // Both structures are learned well enough to tell apart.
    expect(out.labelDice['1']).toBeGreaterThan(0.5);
    expect(out.labelDice['2']).toBeGreaterThan(0.5);
  });

  it("infer: the mask carries both label values, with each label's voxels and uncertainty", async () => {
    const volumeId = f.volumes.get('C0')!;
    const file = path.join(dir, 'c0-labels.nii.gz');
    const r = await cli(
      'infer',
      '--workspace',
      f.wsDir,
      '--model',
      String(modelId),
      String(volumeId),
      '--out',
      file,
      '--backend',
      'cpu',
      '--draft',
      '--json',
    );
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    const mask = (await readNifti(file)).data as Uint8Array;
    const count = (v: number) => mask.reduce((n, x) => n + (x === v ? 1 : 0), 0);
    expect(count(1)).toBeGreaterThan(0);
    expect(count(2)).toBeGreaterThan(0);
    expect(new Set(mask)).toEqual(new Set([0, 1, 2]));
    const per = res.results[0].perLabel as { value: number; voxels: number; meanEntropyBits: number }[];
    expect(per.map((u) => [u.value, u.voxels])).toEqual([
      [1, count(1)],
      [2, count(2)],
    ]);
    for (const u of per) expect(u.meanEntropyBits).toBeGreaterThanOrEqual(0);

    // draft --method unet judges each label against the reference (here: an annotator's mask).
    const d = await cli(
      'draft',
      '--workspace',
      f.wsDir,
      '--method',
      'unet',
      '--model',
      String(modelId),
      String(volumeId),
      '--backend',
      'cpu',
      '--json',
    );
    expect(d.code).toBe(0);
    const dr = JSON.parse(d.stdout).results[0];
    expect(dr.perLabel.map((u: { value: number }) => u.value)).toEqual([1, 2]);
  });

  it('active learning ranks the unlabelled case with its uncertainty per label', async () => {
    const ws = openWorkspace(f.wsDir);
    try {
      const rows = await rankByUncertainty(ws, f.launcher, f.projectId, modelId, { backend: 'cpu' });
      expect(rows.map((r) => r.caseName)).toEqual(['C5']);
      const per = rows[0]!.perLabel!;
      expect(per.map((u) => u.value)).toEqual([1, 2]);
      for (const u of per) {
        expect(u.voxels).toBeGreaterThan(0);
        expect(u.meanOneMinusMax).toBeGreaterThanOrEqual(0);
        expect(u.meanOneMinusMax).toBeLessThan(2 / 3); // the top of three probabilities is at least 1/3
      }
    } finally {
      ws.close();
    }
  });

  it('its package is format 3, keeps the labels, and one whose labels do not match its outputs is refused', async () => {
    const exp = await cli('models', 'export', String(modelId), dir, '--workspace', f.wsDir, '--json');
    expect(exp.code).toBe(0);
    const pkg = JSON.parse(exp.stdout).path as string;
    const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'manifest.json'), 'utf8'));
    expect(manifest.formatVersion).toBe(3);
    expect(manifest.labels.map((l: { value: number }) => l.value)).toEqual([1, 2]);
    const ok = await cli('models', 'import', pkg, '--workspace', f.wsDir, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).labels).toEqual(manifest.labels);

    const bad = path.join(dir, 'one-label.concord-model');
    fs.cpSync(pkg, bad, { recursive: true });
    const m = { ...manifest, labels: manifest.labels.slice(0, 1) };
    fs.writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify(m));
    const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    fs.writeFileSync(
      path.join(bad, 'SHA256SUMS'),
      `${sha(path.join(bad, 'manifest.json'))}  manifest.json\n${sha(path.join(bad, 'weights.bin'))}  weights.bin\n`,
    );
    const refused = await cli('models', 'import', bad, '--workspace', f.wsDir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/labels must be 2 distinct values.*nothing was imported/);
  });
});

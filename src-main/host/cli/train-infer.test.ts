// `concord train`, `concord infer` and `concord models` end to end, with the trainer bundled as the build
// bundles it (named in CONCORD_TRAINER_FILE, as when running from source).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../../io/nifti/read';
import { trainingFixture, type TrainingFixture } from '../../services/test-support/training';
import { tempDir } from '../../test-support/tmp';
import { cli } from './test-support';

let f: TrainingFixture;
const dir = tempDir('concord-cli-train-');
const SMALL = [
  '--levels',
  '2',
  '--base',
  '4',
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
  f = await trainingFixture(dir, 5, 0);
  f.services.close();
  process.env['CONCORD_TRAINER_FILE'] = f.trainerFile;
});
afterAll(() => {
  delete process.env['CONCORD_TRAINER_FILE'];
});

describe('concord train / infer / models', () => {
  let modelId = 0;

  it('train --json prints the run id, backend, per-epoch metrics and the model id; progress on stderr', async () => {
    const r = await cli(
      'train',
      '--workspace',
      f.wsDir,
      '--project',
      'Synthetic',
      '--target',
      'vote',
      '--epochs',
      '2',
      ...SMALL,
      '--split-by',
      'subject',
      '--json',
    );
    // The two validated epochs, then the refit's two on every case (the default for one network).
    expect(r.stderr).toMatch(/epoch 4\/4: loss [\d.]+, validation Dice n\/a/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: 'completed', backend: 'cpu', target: 'vote' });
    expect(out.runId).toBeGreaterThan(0);
    expect(out.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([0, 1, 2, 3]);
    expect(out.recipe.refit).toMatchObject({ epochs: 2, keptEpoch: 3, cases: 5 });
    expect(Object.keys(out.caseDice).map(Number).sort()).toEqual(out.split.validation);
    // The cases name no subject: each is its own, and none shares one with training.
    expect(out.split).toMatchObject({ by: 'subject', validationSubjects: out.split.validation.length });
    expect(out.split.sharedSubjects).toBe(0);
    modelId = out.modelId;
    expect(modelId).toBeGreaterThan(0);
  });

  it('infer writes masks on each input grid, for stored volumes and files', async () => {
    const volumeId = f.volumes.get('C0')!;
    const out = path.join(dir, 'c0-mask.nii.gz');
    const r = await cli(
      'infer',
      '--workspace',
      f.wsDir,
      '--model',
      String(modelId),
      String(volumeId),
      '--out',
      out,
      '--backend',
      'cpu',
      '--draft',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.results[0]).toMatchObject({ volumeId, file: out });
    expect(res.results[0].draftAnnotationId).toBeGreaterThan(0);
    const mask = await readNifti(out);
    const image = await readNifti(path.join(dir, `${path.basename(f.wsDir)}-C0.nii`));
    expect(mask.geometry.dims).toEqual(image.geometry.dims);
    expect(mask.geometry.affineLPS.map((x) => +x.toFixed(6))).toEqual(
      image.geometry.affineLPS.map((x) => +x.toFixed(6)),
    );
    expect(mask.scalarType).toBe('uint8');
    expect((mask.data as Uint8Array).reduce((n, v) => n + (v ? 1 : 0), 0)).toBe(
      res.results[0].foregroundVoxels,
    );

    // The folder does not exist yet: infer creates it (two levels deep).
    const outDir = path.join(dir, 'masks', 'model');
    expect(fs.existsSync(path.join(dir, 'masks'))).toBe(false);
    const file = path.join(dir, `${path.basename(f.wsDir)}-C1.nii`);
    const r2 = await cli(
      'infer',
      '--workspace',
      f.wsDir,
      '--model',
      String(modelId),
      file,
      '--out-dir',
      outDir,
      '--backend',
      'cpu',
      '--json',
    );
    expect(r2.code).toBe(0);
    const written = JSON.parse(r2.stdout).results[0].file as string;
    expect(path.dirname(written)).toBe(outDir);
    expect((await readNifti(written)).geometry.dims).toEqual([32, 32, 6]);

    // --threshold overrides the model's own: a lower one drafts at least as many voxels as the default,
    // a higher one at most as many.
    const voxels = async (...extra: string[]): Promise<number> => {
      const r = await cli(
        'infer',
        '--workspace',
        f.wsDir,
        '--model',
        String(modelId),
        file,
        '--out',
        path.join(dir, 'threshold.nii.gz'),
        '--backend',
        'cpu',
        '--json',
        ...extra,
      );
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).results[0].foregroundVoxels as number;
    };
    const [low, own, high] = [
      await voxels('--threshold', '0.01'),
      await voxels(),
      await voxels('--threshold', '0.99'),
    ];
    expect(low).toBeGreaterThanOrEqual(own);
    expect(own).toBeGreaterThanOrEqual(high);
    expect(low).toBeGreaterThan(high);
  });

  it('models list / export / import, and a tampered package is refused with one line (exit 2)', async () => {
    const list = await cli('models', 'list', '--workspace', f.wsDir, '--json');
    expect(JSON.parse(list.stdout).map((m: { id: number }) => m.id)).toEqual([modelId]);
    const exp = await cli('models', 'export', String(modelId), dir, '--workspace', f.wsDir, '--json');
    expect(exp.code).toBe(0);
    const pkg = JSON.parse(exp.stdout).path as string;
    const bad = path.join(dir, 'bad.concord-model');
    fs.cpSync(pkg, bad, { recursive: true });
    fs.appendFileSync(path.join(bad, 'manifest.json'), ' ');
    const refused = await cli('models', 'import', bad, '--workspace', f.wsDir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^concord: .*manifest.json does not match its checksum.*nothing was imported\n$/,
    );
    const ok = await cli('models', 'import', pkg, '--workspace', f.wsDir, '--project', 'Synthetic', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).origin).toBe('imported');
    expect(JSON.parse((await cli('models', 'list', '--workspace', f.wsDir, '--json')).stdout)).toHaveLength(
      2,
    );
  });

  it('bad input: exit 2 with one line', async () => {
    const r = await cli('train', '--workspace', f.wsDir, '--project', 'Nope');
    expect([r.code, r.stderr]).toEqual([2, "concord: no project named 'Nope' in this workspace\n"]);
    const t = await cli(
      'train',
      '--workspace',
      f.wsDir,
      '--project',
      'Synthetic',
      '--target',
      'reference',
      ...SMALL,
    );
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/no signed-off reference masks/);
    const s = await cli('train', '--workspace', f.wsDir, '--project', 'Synthetic', '--split-by', 'patient');
    expect([s.code, s.stderr]).toEqual([2, "concord: splitBy is 'case' or 'subject', not 'patient'\n"]);
    const i = await cli(
      'infer',
      '--workspace',
      f.wsDir,
      '--model',
      '999',
      '1',
      '--out',
      path.join(dir, 'x.nii'),
    );
    expect([i.code, i.stderr]).toEqual([2, 'concord: model 999 does not exist\n']);
    // --out-dir naming a file: refused before inference, with one line, nothing written.
    const notDir = path.join(dir, 'not-a-folder');
    fs.writeFileSync(notDir, 'x');
    const d = await cli('infer', '--workspace', f.wsDir, '--model', '1', '1', '--out-dir', notDir);
    expect([d.code, d.stderr]).toEqual([
      2,
      `concord: ${notDir}: is not a folder; the masks cannot be written there\n`,
    ]);
    expect(fs.readFileSync(notDir, 'utf8')).toBe('x');
    const t1 = await cli(
      'infer',
      '--workspace',
      f.wsDir,
      '--model',
      '1',
      '1',
      '--out-dir',
      dir,
      '--threshold',
      '1',
    );
    expect([t1.code, t1.stderr]).toEqual([
      2,
      "concord: --threshold must be a probability between 0 and 1 (got '1')\n",
    ]);
  });
});

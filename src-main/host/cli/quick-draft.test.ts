// `concord train --preset quick` trains the small network (its shape recorded with the model), and
// `concord infer --quick` runs it as trained, writing a mask on the input's grid; a preset Concord does not
// have is refused with one line (exit 2).
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readNifti } from '../../io/nifti/read';
import { trainingFixture, type TrainingFixture } from '../../services/test-support/training';
import { tempDir } from '../../test-support/tmp';
import { cli } from './test-support';

let f: TrainingFixture;
const dir = tempDir('concord-cli-quick-');
const CPU = ['--crop', '16', '--batch', '4', '--backend', 'cpu', '--threads', '1'];

beforeAll(async () => {
  f = await trainingFixture(dir, 4, 0);
  f.services.close();
  process.env['CONCORD_TRAINER_FILE'] = f.trainerFile;
});
afterAll(() => {
  delete process.env['CONCORD_TRAINER_FILE'];
});

it('train --preset quick, then infer --quick on a file: the small network, the mask on the input grid', async () => {
  const ws = ['--workspace', f.wsDir];
  const t = await cli(
    'train',
    ...ws,
    '--project',
    'Synthetic',
    '--preset',
    'quick',
    '--epochs',
    '1',
    ...CPU,
    '--json',
  );
  expect(t.code).toBe(0);
  const modelId = JSON.parse(t.stdout).modelId as number;
  const models = JSON.parse((await cli('models', 'list', ...ws, '--json')).stdout) as {
    id: number;
    config: { levels: number; base: number };
  }[];
  expect(models.find((m) => m.id === modelId)!.config).toMatchObject({ levels: 3, base: 8 });

  const file = path.join(dir, `${path.basename(f.wsDir)}-C1.nii`);
  const out = path.join(dir, 'quick', 'c1.nii.gz');
  const r = await cli(
    'infer',
    ...ws,
    '--model',
    String(modelId),
    file,
    '--out',
    out,
    '--quick',
    '--backend',
    'cpu',
    '--json',
  );
  expect(r.code).toBe(0);
  const res = JSON.parse(r.stdout);
  expect(res.quick).toBe(true);
  const mask = await readNifti(out);
  expect(mask.geometry.dims).toEqual((await readNifti(file)).geometry.dims);
  expect((mask.data as Uint8Array).reduce((n, v) => n + (v ? 1 : 0), 0)).toBe(
    res.results[0].foregroundVoxels,
  );
});

it('an unknown preset: exit 2, one line, no run', async () => {
  const r = await cli('train', '--workspace', f.wsDir, '--project', 'Synthetic', '--preset', 'tiny', ...CPU);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/--preset must be quick/);
});

// `concord draft`: simple models and a registry U-Net on the same volume, each with its Dice against the
// same revision (the trainer bundled as the build bundles it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { listAnnotationsOfVolume } from '../../db/repositories/annotations';
import { trainingFixture, type TrainingFixture } from '../../services/test-support/training';
import { tempDir } from '../../test-support/tmp';
import { cli } from './test-support';

let f: TrainingFixture;
let bobC0 = 0;
const dir = tempDir('concord-cli-draft-');

beforeAll(async () => {
  f = await trainingFixture(dir, 4, 0);
  const db = f.services.app.workspace.db;
  const bob = findAnnotatorByName(db, 'Bob')!;
  // Bob drew C0's disc at its true radius (4 voxels, centre 12,14, slices 1..4).
  bobC0 = listAnnotationsOfVolume(db, f.volumes.get('C0')!).find(
    (a) => a.annotatorId === bob.id,
  )!.headRevisionId!;
  f.services.close();
  process.env['CONCORD_TRAINER_FILE'] = f.trainerFile;
});
afterAll(() => {
  delete process.env['CONCORD_TRAINER_FILE'];
});

describe('concord draft', () => {
  it('otsu, window and watershed from one click, and a U-Net, each with Dice against the same revision', async () => {
    const volume = String(f.volumes.get('C0')!);
    const common = ['--workspace', f.wsDir, volume, '--against', String(bobC0), '--json'];
    const otsu = await cli('draft', '--method', 'otsu', '--seeds', '12,14,2', ...common);
    expect(otsu.stderr).toBe('');
    expect(otsu.code).toBe(0);
    const o = JSON.parse(otsu.stdout);
    expect(o.results[0]).toMatchObject({
      method: 'otsu',
      volumeId: Number(volume),
      diceAgainst: bobC0,
      dice: 1,
    });
    expect(o.results[0].draftAnnotationId).toBeGreaterThan(0);
    expect(o.results[0].threshold).toBeLessThan(40);

    const win = JSON.parse(
      (await cli('draft', '--method', 'window', '--window', '-100,200', ...common)).stdout,
    );
    expect(win.results[0].dice).toBe(1);

    const ws = JSON.parse(
      (await cli('draft', '--method', 'watershed', '--seeds', '12,14,2', ...common)).stdout,
    );
    // Known answer: without smoothing the floods meet exactly on the disc's edge.
    expect(ws.results[0].dice).toBe(1);

    const train = await cli(
      'train',
      '--workspace',
      f.wsDir,
      '--project',
      'Synthetic',
      '--target',
      'vote',
      '--epochs',
      '1',
      ...[
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
      ],
      '--json',
    );
    expect(train.code).toBe(0);
    const modelId = JSON.parse(train.stdout).modelId as number;
    const unet = await cli(
      'draft',
      '--method',
      'unet',
      '--model',
      String(modelId),
      '--backend',
      'cpu',
      ...common,
    );
    expect(unet.code).toBe(0);
    const u = JSON.parse(unet.stdout).results[0];
    expect(u).toMatchObject({ method: 'unet', modelId, diceAgainst: bobC0 });
    expect(u.dice).toBeGreaterThanOrEqual(0);
    expect(u.dice).toBeLessThanOrEqual(1);
  });

  it('without a signed-off reference or --against, the Dice is null; plain output says so', async () => {
    const r = await cli('draft', '--workspace', f.wsDir, '--method', 'otsu', String(f.volumes.get('C1')!));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^volume \d+: otsu draft, \d+ voxels, annotation \d+ \(no reference to compare with\)\n$/,
    );
  });

  it('bad input: exit 2 with one line', async () => {
    const v = String(f.volumes.get('C1')!);
    const cases: [string[], string][] = [
      [['--method', 'kmeans', v], "--method must be watershed, otsu, window or unet (got 'kmeans')"],
      [
        ['--method', 'watershed', v],
        'watershed needs at least one seed inside the structure (a click on it)',
      ],
      [['--method', 'otsu', '--seeds', '1,2', v], "--seeds takes voxels as i,j,k;i,j,k (got '1,2')"],
      [['--method', 'otsu', '--seeds', '99,0,0', v], 'seed 99,0,0 lies outside the 32×32×6 volume'],
      [['--method', 'otsu', '--model', '1', v], '--model is for --method unet'],
      [['--method', 'window', '--window', '5', v], "--window takes lo,hi in HU (got '5')"],
      [['--method', 'unet', v], 'draft --method unet needs --model <value>'],
      [['--method', 'otsu', '999'], 'volume 999 does not exist'],
    ];
    for (const [args, message] of cases) {
      const r = await cli('draft', '--workspace', f.wsDir, ...args);
      expect([r.code, r.stderr]).toEqual([2, `concord: ${message}\n`]);
    }
  });
});

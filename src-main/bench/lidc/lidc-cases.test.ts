// The LIDC crops as cases (one NIfTI volume per nodule, slices in their numbers' order, one mask per
// rater; training patients in a manifest, held-out ones apart) and the hold-out score of drafts against
// the raters' strict majority, on a small crops folder written here (three patients, 8x8 slices).
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { expect, test } from 'vitest';
import { readVolumes } from '../../io/read-volumes';
import { writeNifti } from '../../io/nifti/write';
import { tempDir } from '../../test-support/tmp';
import { holdoutDice } from './holdout-dice';
import { reservePatients, writeLidcCases } from './lidc-cases';

const S = 8;

function writeGrey(file: string, data: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const png = new PNG({ width: S, height: S, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(data);
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/** Patient p, one nodule, slices 0..2 plus slice 10 (named so that text order differs from number
 *  order); grey = 10 * slice number + p; rater r marks pixels 0..r of row `slice number % S`. */
function writeCrops(root: string): void {
  for (const p of [1, 2, 3]) {
    const base = path.join(root, `LIDC-IDRI-000${p}`, 'nodule-0');
    for (const k of [0, 1, 2, 10]) {
      writeGrey(path.join(base, 'images', `slice-${k}.png`), new Uint8Array(S * S).fill(10 * k + p));
      for (let r = 0; r < 4; r++) {
        const m = new Uint8Array(S * S);
        for (let i = 0; i <= r; i++) m[i + (k % S) * S] = 255;
        writeGrey(path.join(base, `mask-${r}`, `slice-${k}.png`), m);
      }
    }
  }
}

test('nodules become cases; the held-out patients are scored against the raters strict majority', async () => {
  const dir = tempDir('concord-lidc-cases-');
  writeCrops(path.join(dir, 'crops'));
  const out = path.join(dir, 'cases');
  const r = await writeLidcCases(path.join(dir, 'crops'), out, { splitSeed: 1, validation: 0.34 });
  expect([r.trainCases, r.holdoutCases, r.holdoutPatients.length]).toEqual([2, 1, 1]);
  const held = r.holdoutPatients[0]!;
  const p = Number(held.slice(-1));
  const train = JSON.parse(fs.readFileSync(path.join(out, 'train', 'manifest.json'), 'utf8'));
  expect(train.map((c: { case: string }) => c.case)).not.toContain(`${held}-n0`);
  expect(Object.keys(train[0].masks)).toEqual([
    'LIDC rater 1',
    'LIDC rater 2',
    'LIDC rater 3',
    'LIDC rater 4',
  ]);

  // The held-out volume: slices in number order (0, 1, 2, 10), grey g stored as -1350 + g * 1500 / 255.
  const caseDir = path.join(out, 'holdout');
  const [vol] = (await readVolumes([path.join(caseDir, 'images', `${held}-n0.nii.gz`)])).volumes;
  expect(vol!.geometry.dims).toEqual([S, S, 4]);
  const slices = [0, 1, 2, 10];
  slices.forEach((k, z) =>
    expect(vol!.data[z * S * S]).toBe(Math.round(-1350 + ((10 * k + p) * 1500) / 255)),
  );

  // Drafts: the strict majority (3 of 4 raters: pixels 0..1 of the slice's row) scores 1; the pixels two
  // raters marked too (0..2) score 2*2 / (3 + 2) per slice, pooled the same.
  const drafts = path.join(dir, 'drafts');
  fs.mkdirSync(drafts);
  const draftOf = (upTo: number) => {
    const m = new Uint8Array(S * S * 4);
    slices.forEach((k, z) => {
      for (let i = 0; i <= upTo; i++) m[z * S * S + i + (k % S) * S] = 1;
    });
    return m;
  };
  const write = (upTo: number) =>
    writeNifti(path.join(drafts, `${held}-n0-model7.nii.gz`), {
      ...vol!,
      scalarType: 'uint8',
      data: draftOf(upTo),
    });
  await write(1);
  const exact = await holdoutDice(caseDir, drafts);
  expect(exact).toMatchObject({ pooledDice: 1, cases: 1, slices: 4, counts: { reference: 8 } });
  expect(exact.perPatient).toEqual({ [held]: 1 });
  await write(2);
  expect((await holdoutDice(caseDir, drafts)).pooledDice).toBeCloseTo((2 * 8) / (8 + 12), 10);
  fs.rmSync(path.join(drafts, `${held}-n0-model7.nii.gz`));
  await expect(holdoutDice(caseDir, drafts)).rejects.toThrow(/no draft of 1 case/);
});

test('--reserve sets the highest-ID training patients apart, in their own folder and manifest', async () => {
  const dir = tempDir('concord-lidc-reserve-');
  writeCrops(path.join(dir, 'crops'));
  const out = path.join(dir, 'cases');
  const r = await writeLidcCases(path.join(dir, 'crops'), out, {
    splitSeed: 1,
    validation: 0.34,
    reserve: 1,
  });
  const training = ['LIDC-IDRI-0001', 'LIDC-IDRI-0002', 'LIDC-IDRI-0003'].filter(
    (p) => !r.holdoutPatients.includes(p),
  );
  expect(r.reservePatients).toEqual([training.at(-1)]);
  expect([r.trainCases, r.reserveCases, r.holdoutCases]).toEqual([1, 1, 1]);
  const read = (part: string) =>
    JSON.parse(fs.readFileSync(path.join(out, part, 'manifest.json'), 'utf8')).map(
      (c: { case: string }) => c.case,
    );
  expect(read('reserve')).toEqual([`${training.at(-1)}-n0`]);
  expect(read('train')).toEqual([`${training[0]}-n0`]);
  expect(fs.existsSync(path.join(out, 'reserve', 'images', `${training.at(-1)}-n0.nii.gz`))).toBe(true);
});

test('reservePatients takes whole patients from the highest ID down until the count is reached', () => {
  const counts = new Map([
    ['LIDC-IDRI-0003', 2],
    ['LIDC-IDRI-0001', 5],
    ['LIDC-IDRI-0002', 1],
  ]);
  expect(reservePatients(counts, 2)).toEqual(['LIDC-IDRI-0003']);
  expect(reservePatients(counts, 3)).toEqual(['LIDC-IDRI-0002', 'LIDC-IDRI-0003']);
  expect(reservePatients(counts, 4)).toEqual(['LIDC-IDRI-0001', 'LIDC-IDRI-0002', 'LIDC-IDRI-0003']);
});

// Masks in and out of the app on the sample (web host): the first admin exports LIDC reader 1's mask of
// LIDC-IDRI-0001 as NIfTI from the Annotations panel and imports that file back onto the case as a new
// annotator, "Outside reader" (an off-grid file is refused in one line first); the import is listed. STAPLE
// shows as "derived: STAPLE", not a work status; after an adjudication seeded with it is signed off, the
// reference row exports as NIfTI, and "Export signed-off references" downloads a tar with
// LIDC-IDRI-0001.nii.gz and references.json, listing the seven other cases as skipped (in Electron it writes
// the same files into the folder its dialog answers: the spec answers the dialog from the main process).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { expect, test } from './support/fixtures';
import { createFirstAdmin } from './support/profiles';

const ADMIN = { name: 'Dr Admin', password: 'admin password' };

async function download(page: Page, testId: string): Promise<{ name: string; file: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: d.suggestedFilename(), file: (await d.path())! };
}

test('import a NIfTI mask as an annotator, export a reference and all references', async ({ concord }) => {
  test.setTimeout(300_000);
  const { page, electron } = await concord.start({ sample: true });
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);
  await createFirstAdmin(page, ADMIN);
  const review = page.getByTestId('review');
  await review.getByTestId('open-review').click();
  const anyway = page.getByTestId('open-review-anyway');
  if (await anyway.isVisible().catch(() => false)) await anyway.click();
  await expect(page.getByTestId('review-state')).toHaveAttribute('data-open', 'true');

  // Reader 1's mask out as NIfTI ...
  const reader = 'LIDC reader 1';
  await expect(page.getByTestId(`annotation-${reader}`)).toBeVisible();
  const out = await download(page, `export-${reader}`);
  expect(out.name).toMatch(/^revision-\d+\.nii\.gz$/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-masks-'));
  const mask = path.join(dir, 'outside-reader.nii.gz');
  fs.copyFileSync(out.file, mask);

  // ... and in again as another annotator. A 2D PNG of another size is refused first, in one line.
  await review.getByText('Import a mask…').click();
  const png = path.join(dir, 'slice.png');
  const image = new PNG({ width: 1, height: 1, colorType: 0, inputColorType: 0, bitDepth: 8 });
  image.data[0] = 1;
  fs.writeFileSync(png, PNG.sync.write(image, { colorType: 0, inputColorType: 0, bitDepth: 8 }));
  await page.getByTestId('mask-import-file').setInputFiles(png);
  await page.getByTestId('mask-import-annotator').fill('Outside reader');
  await page.getByTestId('mask-import-run').click();
  await expect(page.getByTestId('mask-import-error')).toHaveText(
    'slice.png: a 1x1 PNG fits only a one-slice volume of 1x1 (this one is 512x512x16)',
  );
  await expect(page.getByTestId('annotation-Outside reader')).toHaveCount(0);
  await page.getByTestId('mask-import-file').setInputFiles(mask);
  await page.getByTestId('mask-import-run').click();
  await expect(page.getByTestId('mask-import-result')).toContainText(
    /^Imported outside-reader\.nii\.gz as Outside reader: revision \d+ \(label 1: [\d,]+ voxels\)\. New profile Outside reader/,
  );
  await expect(page.getByTestId('annotation-Outside reader')).toBeVisible();
  await expect(page.getByTestId('annotation-state-Outside reader')).toHaveText('1 rev. · done');

  // STAPLE over the submitted readers: a derived row, shown by its kind.
  await page.getByTestId('consensus-toggle').click();
  await page.getByTestId('merge-method').selectOption('staple');
  await page.getByTestId('merge-run').click();
  await expect(page.getByTestId('merge-result')).toHaveAttribute('data-method', 'staple', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('annotation-state-STAPLE')).toHaveText('1 rev. · derived: STAPLE');

  // Adjudicate from STAPLE and sign off: the reference row exports as NIfTI (no SEG needed: any format applies).
  await expect(page.getByTestId('adjudication-seed')).toContainText('STAPLE');
  await page.getByTestId('adjudication-start').click();
  await expect(page.getByTestId('adjudication-status')).toHaveAttribute('data-status', 'open');
  await page.getByTestId('signoff-note').fill('STAPLE of the four readers and the outside reader.');
  await page.getByTestId('signoff').click();
  await expect(page.getByTestId('adjudication-status')).toHaveAttribute('data-status', 'signed-off');
  await expect(page.getByTestId('annotation-state-reference')).toHaveText(/derived: reference/);
  const reference = await download(page, 'export-reference');
  expect(reference.name).toMatch(/^revision-\d+\.nii\.gz$/);
  expect(fs.readFileSync(reference.file).subarray(0, 2).toString('hex')).toBe('1f8b'); // gzip

  // Every signed-off reference of the project: in one tar named after the project, or (Electron) into the
  // folder the user picks, here a new one the dialog answers.
  const result = page.getByTestId('references-export-result');
  if (electron) {
    const folder = path.join(dir, 'references');
    await electron.evaluate(({ dialog }, answer) => {
      dialog.showOpenDialog = () => Promise.resolve({ canceled: false, filePaths: [answer] });
    }, folder);
    await page.getByTestId('export-references').click();
    await expect(result).toContainText(`Wrote into ${folder}`);
    expect(fs.readdirSync(folder).sort()).toEqual(['LIDC-IDRI-0001.nii.gz', 'references.json']);
  } else {
    const all = await download(page, 'export-references');
    expect(all.name).toMatch(/-references\.tar$/);
    const listed = execFileSync('tar', ['-tf', all.file], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual(['LIDC-IDRI-0001.nii.gz', 'references.json']);
  }
  await expect(result).toContainText('1 reference (LIDC-IDRI-0001.nii.gz)');
  await expect(page.getByTestId('references-skipped').locator('li')).toHaveCount(7);
  await expect(page.getByTestId('references-skipped')).toContainText(
    'skipped LIDC-IDRI-0002: no adjudication yet',
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

// DICOM SEG export from the app: the first admin imports the dcmqi 3-slice CT (DICOM files), paints a stroke on
// slice k = 1, and exports their annotation from the Annotations panel as a DICOM SEG; the downloaded file
// passes dicom3tools' dciodvfy and holds one frame (the painted slice) of one segment, "Lesion". The NRRD
// choice is listed but off in this build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin, editorReady } from './support/profiles';

const CT = path.join(ROOT, 'resources/test-data/dcmqi_ct3slice_seg/data/segmentations/ct-3slice');
const ADMIN = { name: 'Dr Admin', password: 'admin password' };

test('export an annotation as a DICOM SEG from the Annotations panel', async ({ concord }) => {
  const { page } = await concord.start();
  await createFirstAdmin(page, ADMIN);
  await page
    .getByTestId('import-files-input')
    .setInputFiles(['01.dcm', '02.dcm', '03.dcm'].map((f) => path.join(CT, f)));
  await expect(page.getByTestId('import-status')).toContainText('Imported 1 volume');
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 3]);
  await editorReady(page);

  // A brush stroke along i on axial slice k = 1.
  await page.evaluate(() => window.__concordViewer!.setCursor([256, 256, 1]));
  await page.evaluate(() => window.__concordViewer!.settled());
  await page.keyboard.press('d');
  const a = await page.evaluate(() => window.__concordViewer!.clientPointFor('axial', 240, 256, 1));
  const b = await page.evaluate(() => window.__concordViewer!.clientPointFor('axial', 270, 256, 1));
  await page.mouse.move(a!.x, a!.y);
  await page.mouse.down();
  for (let s = 1; s <= 10; s++)
    await page.mouse.move(a!.x + ((b!.x - a!.x) * s) / 10, a!.y + ((b!.y - a!.y) * s) / 10);
  await page.mouse.up();
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-status', 'saved');
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-pending', '0');

  const format = page.getByTestId(`export-format-${ADMIN.name}`);
  await expect(format.locator('option[value="nrrd"]')).toBeEnabled();
  await format.selectOption('seg');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(`export-${ADMIN.name}`).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^revision-\d+-seg\.dcm$/);
  await expect(page.getByTestId(`export-message-${ADMIN.name}`)).toHaveText(
    /Saved revision-\d+-seg\.dcm \(1 segment\)/,
  );
  const file = (await download.path())!;
  const check = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const errors = `${check.stdout}\n${check.stderr}`.split('\n').filter((l) => /^Error/.test(l));
  expect(errors).toEqual([]);
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(128, 132).toString('latin1')).toBe('DICM');
  // The segment's label and the single frame (slice k = 1 only), as pydicom sees them.
  const py = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      'import sys,pydicom; d=pydicom.dcmread(sys.argv[1]); print(d.NumberOfFrames, d.SegmentSequence[0].SegmentLabel)',
      file,
    ],
    { encoding: 'utf8' },
  );
  expect(py.stdout.trim()).toBe('1 Lesion');

  // The same annotation as 3D Slicer's .seg.nrrd.
  await format.selectOption('nrrd');
  const [nrrd] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(`export-${ADMIN.name}`).click(),
  ]);
  expect(nrrd.suggestedFilename()).toMatch(/^revision-\d+\.seg\.nrrd$/);
  const header = fs
    .readFileSync((await nrrd.path())!)
    .subarray(0, 200)
    .toString('latin1');
  expect(header).toMatch(/^NRRD\d{4}\n/);
  expect(header).toMatch(/space: left-posterior-superior/);
});

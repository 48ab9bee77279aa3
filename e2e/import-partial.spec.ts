// A folder import keeps what it can (web host and Electron alike, by a path typed into the import panel):
// a folder with a CT, a 4D image and a damaged file imports the CT and lists the two others with their
// reasons; asked to take 4D files as one volume per frame, the same folder imports both frames.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';

const DATA = path.join(ROOT, 'resources/test-data');

test('a folder with a 4D and a damaged file: the CT imports, the two are listed with their reasons', async ({
  concord,
}) => {
  test.setTimeout(180_000);
  const folder = path.join(concord.workspace, '..', `${path.basename(concord.workspace)}-scans`);
  fs.mkdirSync(folder);
  try {
    fs.copyFileSync(
      path.join(DATA, 'lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti/image_hu.nii.gz'),
      path.join(folder, 'chest.nii.gz'),
    );
    fs.copyFileSync(
      path.join(DATA, 'nibabel_testdata_debian/files/example4d.nii.gz'),
      path.join(folder, 'fmri.nii.gz'),
    );
    fs.writeFileSync(path.join(folder, 'broken.nii.gz'), 'not a NIfTI file');
    const { page } = await concord.start();
    await createFirstAdmin(page);
    await page.getByTestId('import-path').fill(folder);
    await page.getByTestId('import-path').press('Enter');
    const status = page.getByTestId('import-status');
    await expect(status).toContainText('Imported 1 volume. 2 files not imported.');
    const refused = page.getByTestId('import-refused-file');
    await expect(refused).toHaveCount(2);
    await expect(refused.filter({ hasText: 'fmri.nii.gz' })).toContainText(
      'a 4D image (2 frames): import it as its first frame or as one volume per frame',
    );
    await expect(refused.filter({ hasText: 'broken.nii.gz' })).toBeVisible();
    // Esc closes the outcome, and a long list never makes the top bar grow.
    const bar = await page.locator('.topbar').boundingBox();
    expect(bar!.height).toBeLessThan(100);
    await page.keyboard.press('Escape');
    await expect(status).toHaveCount(0);

    await page.getByTestId('import-frames').selectOption('all');
    await page.getByTestId('import-path').press('Enter');
    await expect(status).toContainText('Imported 3 volumes. 1 file not imported.');
    await expect(page.getByTestId('import-refused-file')).toHaveCount(1);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('an upload that holds no image names the files as picked, without the upload or workspace folder', async ({
  concord,
}, testInfo) => {
  test.skip(
    (testInfo.project.metadata as { host?: string }).host === 'electron',
    'uploads are the web host’s way in',
  );
  const { page } = await concord.start();
  await createFirstAdmin(page);
  await page.getByTestId('import-files-input').setInputFiles([
    { name: 'scan.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from('not a NIfTI file') },
    { name: 'other.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from('not one either') },
  ]);
  const status = page.getByTestId('import-status');
  await expect(status).toContainText('no image found to import');
  await expect(status).toContainText('scan.nii.gz');
  const text = (await status.textContent()) ?? '';
  expect(text).not.toContain(concord.workspace);
  expect(text).not.toMatch(/uploads|upload id/);
});

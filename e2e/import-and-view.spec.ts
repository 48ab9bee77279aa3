// A new user's first minutes, through the real UI and the real services (web host; Electron where its
// binary exists): import a DICOM folder, scroll, read a voxel under the mouse, restart and find it again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';
import type { Page } from '@playwright/test';

const LIDC_DICOM = path.join(ROOT, 'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/dicom');
const LIDC_NIFTI = path.join(
  ROOT,
  'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti/image_hu.nii.gz',
);
const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');

/** Known voxels of LIDC-IDRI-0001, read by nibabel from the dcm2niix-checked NIfTI on the same grid. */
const KNOWN = [
  { ijk: [256, 256, 8] as const, hu: 196, lps: [14.0, 8.3, -112.5] },
  { ijk: [200, 300, 5] as const, hu: -831, lps: [-25.375, 39.2375, -120.0] },
];

async function viewerReady(page: Page, dims: number[]) {
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual(dims);
  await page.evaluate(() => window.__concordViewer!.settled());
}

async function importFolder(page: Page, folder: string) {
  await page.getByTestId('import-folder-input').setInputFiles(folder);
  await expect(page.getByTestId('import-status')).toContainText('Imported 1 volume');
}

test('imports a DICOM folder through the UI, scrolls, and reads the HU value under the mouse', async ({
  concord,
}) => {
  const { page } = await concord.start();
  await expect(page.getByText('Import a NIfTI file, a DICOM folder or a PNG to begin')).toBeVisible();
  // Signed out, import is refused with a reason; the first profile (an admin) may import.
  await expect(page.getByTestId('import-files')).toBeDisabled();
  await page.getByTestId('import-files-input').setInputFiles(LIDC_NIFTI);
  await expect(page.getByTestId('import-status')).toContainText('Sign in as a reviewer or admin to import');
  await expect(page.getByTestId('case-item')).toHaveCount(0);
  await createFirstAdmin(page);
  await expect(page.getByTestId('import-files')).toBeEnabled();
  // The user picks a folder named after the patient's case, as it would come off a PACS export.
  const picked = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'concord-pick-')), 'LIDC-IDRI-0001');
  fs.cpSync(LIDC_DICOM, picked, { recursive: true });
  await importFolder(page, picked);
  // The case is named by a pseudonym, never after the folder (the patient's ID); the project says its kind.
  await expect(page.getByTestId('case-item')).toHaveText(/Case [0-9a-f]{8}/);
  await expect(page.getByTestId('case-item')).not.toContainText('LIDC-IDRI-0001');
  await expect(page.getByTestId('project-kind')).toContainText('Clinical project');
  await viewerReady(page, [512, 512, 16]);

  // Orientation letters of a supine axial CT in radiological convention.
  await expect(page.getByTestId('orient-axial-left')).toHaveText('R');
  await expect(page.getByTestId('orient-axial-right')).toHaveText('L');
  await expect(page.getByTestId('orient-axial-top')).toHaveText('A');
  await expect(page.getByTestId('orient-axial-bottom')).toHaveText('P');

  // Scrolling the axial view moves through slices, by one per wheel notch.
  const axial = page.getByTestId('view-axial');
  const before = await page.evaluate(() => window.__concordViewer!.getState().slices.axial);
  await axial.hover();
  await page.mouse.wheel(0, 120);
  await expect
    .poll(() => page.evaluate(() => window.__concordViewer!.getState().slices.axial))
    .not.toBe(before);
  const after = await page.evaluate(() => window.__concordViewer!.getState().slices.axial);
  expect(Math.abs(after - before)).toBe(1);
  await expect(page.getByTestId('slice-axial')).toContainText(String(after + 1)); // counted from 1

  for (const { ijk, hu, lps } of KNOWN) {
    await page.evaluate((p) => window.__concordViewer!.setCursor([p[0], p[1], p[2]]), ijk);
    await page.evaluate(() => window.__concordViewer!.settled());
    const point = await page.evaluate(
      (p) => window.__concordViewer!.clientPointFor('axial', p[0], p[1], p[2]),
      ijk,
    );
    expect(point).toMatchObject({ onSlice: true, visible: true });
    await page.mouse.move(point!.x, point!.y);
    await expect(page.getByTestId('readout-ijk')).toContainText(ijk.join(', '));
    await expect(page.getByTestId('readout-value')).toContainText(String(hu));
    const shown = (await page.getByTestId('readout-lps').innerText()).match(/-?\d+(\.\d+)?/g)!.map(Number);
    shown.forEach((v, n) => expect(v).toBeCloseTo(lps[n]!, 1));
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'import-and-view.png') });
  fs.rmSync(path.dirname(picked), { recursive: true, force: true });
});

test('finds the imported volume and its window/level again after a restart', async ({ concord }) => {
  const first = await concord.start();
  await createFirstAdmin(first.page);
  await first.page.getByTestId('import-files-input').setInputFiles(LIDC_NIFTI);
  await expect(first.page.getByTestId('import-status')).toContainText('Imported 1 volume');
  await viewerReady(first.page, [512, 512, 16]);
  await first.page.getByTestId('preset-lung').click();
  await expect(first.page.getByTestId('wl-display')).toContainText('1500');
  await first.page.waitForTimeout(800); // the view state is saved after a short debounce
  await first.stop();

  const second = await concord.start();
  await viewerReady(second.page, [512, 512, 16]);
  await expect(second.page.getByTestId('case-item')).toHaveText(/image_hu/);
  await expect(second.page.getByTestId('wl-display')).toContainText('1500');
  await expect(second.page.getByTestId('wl-display')).toContainText('-600');
  await second.page.screenshot({ path: path.join(ARTIFACTS, 'after-restart.png') });
});

test('a file that is not an image gets a clear message and changes nothing', async ({ concord }) => {
  const { page } = await concord.start();
  await createFirstAdmin(page);
  await page.getByTestId('import-files-input').setInputFiles({
    name: 'scan.nii.gz',
    mimeType: 'application/gzip',
    buffer: Buffer.from('definitely not a NIfTI file'),
  });
  await expect(page.getByTestId('import-status')).toContainText('scan.nii.gz');
  await expect(page.getByTestId('import-status')).not.toContainText('Imported');
  await expect(page.getByTestId('case-item')).toHaveCount(0);
  await expect(page.getByText('No project yet')).toBeVisible();
});

test('opens on the bundled sample CT when the workspace is empty', async ({ concord }) => {
  const { page } = await concord.start({ sample: true });
  await viewerReady(page, [512, 512, 16]);
  await expect(page.getByTestId('project-select')).toContainText('Sample: LIDC-IDRI chest CT');
  await expect(page.getByTestId('view-3d')).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'sample-project.png') });
});

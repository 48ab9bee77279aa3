// Scrolling through slices does not make the 3D view render frames that show nothing new: with software GL
// one 3D frame holds back the whole page for a fraction of a second (concord bench view). Counted through
// the viewer's test hook (renders3d: frames the vtk.js render window has rendered).
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';

const LIDC_NIFTI = path.join(
  ROOT,
  'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti/image_hu.nii.gz',
);

/** Longer than the 3D view's rest before it renders a moved crosshair (CURSOR_RENDER_DELAY_MS, 250 ms). */
async function rest(page: Page): Promise<void> {
  await page.waitForTimeout(700);
  await page.evaluate(() => window.__concordViewer!.settled());
}

const renders = (page: Page) => page.evaluate(() => window.__concordViewer!.renders3d());
const axialSlice = (page: Page) => page.evaluate(() => window.__concordViewer!.getState().slices.axial);

async function wheelNotches(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const before = await axialSlice(page);
    await page.mouse.wheel(0, i % 2 === 0 ? -100 : 100);
    await expect.poll(() => axialSlice(page)).not.toBe(before);
  }
}

test('the 3D view renders no frame for a slice change it does not show, and the moved crosshair once', async ({
  concord,
}) => {
  const { page } = await concord.start();
  await createFirstAdmin(page);
  await page.getByTestId('import-files-input').setInputFiles(LIDC_NIFTI);
  await expect(page.getByTestId('import-status')).toContainText('Imported 1 volume');
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);
  await expect(page.getByTestId('view-3d')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await rest(page);
  expect(await renders(page)).toBeGreaterThan(0);
  const box = (await page.getByTestId('canvas-axial').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

  // The crosshair hidden (X), the 3D view shows the same picture on every slice: no frame.
  await page.keyboard.press('x');
  await rest(page);
  let before = await renders(page);
  await wheelNotches(page, 4);
  await page.keyboard.press('ArrowUp');
  await rest(page);
  expect(await renders(page)).toBe(before);

  // Axial maximised: the 3D view is hidden, nothing is rendered for nobody, crosshair or not.
  await page.keyboard.press('x');
  await page.keyboard.press('1');
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-layout', 'axial');
  await rest(page);
  before = await renders(page);
  await wheelNotches(page, 4);
  await rest(page);
  expect(await renders(page)).toBe(before);

  // Back in the grid with the crosshair shown: five moves 30 ms apart are drawn once the cursor rests, in one
  // frame (two at most on a machine too busy to keep the moves close), not one frame per move.
  await page.keyboard.press('0');
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-layout', 'grid');
  await rest(page);
  before = await renders(page);
  await page.evaluate(async () => {
    const hook = window.__concordViewer!;
    for (let k = 3; k < 8; k++) {
      hook.setCursor([256, 256, k]);
      await new Promise((r) => setTimeout(r, 30));
    }
  });
  await rest(page);
  const after = (await renders(page))!;
  expect(after).toBeGreaterThan(before!);
  expect(after).toBeLessThanOrEqual(before! + 2);

  // What the 3D view shows does change with the window: a preset is rendered.
  await page.keyboard.press('l');
  await expect.poll(() => renders(page)).toBeGreaterThan(after);
});

// One product's words (web host and Electron), on the sample at 1366×768 as a laptop shows it: slices count
// from 1 in the viewer as in every panel; the top bar and each tool bar take at most two rows; Esc closes
// the dialogs; the page has its icon; nothing in the console is a debug line (vtk.js's "mcubes: N ms").
import { expect, test } from './support/fixtures';
import { createFirstAdmin, editorReady } from './support/profiles';

test('slices from 1, two rows of tools at most at 1366×768, Esc closes dialogs, an icon, a quiet console', async ({
  concord,
}) => {
  test.setTimeout(240_000);
  const { page } = await concord.start({ sample: true });
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  await page.setViewportSize({ width: 1366, height: 768 });
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);

  // Slice k is shown as k + 1 of the depth.
  await page.evaluate(() => window.__concordViewer!.setCursor([256, 256, 7]));
  await expect(page.getByTestId('slice-axial')).toHaveText('8');
  await expect(page.getByTestId('slice-axial').locator('xpath=..')).toHaveText('8 / 16');
  await page.evaluate(() => window.__concordViewer!.setCursor([256, 256, 0]));
  await expect(page.getByTestId('slice-axial').locator('xpath=..')).toHaveText('1 / 16');

  // Esc closes the sign-in screen (back to viewing) and the profiles dialog.
  await page.getByTestId('signin-open').click();
  await expect(page.getByTestId('signin-name')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('signin-name')).toHaveCount(0);
  await createFirstAdmin(page);
  await editorReady(page);
  await page.getByTestId('profiles-button').click();
  await expect(page.getByTestId('profiles-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('profiles-dialog')).toHaveCount(0);

  // At most two rows: each bar is less than three buttons high.
  const button = (await page.getByTestId('profiles-button').boundingBox())!.height;
  for (const bar of ['.topbar', '[data-testid="tool-palette"]', '.cv-toolbar']) {
    const box = await page.locator(bar).first().boundingBox();
    expect(box, bar).not.toBeNull();
    expect(box!.height, `${bar} at 1366×768`).toBeLessThan(3 * button + 16);
  }

  // The icon is served.
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  const icon = await page.request.get(new URL(href!, page.url()).href);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');

  // A brush stroke: the 3D view builds its label surface (vtk.js's marching cubes); no timing line.
  await page.evaluate(() => window.__concordViewer!.setCursor([215, 300, 5]));
  await page.evaluate(() => window.__concordViewer!.settled());
  await page.keyboard.press('d');
  const a = await page.evaluate(() => window.__concordViewer!.clientPointFor('axial', 200, 300, 5));
  const b = await page.evaluate(() => window.__concordViewer!.clientPointFor('axial', 230, 300, 5));
  await page.mouse.move(a!.x, a!.y);
  await page.mouse.down();
  for (let s = 1; s <= 8; s++) await page.mouse.move(a!.x + ((b!.x - a!.x) * s) / 8, a!.y);
  await page.mouse.up();
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-status', 'saved');
  await page.waitForTimeout(2000); // the surface rebuild is debounced
  await page.evaluate(() => window.__concordViewer!.settled());
  expect(consoleLines.filter((l) => /mcubes|^\w+: [\d.]+ ?ms$/.test(l))).toEqual([]);
});

// The web host across reloads and restarts (web host only): a reload keeps the tab signed in; the host
// stopped, the tab says "Concord stopped — reconnecting…" and keeps the stroke it could not save; the host
// started again (`serve` without --port: the last port and token), the tab reconnects by itself, still
// signed in, and saves the stroke.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT, startWebHost, stopProcess } from './support/hosts';
import { createFirstAdmin, editorReady, FIRST_ADMIN } from './support/profiles';

const LIDC_NIFTI = path.join(
  ROOT,
  'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti/image_hu.nii.gz',
);

async function stroke(page: Page, row: number): Promise<void> {
  await page.evaluate((r) => window.__concordViewer!.setCursor([200, r, 5]), row);
  await page.evaluate(() => window.__concordViewer!.settled());
  await page.keyboard.press('d');
  const a = await page.evaluate((r) => window.__concordViewer!.clientPointFor('axial', 190, r, 5), row);
  const b = await page.evaluate((r) => window.__concordViewer!.clientPointFor('axial', 210, r, 5), row);
  await page.mouse.move(a!.x, a!.y);
  await page.mouse.down();
  for (let s = 1; s <= 6; s++) await page.mouse.move(a!.x + ((b!.x - a!.x) * s) / 6, a!.y);
  await page.mouse.up();
}

test('a reload keeps the tab signed in; a restarted host takes the tab back with its unsaved stroke', async ({
  concord,
  browser,
}, testInfo) => {
  test.skip(
    (testInfo.project.metadata as { host?: string }).host === 'electron',
    'reloads and restarts of the web host',
  );
  test.setTimeout(240_000);
  let host = await startWebHost({ workspace: concord.workspace, port: 'last' });
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(host.url);
    await createFirstAdmin(page);
    await page.getByTestId('import-files-input').setInputFiles(LIDC_NIFTI);
    await expect(page.getByTestId('import-status')).toContainText('Imported 1 volume');
    await editorReady(page);

    // A reload: still signed in, nothing asked.
    await page.reload();
    await expect(page.getByTestId('session-name')).toHaveText(FIRST_ADMIN.name);
    await editorReady(page);
    const port = new URL(page.url()).port;

    // The host stops: the tab says so, and a stroke made meanwhile is kept, not saved.
    await stopProcess(host.proc);
    await expect(page.getByTestId('connection-lost')).toContainText('Concord stopped — reconnecting…');
    await stroke(page, 300);
    expect(await page.evaluate(() => window.__concordViewer!.labelAt(200, 300, 5))).toBe(1);
    await expect(page.getByTestId('save-state')).not.toHaveAttribute('data-pending', '0');

    // `serve` again on the workspace, no --port: the same address, the tab reconnects and saves.
    host = await startWebHost({ workspace: concord.workspace, port: 'last' });
    expect(new URL(host.url).port).toBe(port);
    await expect(page.getByTestId('connection-lost')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('session-name')).toHaveText(FIRST_ADMIN.name);
    await expect(page.getByTestId('save-state')).toHaveAttribute('data-status', 'saved', { timeout: 30_000 });
    await expect(page.getByTestId('save-state')).toHaveAttribute('data-pending', '0');

    // The stroke is in the workspace: a new tab of the restarted host shows it after signing in.
    await page.reload();
    await expect(page.getByTestId('session-name')).toHaveText(FIRST_ADMIN.name);
    await editorReady(page);
    expect(await page.evaluate(() => window.__concordViewer!.labelAt(200, 300, 5))).toBe(1);
    // Signing out ends the kept session: the next reload is signed out.
    await page.getByTestId('signout').click();
    await page.reload();
    await expect(page.getByTestId('signin-open')).toBeVisible();
  } finally {
    await context.close();
    await stopProcess(host.proc);
  }
});

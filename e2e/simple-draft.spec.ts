// A simple model's draft from the annotator's click, end to end in the web host (Electron where its binary
// exists): on one synthetic CT case (a +40 HU disc of radius 4 voxels on slices 1..4, -800 HU around), an
// annotator puts the crosshair in the disc, adds it as a seed, makes a watershed draft (computed in the
// trainer process), starts their own annotation from it, and finds the disc in their mask; the Models tab
// lists the methods' corrected drafts side by side.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { DIMS, discOf, importSyntheticProject } from './support/syntheticProject';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const ADMIN = { name: 'Dr Admin', password: 'admin password' };
const DEE = { name: 'Dee', password: 'dee password' };

test('watershed draft from a click: seeded at the crosshair, started from, the disc in the own mask', async ({
  concord,
}) => {
  test.setTimeout(120_000);
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-simple-'));
  importSyntheticProject(concord.workspace, files, 'Synthetic', 0, 1);
  const { page } = await concord.start();
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([...DIMS]);

  // The first profile is the admin; an annotator makes the draft.
  await page.getByTestId('signin-open').click();
  await page.getByTestId('signin-name').fill(ADMIN.name);
  await page.getByTestId('signin-password').fill(ADMIN.password);
  await page.getByTestId('signin-confirm').fill(ADMIN.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-name')).toHaveText(ADMIN.name);
  await page.getByTestId('profiles-button').click();
  await page.getByTestId('profile-name').fill(DEE.name);
  await page.getByTestId('profile-role').selectOption('annotator');
  await page.getByTestId('profile-password').fill(DEE.password);
  await page.getByTestId('profile-create').click();
  await expect(page.getByTestId('profiles-message')).toHaveText(`Created ${DEE.name} (annotator).`);
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('signout').click();
  await page.getByTestId('signin-open').click();
  await page.getByTestId(`signin-profile-${DEE.name}`).check();
  await page.getByTestId('signin-password').fill(DEE.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-name')).toHaveText(DEE.name);

  await page.getByTestId('training-open').click();
  await expect(page.getByTestId('training-tab-draft')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('simple-run')).toBeDisabled(); // watershed needs a seed
  const { r, ci, cj } = discOf(0);
  await page.evaluate(([i, j]) => window.__concordViewer!.setCursor([i!, j!, 2]), [ci, cj]);
  await expect(page.getByTestId('simple-seeds')).toContainText(`crosshair at ${ci}, ${cj}, 2`);
  await page.getByTestId('simple-add-seed').click();
  await expect(page.getByTestId('simple-seeds')).toHaveAttribute('data-seeds', '1');
  await page.getByTestId('simple-run').click();
  // Known answer: the disc's voxels (radius r on 4 slices), found exactly by the watershed.
  let disc = 0;
  for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) if (i * i + j * j <= r * r) disc++;
  await expect(page.getByTestId('simple-message')).toHaveText(
    `Watershed from seeds draft saved: ${(4 * disc).toLocaleString('en-US')} voxels.`,
  );
  await expect(page.getByTestId('draft-list').locator('li')).toHaveCount(1);
  await page.getByTestId('draft-list').getByRole('button', { name: 'Start my annotation from it' }).click();
  await expect(page.getByTestId('draft-message')).toContainText('Your annotation starts from the draft');
  await expect
    .poll(() => page.evaluate(([i, j]) => window.__concordViewer!.labelAt(i!, j!, 2), [ci, cj]))
    .toBe(1);
  expect(await page.evaluate(() => window.__concordViewer!.labelAt(0, 0, 2))).toBe(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'simple-draft.png') });

  await page.getByTestId('training-tab-models').click();
  await expect(page.getByTestId('draft-methods').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('draft-method-watershed')).toHaveAttribute('data-count', '0');
  fs.rmSync(files, { recursive: true, force: true });
});

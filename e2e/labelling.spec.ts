// Labelling end to end, through the real UI and services (web host; Electron where its binary exists):
// the first admin creates two annotators; annotator A paints a stroke with the mouse on the axial view,
// undoes and redoes it (each saved as a revision), reloads the window and undoes and redoes again; after a
// restart on the same workspace the stroke is there; annotator B, on the same case, does not see A's mask;
// the admin opens the case for review and shows A's mask beside their own.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin, editorReady, signIn, signOut } from './support/profiles';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const LIDC_NIFTI = path.join(
  ROOT,
  'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti/image_hu.nii.gz',
);
const ADMIN = { name: 'Dr Admin', password: 'admin password' };
const ANN = { name: 'Ann', password: 'ann password' };
const BOB = { name: 'Bob', password: 'bob password' };
/** The stroke: along i on axial slice k = 5, through lung (−831 HU at its start). */
const FROM = [200, 300, 5] as const;
const TO = [230, 300, 5] as const;
const MIDDLE = [215, 300, 5] as const;
const FAR = [100, 100, 5] as const;

async function labelAt(page: Page, ijk: readonly [number, number, number]) {
  return page.evaluate((p) => window.__concordViewer!.labelAt(p[0], p[1], p[2]), ijk);
}

async function saved(page: Page) {
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-status', 'saved');
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-pending', '0');
}

test('paint, undo, redo as annotator A; the stroke survives a restart; B does not see it; review shows it', async ({
  concord,
}) => {
  const first = await concord.start();
  const page = first.page;
  // First run: the admin profile (importing needs it), the scan, then two annotators.
  await createFirstAdmin(page, ADMIN);
  await expect(page.getByTestId('session-role')).toHaveText('admin');
  await page.getByTestId('import-files-input').setInputFiles(LIDC_NIFTI);
  await expect(page.getByTestId('import-status')).toContainText('Imported 1 volume');
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);
  await page.getByTestId('profiles-button').click();
  for (const who of [ANN, BOB]) {
    await page.getByTestId('profile-name').fill(who.name);
    await page.getByTestId('profile-role').selectOption('annotator');
    await page.getByTestId('profile-password').fill(who.password);
    await page.getByTestId('profile-create').click();
    await expect(page.getByTestId('profiles-message')).toHaveText(`Created ${who.name} (annotator).`);
  }
  await page.getByRole('button', { name: 'Close' }).click();
  await signOut(page);

  // Annotator A paints a stroke with the mouse on the axial view (brush: D, 3 mm).
  await signIn(page, ANN);
  await editorReady(page);
  await page.evaluate((p) => window.__concordViewer!.setCursor([p[0], p[1], p[2]]), MIDDLE);
  await page.evaluate(() => window.__concordViewer!.settled());
  await page.keyboard.press('d');
  await expect(page.getByTestId('tool-palette')).toHaveAttribute('data-tool', 'brush');
  const a = await page.evaluate(
    (p) => window.__concordViewer!.clientPointFor('axial', p[0], p[1], p[2]),
    FROM,
  );
  const b = await page.evaluate((p) => window.__concordViewer!.clientPointFor('axial', p[0], p[1], p[2]), TO);
  expect(a).toMatchObject({ onSlice: true, visible: true });
  await page.mouse.move(a!.x, a!.y);
  await page.mouse.down();
  for (let s = 1; s <= 12; s++)
    await page.mouse.move(a!.x + ((b!.x - a!.x) * s) / 12, a!.y + ((b!.y - a!.y) * s) / 12);
  await page.mouse.up();
  for (const p of [FROM, MIDDLE, TO]) expect(await labelAt(page, p)).toBe(1);
  expect(await labelAt(page, FAR)).toBe(0);
  await saved(page);
  const history = page.getByTestId('history').locator('li');
  await expect(history).toHaveCount(1);
  await expect(history.first()).toHaveAttribute('data-tool', 'brush');
  await page.screenshot({ path: path.join(ARTIFACTS, 'labelling-stroke.png') });
  // The 3D view shows the mask's surface (built shortly after the edit).
  await expect
    .poll(async () => Number((await page.getByTestId('view-3d').getAttribute('data-surface-triangles')) ?? 0))
    .toBeGreaterThan(0);

  // Undo (Ctrl+Z) and redo (Ctrl+Shift+Z): each is a new revision, the server never overwrites.
  await page.keyboard.press('Control+z');
  expect(await labelAt(page, MIDDLE)).toBe(0);
  await saved(page);
  await expect(history).toHaveCount(2);
  await expect(history.first()).toHaveAttribute('data-tool', 'undo');
  await page.keyboard.press('Control+Shift+z');
  expect(await labelAt(page, MIDDLE)).toBe(1);
  await saved(page);
  await expect(history).toHaveCount(3);
  await expect(history.first()).toHaveAttribute('data-tool', 'redo');

  // A reload of the window keeps it signed in and keeps the undo stack (for the same head): undo and redo go
  // on where they were.
  await page.reload();
  await expect(page.getByTestId('session-name')).toHaveText(ANN.name);
  await editorReady(page);
  expect(await labelAt(page, MIDDLE)).toBe(1);
  await page.keyboard.press('Control+z');
  expect(await labelAt(page, MIDDLE)).toBe(0);
  await saved(page);
  await page.keyboard.press('Control+Shift+z');
  expect(await labelAt(page, MIDDLE)).toBe(1);
  await saved(page);
  await expect(history).toHaveCount(5);
  await first.stop();

  // Restart on the same workspace: A's stroke is there, with its history.
  const second = await concord.start();
  const again = second.page;
  await expect.poll(() => again.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);
  await signIn(again, ANN);
  await editorReady(again);
  for (const p of [FROM, MIDDLE, TO]) expect(await labelAt(again, p)).toBe(1);
  expect(await labelAt(again, FAR)).toBe(0);
  await expect(again.getByTestId('history').locator('li')).toHaveCount(5);
  await again.evaluate((p) => window.__concordViewer!.setCursor([p[0], p[1], p[2]]), MIDDLE);
  await again.evaluate(() => window.__concordViewer!.settled());
  await again.screenshot({ path: path.join(ARTIFACTS, 'labelling-after-restart.png') });
  await signOut(again);

  // Annotator B on the same case: A's mask is not visible (blinding), B's own annotation is empty.
  await signIn(again, BOB);
  await editorReady(again);
  for (const p of [FROM, MIDDLE, TO]) expect(await labelAt(again, p)).toBe(0);
  expect(await again.evaluate(() => window.__concordViewer!.overlayIds())).toHaveLength(1);
  await expect(again.getByTestId('review').locator('li')).toHaveCount(1);
  await expect(again.getByTestId(`annotation-${ANN.name}`)).toHaveCount(0);
  await expect(again.getByTestId('review-state')).toHaveAttribute('data-open', 'false');
  await again.screenshot({ path: path.join(ARTIFACTS, 'labelling-blinded.png') });
  await signOut(again);

  // The admin opens the case for review and shows A's mask beside their own.
  await signIn(again, ADMIN);
  await editorReady(again);
  await again.getByTestId('open-review').click();
  // Ann and Bob have not submitted: the app lists them and asks; they stay blinded on the open case.
  await expect(again.getByTestId('open-review-confirm')).toContainText('Ann');
  await again.getByTestId('open-review-anyway').click();
  await expect(again.getByTestId('review-state')).toHaveAttribute('data-open', 'true');
  await again.getByTestId(`show-annotation-${ANN.name}`).check();
  await expect
    .poll(() =>
      again.evaluate(() => window.__concordViewer!.overlayIds().filter((id) => id.startsWith('annotation:'))),
    )
    .toHaveLength(1);
  const annLayer = (await again.evaluate(() => window.__concordViewer!.overlayIds()))[0]!;
  expect(
    await again.evaluate(([id, p]) => window.__concordViewer!.overlayLabelAt(id, p[0], p[1], p[2]), [
      annLayer,
      MIDDLE,
    ] as const),
  ).toBe(1);
  expect(await labelAt(again, MIDDLE)).toBe(0); // the admin's own mask is still their own
  await again.screenshot({ path: path.join(ARTIFACTS, 'labelling-review.png') });
});

test('region growing, polygon, fill between slices and clean-up from the palette and keys', async ({
  concord,
}) => {
  const { page } = await concord.start();
  await createFirstAdmin(page, ADMIN);
  await page.getByTestId('import-files-input').setInputFiles(LIDC_NIFTI);
  await expect(page.getByTestId('import-status')).toContainText('Imported 1 volume');
  await editorReady(page);
  await page.keyboard.press('1'); // axial maximised: bigger voxels on screen
  const click = async (ijk: readonly [number, number, number]) => {
    const p = await page.evaluate(
      (q) => window.__concordViewer!.clientPointFor('axial', q[0], q[1], q[2]),
      ijk,
    );
    expect(p).toMatchObject({ onSlice: true, visible: true });
    await page.mouse.click(p!.x, p!.y);
  };
  const square = (k: number): [number, number, number][] => [
    [300, 150, k],
    [320, 150, k],
    [320, 170, k],
    [300, 170, k],
  ];

  // Polygon (F): click four corners on slice 4 and close with Enter; the same on slice 8.
  await page.keyboard.press('f');
  for (const k of [4, 8]) {
    await page.evaluate((kk) => window.__concordViewer!.setCursor([310, 160, kk]), k);
    await page.evaluate(() => window.__concordViewer!.settled());
    for (const c of square(k)) await click(c);
    await page.keyboard.press('Enter');
    expect(await labelAt(page, [310, 160, k])).toBe(1);
    expect(await labelAt(page, [296, 160, k])).toBe(0);
    expect(await labelAt(page, [310, 174, k])).toBe(0);
  }
  // Fill between slices (I) along the axial axis: slices 5..7 get the square.
  expect(await labelAt(page, [310, 160, 6])).toBe(0);
  // Whole-volume operations run in a Web Worker: the result arrives when it is done.
  await page.keyboard.press('i');
  await expect.poll(() => labelAt(page, [310, 160, 6])).toBe(1);
  await expect(page.getByTestId('tool-palette')).toHaveAttribute('data-working', 'false');
  for (const k of [5, 6, 7]) expect(await labelAt(page, [310, 160, k])).toBe(1);
  expect(await labelAt(page, [310, 160, 3])).toBe(0);

  // Region growing (G), 2D, from a lung voxel with ± 150 HU: the lung region on that slice, not the body.
  await page.evaluate(() => window.__concordViewer!.setCursor([200, 300, 10]));
  await page.evaluate(() => window.__concordViewer!.settled());
  await page.keyboard.press('g');
  await page.getByTestId('grow-tolerance').fill('150');
  await page.getByTestId('grow-tolerance').blur(); // keys go to the viewer again
  await click([200, 300, 10]);
  expect(await labelAt(page, [200, 300, 10])).toBe(1);
  expect(await labelAt(page, [256, 256, 10])).toBe(0); // mediastinum (196 HU) is outside the range
  expect(await labelAt(page, [200, 300, 9])).toBe(0); // 2D: one slice

  // Keep largest component (K), 3D (U): the small squares go, the lung region stays.
  await page.keyboard.press('u');
  await page.keyboard.press('k');
  await expect.poll(() => labelAt(page, [310, 160, 6])).toBe(0);
  await expect(page.getByTestId('tool-palette')).toHaveAttribute('data-working', 'false');
  expect(await labelAt(page, [200, 300, 10])).toBe(1);
  await saved(page);
  const tools = await page
    .getByTestId('history')
    .locator('li')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-tool')));
  expect(tools).toEqual(['keep-largest', 'region-grow', 'interpolate', 'polygon', 'polygon']);
  await page.screenshot({ path: path.join(ARTIFACTS, 'labelling-tools.png') });

  // History: revert to the interpolation (revision 3) brings the squares back as a new revision.
  await page
    .getByTestId('history')
    .locator('li[data-tool="interpolate"]')
    .getByRole('button', { name: 'Revert to this' })
    .click();
  await expect.poll(() => labelAt(page, [310, 160, 6])).toBe(1);
  expect(await labelAt(page, [200, 300, 10])).toBe(0);
  await saved(page);
  await expect(page.getByTestId('history').locator('li').first()).toHaveAttribute('data-tool', 'revert');
  // The revert is an undo step: Ctrl+Z puts the clean-up result back (saved as 'undo').
  await page.keyboard.press('Control+z');
  expect(await labelAt(page, [310, 160, 6])).toBe(0);
  expect(await labelAt(page, [200, 300, 10])).toBe(1);
  await saved(page);

  // Worklist: flag for review with a comment, reopen, mark done; then there is no next case.
  // The case is named by a pseudonym (Case + 8 hex digits), not after the file.
  const row = page.locator(`[data-testid^="worklist-row-Case "][data-testid$="-${ADMIN.name}"]`);
  await expect(row).toHaveAttribute('data-status', 'in-progress');
  await row.getByTestId('flag').click();
  await page.getByTestId('flag-comment').fill('left lung: is this effusion?');
  await page.getByTestId('flag-submit').click();
  await expect(row).toHaveAttribute('data-status', 'flagged');
  await expect(row).toContainText('left lung: is this effusion?');
  await row.getByRole('button', { name: 'Reopen' }).click();
  await expect(row).toHaveAttribute('data-status', 'in-progress');
  await row.getByTestId('mark-done').click();
  await expect(row).toHaveAttribute('data-status', 'done');
  await page.getByTestId('next-case').click();
  await expect(page.getByTestId('worklist')).toContainText('Nothing left');
});

test('two windows of one annotator: the second follows the first, and a save conflict keeps both strokes', async ({
  concord,
}, testInfo) => {
  test.skip(
    (testInfo.project.metadata as { host?: string }).host === 'electron',
    'opens a second browser tab on the web host; Electron windows share the same services',
  );
  const { page } = await concord.start();
  await createFirstAdmin(page, ADMIN);
  await page.getByTestId('import-files-input').setInputFiles(LIDC_NIFTI);
  await expect(page.getByTestId('import-status')).toContainText('Imported 1 volume');
  await editorReady(page);
  // A second tab on the same host, signed in as the same profile.
  const token = await page.evaluate(() => sessionStorage.getItem('concord.token'));
  const origin = new URL(page.url()).origin;
  const other = await (await page.context().browser()!.newContext()).newPage();
  await other.setViewportSize({ width: 1400, height: 900 });
  await other.goto(`${origin}/?token=${token}`);
  await signIn(other, ADMIN);
  await editorReady(other);

  const stroke = async (p: Page, row: number, finish: boolean) => {
    await p.evaluate((r) => window.__concordViewer!.setCursor([200, r, 5]), row);
    await p.evaluate(() => window.__concordViewer!.settled());
    await p.keyboard.press('d');
    const a = await p.evaluate((r) => window.__concordViewer!.clientPointFor('axial', 190, r, 5), row);
    const b = await p.evaluate((r) => window.__concordViewer!.clientPointFor('axial', 210, r, 5), row);
    await p.mouse.move(a!.x, a!.y);
    await p.mouse.down();
    for (let s = 1; s <= 6; s++) await p.mouse.move(a!.x + ((b!.x - a!.x) * s) / 6, a!.y);
    if (finish) await p.mouse.up();
  };

  // The first tab saves a stroke; the idle second tab follows it.
  await stroke(page, 280, true);
  await saved(page);
  await expect.poll(() => labelAt(other, [200, 280, 5])).toBe(1);

  // The second tab is mid-stroke when the first saves another one: its save then meets a conflict, it
  // reloads the newest revision and re-applies its stroke on top. Nothing is lost.
  await stroke(other, 320, false);
  await stroke(page, 300, true);
  await saved(page);
  await other.mouse.up();
  await expect(other.getByTestId('notice')).toContainText('re-applied your 1 unsaved edit');
  await saved(other);
  for (const row of [280, 300, 320]) expect(await labelAt(other, [200, row, 5])).toBe(1);
  await expect(other.getByTestId('history').locator('li')).toHaveCount(3);
  // And the first tab follows the second's re-based stroke.
  await expect.poll(() => labelAt(page, [200, 320, 5])).toBe(1);
  expect(await labelAt(page, [200, 300, 5])).toBe(1);
  await other.screenshot({ path: path.join(ARTIFACTS, 'labelling-conflict.png') });
});

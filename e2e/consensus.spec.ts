// Consensus end to end on the bundled sample project (LIDC-IDRI-0001 with the four LIDC readers' masks), web
// host: an annotator, blinded, gets no comparison; a reviewer opens the case for review, compares the raters
// (every pair's Dice, checked against the CLI and ITK), exports the figures, runs STAPLE (sensitivities
// against ITK), turns on the disagreement overlay, jumps to the largest region and the next (crosshair and 3D
// camera), takes one rater's contour for a region with a rationale, edits the reference by hand, signs off;
// the activity list shows the steps.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { editorReady, signIn, signOut } from './support/profiles';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const MASKS = path.join(
  ROOT,
  'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti',
);
const ITK = JSON.parse(
  fs.readFileSync(
    path.join(
      ROOT,
      'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/itk_reference/readers0-3.json',
    ),
    'utf8',
  ),
) as { pairwise: { a: number; b: number; dice: number }[]; staple: { sensitivity: number[] } };
const ADMIN = { name: 'Dr Admin', password: 'admin password' };
const REVIEWER = { name: 'Dr Review', password: 'review password' };
const ANN = { name: 'Ann', password: 'ann password' };
const READERS = ['LIDC reader 1', 'LIDC reader 2', 'LIDC reader 3', 'LIDC reader 4'];

type Vec3 = [number, number, number];

async function cursor(page: Page): Promise<Vec3> {
  return page.evaluate(() => window.__concordViewer!.getState().cursor);
}

async function regionAttr(page: Page, id: number, attr: string): Promise<number[]> {
  const v = await page.getByTestId(`region-${id}`).getAttribute(attr);
  return v!.split(',').map(Number);
}

/** Dice of two reader masks from the CLI (the same files the sample project imported). */
function cliDice(a: number, b: number): number {
  const out = execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'out/main/cli.js'),
      'compare',
      path.join(MASKS, `reader${a}_mask.nii.gz`),
      path.join(MASKS, `reader${b}_mask.nii.gz`),
      '--label',
      '1',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { pairs: { dice: number }[] }).pairs[0]!.dice;
}

test('reviewer: compare, STAPLE, disagreement regions, adjudicate and sign off; a blinded annotator sees no comparison', async ({
  concord,
}) => {
  test.setTimeout(300_000);
  const { page } = await concord.start({ sample: true });
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);

  // The first admin creates a reviewer and an annotator.
  await page.getByTestId('signin-open').click();
  await page.getByTestId('signin-name').fill(ADMIN.name);
  await page.getByTestId('signin-password').fill(ADMIN.password);
  await page.getByTestId('signin-confirm').fill(ADMIN.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-name')).toHaveText(ADMIN.name);
  await page.getByTestId('profiles-button').click();
  for (const [who, role] of [
    [REVIEWER, 'reviewer'],
    [ANN, 'annotator'],
  ] as const) {
    await page.getByTestId('profile-name').fill(who.name);
    await page.getByTestId('profile-role').selectOption(role);
    await page.getByTestId('profile-password').fill(who.password);
    await page.getByTestId('profile-create').click();
    await expect(page.getByTestId('profiles-message')).toHaveText(`Created ${who.name} (${role}).`);
  }
  await page.getByRole('button', { name: 'Close' }).click();
  await signOut(page);

  // The annotator, blinded (the case is not open for review): no comparison, no other rater's mask.
  await signIn(page, ANN);
  await editorReady(page);
  await expect(page.getByTestId('review-state')).toHaveAttribute('data-open', 'false');
  await expect(page.getByTestId('consensus-toggle')).toHaveCount(0);
  await expect(page.getByTestId('consensus')).toHaveCount(0);
  for (const r of READERS) await expect(page.getByTestId(`annotation-${r}`)).toHaveCount(0);
  await page.keyboard.press('z'); // the overlay key does nothing for an annotator
  expect(await page.evaluate(() => window.__concordViewer!.overlayIds())).not.toContain('agreement');
  await signOut(page);

  // The reviewer opens the case for review and the consensus panel.
  await signIn(page, REVIEWER);
  await editorReady(page);
  await page.getByTestId('consensus-toggle').click();
  await expect(page.getByTestId('consensus-needs-review')).toBeVisible();
  // The readers' imported masks count as submitted (the default rater set), and Ann only opened the case:
  // nobody is pending, so the case opens without asking.
  await page.getByTestId('review').getByTestId('open-review').click();
  await expect(page.getByTestId('review-state')).toHaveAttribute('data-open', 'true');
  for (const r of READERS) await expect(page.getByTestId(`annotation-${r}`)).toBeVisible();

  // Compare: every pair's Dice; one checked against the CLI on the same masks and against ITK.
  await page.getByTestId('compare-run').click();
  const matrix = page.getByTestId('matrix');
  await expect(matrix).toBeVisible();
  await expect(matrix.locator('tbody tr')).toHaveCount(6); // 4 readers, majority vote, STAPLE
  for (let r = 0; r < 4; r++) await expect(page.getByTestId(`matrix-row-${r}`)).toContainText(READERS[r]!);
  for (const p of ITK.pairwise) {
    for (const [row, col] of [
      [p.a, p.b],
      [p.b, p.a],
    ]) {
      const cell = page.getByTestId(`cell-${row}-${col}`);
      await expect(cell).toHaveText(p.dice.toFixed(4));
      expect(Math.abs(Number(await cell.getAttribute('data-value')) - p.dice)).toBeLessThan(1e-6);
    }
  }
  const dice01 = Number(await page.getByTestId('cell-0-1').getAttribute('data-value'));
  expect(Math.abs(dice01 - cliDice(0, 1))).toBeLessThan(1e-9);
  await expect(page.getByTestId('metric-definition')).toContainText('Dice = 2|A∩B|');
  // Units: the Hausdorff matrix is in mm, with its definition.
  await page.getByTestId('matrix-metric').selectOption('hausdorff');
  await expect(matrix).toContainText('Hausdorff (mm)');
  await expect(page.getByTestId('metric-definition')).toContainText('HausdorffDistanceImageFilter');
  // Sorting by the first column: ascending values, the diagonal last.
  await page.getByTestId('matrix-sort-0').click();
  const sorted = await matrix
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[0]!.getAttribute('data-value') ?? ''));
  const values = sorted.filter((v) => v !== '').map(Number);
  expect(values).toEqual([...values].sort((x, y) => x - y));
  expect(sorted[sorted.length - 1]).toBe('');
  // Export: a CSV download with the units in its header.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv.split(/\r?\n/)[0]).toMatch(/hausdorff_mm/);
  expect(csv).toContain(String(dice01).slice(0, 10));

  // STAPLE: each reader's sensitivity, as ITK's.
  await page.getByTestId('merge-method').selectOption('staple');
  await page.getByTestId('merge-run').click();
  await expect(page.getByTestId('merge-result')).toHaveAttribute('data-method', 'staple');
  for (let r = 0; r < 4; r++) {
    const v = Number(await page.getByTestId(`merge-sensitivity-${r}`).getAttribute('data-value'));
    expect(Math.abs(v - ITK.staple.sensitivity[r]!)).toBeLessThan(1e-3);
  }
  await expect(page.getByTestId('annotation-STAPLE')).toBeVisible();
  // The other merges: a majority vote with ties to background, and multi-label STAPLE's confusion matrices.
  await page.getByTestId('merge-method').selectOption('vote');
  await page.getByTestId('merge-ties').selectOption('background');
  await page.getByTestId('merge-run').click();
  await expect(page.getByTestId('merge-result')).toHaveAttribute('data-method', 'vote');
  await page.getByTestId('merge-method').selectOption('mstaple');
  await page.getByTestId('merge-run').click();
  await expect(page.getByTestId('merge-result')).toHaveAttribute('data-method', 'mstaple');
  await expect(page.getByTestId('merge-confusion').locator('table')).toHaveCount(4);
  await expect(page.getByTestId('annotation-majority vote')).toBeVisible();

  // The disagreement overlay (Z) with its legend; the largest region, then the next (}).
  await page.keyboard.press('z');
  await expect
    .poll(() => page.evaluate(() => window.__concordViewer!.overlayIds()), { timeout: 60_000 })
    .toContain('agreement');
  await expect(page.getByTestId('agreement-legend')).toContainText('1 of 4 raters');
  // 26-connected, the disagreement around the one nodule is a single shell; face-connected (6) it splits.
  await expect(page.getByTestId('agreement-summary')).toContainText('(26-connected)');
  await page.getByTestId('agreement-connectivity').selectOption('6');
  await expect(page.getByTestId('agreement-summary')).toContainText('(6-connected)');
  await expect(page.getByTestId('region-2')).toBeVisible();
  await page.keyboard.press('}');
  await expect(page.getByTestId('region-current')).toHaveAttribute('data-region-id', '1');
  const seed1 = await regionAttr(page, 1, 'data-seed');
  await expect.poll(() => cursor(page)).toEqual(seed1);
  const votes1 = await page.evaluate(
    (s) => window.__concordViewer!.overlayLabelAt('agreement', s[0]!, s[1]!, s[2]!),
    seed1,
  );
  expect(votes1).toBeGreaterThan(0);
  expect(votes1).toBeLessThan(4);
  const ml = [1, 2].map(async (id) =>
    Number(await page.getByTestId(`region-${id}`).getAttribute('data-volume-ml')),
  );
  expect(await ml[0]).toBeGreaterThanOrEqual(await ml[1]!);
  // The 3D camera goes to the region's box centre.
  await expect(page.getByTestId('view-3d')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  const boxCentre = async (id: number): Promise<number[]> => {
    const b = await regionAttr(page, id, 'data-bbox');
    return page.evaluate(
      (c) => window.__concordViewer!.worldAt(c[0]!, c[1]!, c[2]!),
      [0, 1, 2].map((a) => (b[a]! + b[a + 3]!) / 2),
    );
  };
  const focal = async () => (await page.evaluate(() => window.__concordViewer!.camera3d()))!.focalPoint;
  const centre1 = await boxCentre(1);
  await expect
    .poll(async () => (await focal()).map((x, a) => Math.abs(x - centre1[a]!)).every((d) => d < 1e-3))
    .toBe(true);
  await page.keyboard.press('}');
  await expect(page.getByTestId('region-current')).toHaveAttribute('data-region-id', '2');
  const seed2 = await regionAttr(page, 2, 'data-seed');
  expect(seed2).not.toEqual(seed1);
  await expect.poll(() => cursor(page)).toEqual(seed2);
  const centre2 = await boxCentre(2);
  await expect
    .poll(async () => (await focal()).map((x, a) => Math.abs(x - centre2[a]!)).every((d) => d < 1e-3))
    .toBe(true);
  await page.screenshot({ path: path.join(ARTIFACTS, 'consensus-disagreement.png') });

  // Adjudication, seeded with STAPLE: region 1 takes reader 2's voxels; a decision without a rationale is refused.
  await page.getByTestId('region-prev').click();
  await expect(page.getByTestId('region-current')).toHaveAttribute('data-region-id', '1');
  await expect(page.getByTestId('adjudication-seed')).toContainText('STAPLE');
  await page.getByTestId('adjudication-start').click();
  await expect(page.getByTestId('adjudication-status')).toHaveAttribute('data-status', 'open');
  await page.getByTestId('choice-rater').check();
  await page.getByTestId('choice-rater-select').selectOption({ label: READERS[1]! });
  await page.getByTestId('decide').click();
  await expect(page.getByTestId('adjudication-message')).toContainText('Write a rationale first');
  await expect(page.getByTestId('decisions').locator('li')).toHaveCount(1); // the seed only
  await page.getByTestId('rationale').fill('Reader 2 follows the nodule margin on the lung window.');
  await page.getByTestId('decide').click();
  await expect(page.getByTestId('decisions').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('decisions').locator('li').last()).toHaveAttribute('data-kind', 'take-rater');
  // The region list marks the decided region, and lists it only among the decided ones.
  await expect(page.getByTestId('region-decided-1')).toContainText(`✓ decided: ${READERS[1]!}`);
  await page.getByTestId('region-filter').selectOption('undecided');
  await expect(page.getByTestId('region-1')).toHaveCount(0);
  await expect(page.getByTestId('region-2')).toHaveAttribute('data-decided', 'false');
  await page.getByTestId('region-filter').selectOption('all');

  // Region 2 by hand: the tools switch onto the working reference mask; a brush stroke; recorded with a rationale.
  await page.keyboard.press('}');
  await expect(page.getByTestId('region-current')).toHaveAttribute('data-region-id', '2');
  await page.getByTestId('edit-working').click();
  await expect(page.getByTestId('editing-working')).toBeVisible();
  await expect
    .poll(() =>
      page.evaluate(() => window.__concordViewer!.overlayIds().some((id) => id.startsWith('working:'))),
    )
    .toBe(true);
  const [si, sj, sk] = seed2;
  await page.evaluate((s) => window.__concordViewer!.setCursor([s[0]!, s[1]!, s[2]!]), seed2);
  await page.evaluate(() => window.__concordViewer!.settled());
  await page.keyboard.press('d');
  const from = await page.evaluate(
    (s) => window.__concordViewer!.clientPointFor('axial', s[0]! - 4, s[1]!, s[2]!),
    seed2,
  );
  const to = await page.evaluate(
    (s) => window.__concordViewer!.clientPointFor('axial', s[0]! + 4, s[1]!, s[2]!),
    seed2,
  );
  expect(from).toMatchObject({ onSlice: true, visible: true });
  await page.mouse.move(from!.x, from!.y);
  await page.mouse.down();
  for (let s = 1; s <= 8; s++) await page.mouse.move(from!.x + ((to!.x - from!.x) * s) / 8, from!.y);
  await page.mouse.up();
  expect(
    await page.evaluate((s) => window.__concordViewer!.labelAt(s[0], s[1], s[2]), [si, sj, sk] as Vec3),
  ).toBe(1);
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-status', 'saved');
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-pending', '0');
  await page
    .getByTestId('rationale')
    .fill('Region 2: the vessel is not nodule; painted the nodule edge by hand.');
  await page.getByTestId('decide').click();
  await expect(page.getByTestId('decisions').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('decisions').locator('li').last()).toHaveAttribute('data-kind', 'manual');
  await expect(page.getByTestId('decisions').locator('li').last()).toContainText('region 2');
  await expect(page.getByTestId('editing-working')).toHaveCount(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'consensus-adjudication.png') });

  // Sign off with a note: the case's reference mask.
  await page.getByTestId('signoff-note').fill('Reference for the nodule, readers 1-4.');
  await page.getByTestId('signoff').click();
  await expect(page.getByTestId('adjudication-status')).toHaveAttribute('data-status', 'signed-off');
  await expect(page.getByTestId('signoff-box')).toContainText('Reference for the nodule');
  await page.screenshot({ path: path.join(ARTIFACTS, 'consensus-signed-off.png') });
  // Reopening needs a reason; with one, the case is open again and the reopening is listed.
  await page.getByTestId('reopen').click();
  await expect(page.getByTestId('adjudication-message')).toContainText('reason');
  await expect(page.getByTestId('adjudication-status')).toHaveAttribute('data-status', 'signed-off');
  await page.getByTestId('reopen-reason').fill('Second opinion requested on region 2.');
  await page.getByTestId('reopen').click();
  await expect(page.getByTestId('adjudication-status')).toHaveAttribute('data-status', 'open');
  await expect(page.getByTestId('signoff-box')).toContainText('Second opinion requested');

  // Every step is in the activity list.
  await page.getByTestId('activity-toggle').click();
  const activity = page.getByTestId('activity');
  for (const action of [
    'consensus.compare',
    'consensus.export',
    'consensus.agreement',
    'annotation.derive',
    'adjudication.start',
    'adjudication.decide',
    'annotation.commit',
    'case.signOff',
    'case.reopen',
  ])
    await expect(activity).toContainText(action);
  await expect(activity).toContainText('chain intact');
  await page.screenshot({ path: path.join(ARTIFACTS, 'consensus-activity.png') });
});

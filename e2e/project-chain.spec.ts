// A labelling project from first start to an AI draft, in one story on the bundled sample (web host; Electron
// where its binary exists): the reviewer assigns a nodule crop to two annotators; each labels the nodule and
// submits (the review gate names the one still at work when the reviewer tries to open the case early); the
// reviewer opens the case, chooses the raters (the two annotators and two of the four LIDC readers), runs
// STAPLE on them, adjudicates the largest disagreement region with a rationale, signs off, exports the
// reference as NIfTI, trains a small network for a few epochs on the sample, and drafts the case with it.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin, signIn, signOut } from './support/profiles';
import { createProfiles, labelAt, openFromWorklist, paintStroke } from './support/team';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const RITA = { name: 'Rita', password: 'rita password', role: 'reviewer' } as const;
const ANN = { name: 'Ann', password: 'ann password', role: 'annotator' } as const;
const BOB = { name: 'Bob', password: 'bob password', role: 'annotator' } as const;
const CASE = 'LIDC-IDRI-0003 nodule 1';
/** A small network and short run (2 levels, 4 filters, 32-pixel crops, 3 epochs, one network): a minute or
 *  so here. */
const SHORT = {
  levels: '2',
  base: '4',
  cropSize: '32',
  batchSize: '4',
  threads: '1',
  learningRate: '0.01',
  members: '1',
};

type Vec3 = [number, number, number];

/** Inside the nodule: the crop is centred on it (128 x 128 x 10; its readers' masks cover slices 2-8 around
 *  voxel (66, 65), 0.5 mm pixels, radius about 12 voxels on slices 4-5 whichever way the slices run). */
const NODULE: Vec3 = [64, 64, 5];

/** Labels the nodule with a stroke across its centre (offset by `di` voxels) and submits the case. */
async function labelAndSubmit(page: Page, who: string, [i, j, k]: Vec3, di: number): Promise<void> {
  await openFromWorklist(page, CASE, who);
  await paintStroke(page, [i - 3 + di, i + 3 + di, j, k]);
  expect(await labelAt(page, [i + di, j, k])).toBe(1);
  await page.getByTestId('submit-case').click();
  await expect(page.getByTestId('submission')).toHaveAttribute('data-state', 'submitted');
}

test('the whole chain on the sample: assign, label, submit, review gate, raters, STAPLE, adjudicate, sign off, export, train, draft', async ({
  concord,
}) => {
  test.setTimeout(600_000);
  const { page } = await concord.start({ sample: true });
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);
  await createFirstAdmin(page);
  await createProfiles(page, [RITA, ANN, BOB]);
  const centre = NODULE;
  await signOut(page);

  // Assign: the nodule crop to Ann and Bob.
  await signIn(page, RITA);
  await page.getByTestId('assign-who-Ann').check();
  await page.getByTestId('assign-who-Bob').check();
  await page.getByTestId(`assign-case-${CASE}`).check();
  await page.getByTestId('assign').click();
  await expect(page.getByTestId('team-message')).toHaveText(
    '2 assignment(s) added; cases each: Ann 1, Bob 1.',
  );
  await signOut(page);

  // Label as two annotators; Ann submits first.
  await signIn(page, ANN);
  await expect(page.getByTestId('worklist').locator('tbody tr')).toHaveCount(1);
  await labelAndSubmit(page, 'Ann', centre, 0);
  await signOut(page);
  await signIn(page, BOB);
  await openFromWorklist(page, CASE, 'Bob');
  await paintStroke(page, [centre[0] - 2, centre[0] + 4, centre[1], centre[2]]);
  await signOut(page);

  // The review gate: Bob is still at work, so opening asks first; the reviewer waits.
  await signIn(page, RITA);
  await page.getByTestId(`worklist-row-${CASE}-Ann`).getByRole('button', { name: CASE }).click();
  await expect(page.getByTestId('review-state')).toHaveAttribute('data-open', 'false');
  await page.getByTestId('review').getByTestId('open-review').click();
  await expect(page.getByTestId('open-review-confirm')).toContainText('Not submitted yet: Bob (in progress)');
  await page.getByTestId('open-review-confirm').getByRole('button', { name: 'Cancel' }).click();
  await signOut(page);
  await signIn(page, BOB);
  await openFromWorklist(page, CASE, 'Bob');
  await page.getByTestId('submit-case').click();
  await expect(page.getByTestId('submission')).toHaveAttribute('data-state', 'submitted');
  await signOut(page);

  // Everyone submitted: the case opens without a question.
  await signIn(page, RITA);
  await page.getByTestId(`worklist-row-${CASE}-Ann`).getByRole('button', { name: CASE }).click();
  await expect(page.getByTestId('assignee-' + CASE + '-Bob')).toHaveAttribute('data-status', 'submitted');
  await page.getByTestId('review').getByTestId('open-review').click();
  await expect(page.getByTestId('review-state')).toHaveAttribute('data-open', 'true');
  await expect(page.getByTestId('open-review-confirm')).toHaveCount(0);

  // Choose raters: Ann, Bob and readers 1 and 2 (readers 3 and 4 unticked); STAPLE on those four.
  await page.getByTestId('consensus-toggle').click();
  for (const r of ['Ann', 'Bob', 'LIDC reader 1', 'LIDC reader 2', 'LIDC reader 3', 'LIDC reader 4'])
    await expect(page.getByTestId(`rater-${r}`)).toBeChecked();
  await page.getByTestId('rater-LIDC reader 3').uncheck();
  await page.getByTestId('rater-LIDC reader 4').uncheck();
  await expect(page.getByTestId('rater-picker')).toContainText('4 ticked');
  await page.getByTestId('merge-method').selectOption('staple');
  await page.getByTestId('merge-run').click();
  await expect(page.getByTestId('merge-result')).toHaveAttribute('data-method', 'staple');
  await expect(page.getByTestId('merge-sensitivity-3')).toBeVisible();
  await expect(page.getByTestId('merge-sensitivity-4')).toHaveCount(0);
  await expect(page.getByTestId('annotation-STAPLE')).toBeVisible();

  // Adjudicate: the disagreement regions of the chosen four; region 1 takes Ann's voxels, with a rationale.
  await page.keyboard.press('z');
  await expect
    .poll(() => page.evaluate(() => window.__concordViewer!.overlayIds()), { timeout: 60_000 })
    .toContain('agreement');
  await expect(page.getByTestId('agreement-legend')).toContainText('of 4 raters');
  await page.keyboard.press('}');
  await expect(page.getByTestId('region-current')).toHaveAttribute('data-region-id', '1');
  await expect(page.getByTestId('adjudication-seed')).toContainText('STAPLE');
  await page.getByTestId('adjudication-start').click();
  await expect(page.getByTestId('adjudication-status')).toHaveAttribute('data-status', 'open');
  await page.getByTestId('choice-rater').check();
  await page.getByTestId('choice-rater-select').selectOption({ label: 'Ann' });
  await page.getByTestId('rationale').fill('Ann follows the nodule margin on this slice.');
  await page.getByTestId('decide').click();
  await expect(page.getByTestId('decisions').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('decisions').locator('li').last()).toHaveAttribute('data-kind', 'take-rater');

  // Sign off: the case's reference.
  await page.getByTestId('signoff-note').fill('Reference from Ann, Bob and readers 1-2.');
  await page.getByTestId('signoff').click();
  await expect(page.getByTestId('adjudication-status')).toHaveAttribute('data-status', 'signed-off');
  await page.screenshot({ path: path.join(ARTIFACTS, 'chain-signed-off.png') });

  // Export the signed-off reference from the Annotations panel: a gzip NIfTI on the crop's grid, not empty.
  await expect(page.getByTestId('annotation-reference')).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-reference').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.nii\.gz$/);
  const nii = gunzipSync(fs.readFileSync((await download.path())!));
  expect(nii.readInt32LE(0)).toBe(348);
  const dims = [1, 2, 3].map((d) => nii.readInt16LE(40 + 2 * d));
  expect(dims).toEqual(await page.evaluate(() => window.__concordViewer!.dims));
  const voxels = nii.subarray(Math.round(nii.readFloatLE(108)));
  expect(voxels.some((v) => v !== 0)).toBe(true);
  await expect(page.getByTestId('export-message-reference')).toContainText('Saved');

  // Train a small network for 3 epochs on the sample's majority votes, on the CPU.
  await page.getByTestId('training-open').click();
  await page.getByTestId('train-target').selectOption('vote');
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('train-backend').selectOption('cpu');
  await page.getByText('Advanced').click();
  for (const [k, v] of Object.entries(SHORT)) await page.getByTestId(`train-${k}`).fill(v);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', {
    timeout: 300_000,
  });
  // The default refit: the 3 validated epochs chose, then the same 3 on every case made the stored network.
  await expect(page.getByTestId('run-list')).toContainText(
    '6 of 6 epochs (3 validated, then 3 on every case)',
  );
  await expect(page.getByTestId('run-kept')).toContainText(
    /^epoch \d of 3 \(best validation Dice\), then the same training on every case \(\d+ cases\), 3 epochs, the last stored/,
  );
  await expect(page.getByTestId('run-cases')).toContainText('trained again (the stored network)');
  const modelId = Number(/model (\d+)/.exec((await page.getByTestId('run-model').textContent()) ?? '')?.[1]);
  expect(modelId).toBeGreaterThan(0);

  // AI draft of the open case with the new model: listed with the case's annotations.
  await page.getByTestId('training-tab-draft').click();
  await page.getByTestId('draft-model').selectOption(String(modelId));
  await page.getByTestId('draft-run').click();
  await expect(page.getByTestId('draft-message')).toContainText('AI draft saved');
  await expect(page.getByTestId('draft-list').locator('li')).toHaveCount(1);
  await expect(page.getByTestId(`annotation-AI draft (model ${modelId})`)).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'chain-ai-draft.png') });

  // Every step is in the activity list.
  await page.getByTestId('activity-toggle').click();
  for (const action of [
    'case.assign',
    'case.submit',
    'case.openReview',
    'annotation.derive',
    'adjudication.decide',
    'case.signOff',
  ])
    await expect(page.getByTestId('activity')).toContainText(action);
});

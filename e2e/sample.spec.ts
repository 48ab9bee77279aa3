// The sample on a fresh start (web host and Electron): eight cases with two to four raters each, opened on
// LIDC-IDRI-0001; the first admin can train on it at once (a one-epoch run of the default network on the
// default target, the raters' agreement, to completion: a train/validation split needs two cases or more; as
// an ensemble of three, the Networks field's one change), and the run list, the progress and the Advanced
// fields speak in the product's words.
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');

test('the sample has eight cases with their raters, and a default run trains on it', async ({ concord }) => {
  test.setTimeout(420_000);
  const { page } = await concord.start({ sample: true });
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);
  await expect(page.getByTestId('project-select')).toContainText('Sample: LIDC-IDRI chest CT');
  const cases = page.getByTestId('case-item');
  await expect(cases).toHaveCount(8);
  for (const name of [
    'LIDC-IDRI-0001',
    'LIDC-IDRI-0002',
    'LIDC-IDRI-0003 nodule 1',
    'LIDC-IDRI-0058 nodule 2',
  ])
    await expect(cases.filter({ hasText: name })).toHaveCount(1);

  await createFirstAdmin(page);
  await page.getByTestId('training-open').click();
  await page.getByText('Advanced').click();
  // Each Advanced field shows the default an empty field stands for.
  for (const [k, v] of Object.entries({
    levels: '4',
    base: '16',
    cropSize: 'auto (≤ 128)',
    batchSize: '16',
    neighbours: 'auto (1)',
    foregroundFraction: '0.33',
    seed: '1',
    members: '1',
  }))
    await expect(page.getByTestId(`train-${k}`)).toHaveAttribute('placeholder', v);
  // The recipe's switches, each on by default.
  for (const k of ['ema', 'tta', 'keepBest']) await expect(page.getByTestId(`train-${k}`)).toBeChecked();
  await expect(page.getByTestId('train-target')).toHaveValue('agreement');
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-members').fill('3');
  // The sample's cases name no subject: split by subject, each case is one.
  await expect(page.getByTestId('train-split-by')).toHaveValue('case');
  await page.getByTestId('train-split-by').selectOption('subject');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
  // An ensemble of three networks, trained one after another: their epochs in all.
  await expect(page.getByTestId('run-list')).toContainText('of 3 epochs (3 networks)');
  await expect(page.getByTestId('run-member')).toContainText(/network [123] \/ 3/);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', {
    timeout: 360_000,
  });
  await expect(page.getByTestId('run-list')).toContainText('3 of 3 epochs (3 networks)');
  await expect(page.getByTestId('run-cases')).toContainText(
    /\d+ training, (\d+) validation \(by subject: \1 subjects?\)/,
  );
  await expect(page.getByTestId('run-kept')).toContainText(
    /^an ensemble of 3 networks, epochs 1, 1, 1 of 1 each \(best validation Dice [\d.]+, [\d.]+, [\d.]+; together [\d.]+\)/,
  );
  // After the run: its mean speed and its training time, both from the epochs it trained.
  await expect(page.getByTestId('run-progress')).toContainText(/[\d.]+ img\/s/);
  await expect(page.getByTestId('run-progress')).toContainText(/trained (under 1 s|\d)/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'sample-trained.png') });
});

// Semi-supervised training from the Train tab: on a small synthetic CT project (4 labelled cases, 2 with a
// volume and no masks), the admin sees how many unlabelled cases a run would use, turns the switch on
// (the confidence floor and the label rounds appear, the refit switch is locked on), trains a tiny U-Net
// on the CPU backend with two label rounds, and the run's log and summary say the refit labelled the
// unlabelled cases, a third training learnt from them and labelled them again for a fourth.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { DIMS, importSyntheticProject } from './support/syntheticProject';

const ADMIN = { name: 'Dr Admin', password: 'admin password' };
const TINY = { levels: '2', base: '4', cropSize: '16', batchSize: '4', threads: '1', learningRate: '0.01' };

test('the Train tab counts the unlabelled cases and trains on their pseudo-labels', async ({ concord }) => {
  test.setTimeout(180_000);
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-semisup-'));
  importSyntheticProject(concord.workspace, files, 'Synthetic', 4, 2);
  const { page } = await concord.start();
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([...DIMS]);
  await page.getByTestId('signin-open').click();
  await page.getByTestId('signin-name').fill(ADMIN.name);
  await page.getByTestId('signin-password').fill(ADMIN.password);
  await page.getByTestId('signin-confirm').fill(ADMIN.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-name')).toHaveText(ADMIN.name);

  await page.keyboard.press('Alt+t');
  await expect(page.getByTestId('training-tab-train')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('train-semi-count')).toHaveText('(2 unlabelled cases)');
  await expect(page.getByTestId('train-pseudo-min-confidence')).toHaveCount(0);
  await expect(page.getByTestId('train-pseudo-rounds')).toHaveCount(0);
  await page.getByTestId('train-semi').check();
  await page.getByTestId('train-pseudo-min-confidence').fill('0.3');
  await page.getByTestId('train-pseudo-rounds').fill('2');
  await page.getByTestId('train-target').selectOption('vote');
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('train-backend').selectOption('cpu');
  await page.getByText('Advanced').click();
  for (const [k, v] of Object.entries(TINY)) await page.getByTestId(`train-${k}`).fill(v);
  // It learns from the pseudo-labels in its refit: that switch is on and locked while the option is.
  await expect(page.getByTestId('train-refit')).toBeChecked();
  await expect(page.getByTestId('train-refit')).toBeDisabled();
  // The recipe's switches travel: this run without the coordinate planes (the network these few epochs
  // were tuned on).
  await page.getByTestId('train-coordinates').uncheck();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', {
    timeout: 120_000,
  });
  const log = page.getByTestId('run-log');
  await expect(log).toContainText(/input: \d slice\(s\) as channels, no coordinate planes/);
  await expect(log).toContainText(
    /semi-supervised: the refit labels 12 slices of 2 unlabelled case\(s\) at threshold [\d.]+/,
  );
  await expect(log).toContainText(/pseudo-labels: \d of 2 unlabelled case\(s\) with foreground/);
  await expect(log).toContainText(
    /refit: the same training again on every case \(\d+ cases, \d+ slices\), then it labels the unlabelled cases/,
  );
  await expect(log).toContainText(
    /refit with the pseudo-labels of round 1\/2: the same training again on every case \(\d+ cases, \d+ slices\) and the pseudo-labels' \d+ slices of 2 unlabelled cases/,
  );
  await expect(log).toContainText(
    /semi-supervised: round 1's student labels 12 slices of 2 unlabelled case\(s\)/,
  );
  await expect(log).toContainText(/refit with the pseudo-labels of round 2\/2: .*, 3 epochs, the last kept/);
  // The run's summary says what the stored network learnt from.
  await expect(page.getByTestId('run-cases')).toContainText(
    'with the pseudo-labels of 2 unlabelled cases (confidence floor 0.3, 2 label rounds)',
  );
  fs.rmSync(files, { recursive: true, force: true });
});

// Semi-supervised training from the Train tab: on a small synthetic CT project (4 labelled cases, 2 with a
// volume and no masks), the admin sees how many unlabelled cases a run would use, turns the switch on
// (rounds and the confidence floor appear), trains a tiny U-Net on the CPU backend, and the run's log says
// the unlabelled cases were pseudo-labelled and their crops trained on.
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
  await expect(page.getByTestId('train-pseudo-rounds')).toHaveCount(0);
  await page.getByTestId('train-semi').check();
  await page.getByTestId('train-pseudo-rounds').fill('1');
  await page.getByTestId('train-pseudo-min-confidence').fill('0.3');
  await page.getByTestId('train-target').selectOption('vote');
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('train-backend').selectOption('cpu');
  await page.getByText('Advanced').click();
  for (const [k, v] of Object.entries(TINY)) await page.getByTestId(`train-${k}`).fill(v);
  // The recipe's switches travel: this run without the coordinate planes (the network these few epochs
  // were tuned on).
  await page.getByTestId('train-coordinates').uncheck();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', {
    timeout: 120_000,
  });
  const log = page.getByTestId('run-log');
  await expect(log).toContainText(/input: \d slice\(s\) as channels, no coordinate planes/);
  await expect(log).toContainText('semi-supervised: 2 unlabelled case(s)');
  await expect(log).toContainText(
    /pseudo-labels round 1\/1 \(labelled by the model, from epoch \d\): 12 slices of 2/,
  );
  await expect(log).toContainText(/epoch 3: [1-9]\d* pseudo-labelled crops beside \d+ labelled/);
  fs.rmSync(files, { recursive: true, force: true });
});

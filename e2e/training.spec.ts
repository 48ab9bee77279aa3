// Training end to end in the web host (Electron where its binary exists), through the real UI, services and
// trainer process: on a small synthetic CT project (6 labelled cases with 3 annotators each, 1 unlabelled;
// imported with `concord import --manifest`), the admin starts a run with a tiny U-Net on the CPU backend,
// sees the chart get points and the progress move, cancels, resumes to a few more epochs, finds the model
// in the registry beside the bundled starter model, orders the worklist by the model's uncertainty, runs the model on the unlabelled case
// (the "AI draft" appears) and starts their own annotation from the draft.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { DIMS, discOf, importSyntheticProject } from './support/syntheticProject';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const ADMIN = { name: 'Dr Admin', password: 'admin password' };
const DEE = { name: 'Dee', password: 'dee password' };
/** A tiny network (2 levels, 4 base filters, 16-pixel crops) so an epoch takes well under a second; one
 *  network (an ensemble's run could not go on to more epochs after its resume). */
const TINY = {
  levels: '2',
  base: '4',
  cropSize: '16',
  batchSize: '4',
  threads: '1',
  learningRate: '0.01',
  members: '1',
};

async function attr(page: Page, testId: string, name: string): Promise<number> {
  return Number((await page.getByTestId(testId).getAttribute(name)) ?? NaN);
}

/** Voxels with a non-zero label in the signed-in profile's own mask of the open volume. */
async function ownForeground(page: Page): Promise<number> {
  return page.evaluate(([nx, ny, nz]) => {
    const v = window.__concordViewer!;
    let n = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if ((v.labelAt(i, j, k) ?? 0) !== 0) n++;
    return n;
  }, DIMS);
}

test('train from the UI: live chart and progress, cancel, resume, registry, uncertainty order, AI draft as a starting point', async ({
  concord,
}) => {
  test.setTimeout(240_000);
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-train-'));
  importSyntheticProject(concord.workspace, files, 'Synthetic', 6, 1);
  const { page } = await concord.start();
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([...DIMS]);

  // The first profile is the admin (training is a reviewer's or admin's act).
  await page.getByTestId('signin-open').click();
  await page.getByTestId('signin-name').fill(ADMIN.name);
  await page.getByTestId('signin-password').fill(ADMIN.password);
  await page.getByTestId('signin-confirm').fill(ADMIN.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-name')).toHaveText(ADMIN.name);
  // An annotator for the last part (starting from a draft while blinded).
  await page.getByTestId('profiles-button').click();
  await page.getByTestId('profile-name').fill(DEE.name);
  await page.getByTestId('profile-role').selectOption('annotator');
  await page.getByTestId('profile-password').fill(DEE.password);
  await page.getByTestId('profile-create').click();
  await expect(page.getByTestId('profiles-message')).toHaveText(`Created ${DEE.name} (annotator).`);
  await page.getByRole('button', { name: 'Close' }).click();

  // Start a run: majority vote of the 3 annotators, many epochs (it is cancelled), tiny network, cpu.
  // The drawer opens with its shortcut (Alt+T), as with the button.
  await page.keyboard.press('Alt+t');
  await expect(page.getByTestId('training-open')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('training-tab-train')).toHaveAttribute('aria-selected', 'true');
  // A new workspace can start from the bundled starter model (transfer from day one).
  await expect(
    page.getByTestId('train-base-model').locator('option', { hasText: '(starter, public data)' }),
  ).toHaveCount(1);
  await page.getByTestId('train-target').selectOption('vote');
  await page.getByTestId('train-epochs').fill('400');
  // The backends this machine offers, each with why it is or is not available; cpu always starts.
  await expect(page.getByTestId('backend-availability').locator('li[data-backend="cpu"]')).toHaveAttribute(
    'data-available',
    'true',
  );
  await expect(page.getByTestId('backend-availability').locator('li')).toHaveCount(4);
  await page.getByTestId('train-backend').selectOption('cpu');
  await page.getByText('Advanced').click();
  for (const [k, v] of Object.entries(TINY)) await page.getByTestId(`train-${k}`).fill(v);
  // Without the refit on every case: its epochs follow the validated ones, so it could not go on to more.
  await page.getByTestId('train-refit').uncheck();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');

  // The chart gets points, the progress moves, the backend that runs is shown.
  await expect.poll(() => attr(page, 'run-chart', 'data-points')).toBeGreaterThanOrEqual(2);
  const seen = await attr(page, 'run-progress', 'data-epoch');
  await expect.poll(() => attr(page, 'run-progress', 'data-epoch')).toBeGreaterThan(seen);
  await expect(page.getByTestId('run-eta')).toContainText('ETA');
  await expect(page.getByTestId('run-backend')).toHaveAttribute('data-backend', 'cpu');
  await page.screenshot({ path: path.join(ARTIFACTS, 'training-live.png') });

  // Cancel: the run stops after its batch, keeps its checkpoint, and offers Resume.
  await page.getByTestId('run-cancel').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('run-resume')).toBeVisible();
  const done = await attr(page, 'run-progress', 'data-epoch');
  expect(done).toBeGreaterThanOrEqual(2);
  expect(done).toBeLessThan(400);

  // Resume to more epochs in all (at least 3 more, and 40 in all: how many ran before the cancel depends on
  // the machine's speed, and the draft below needs a model that learned the disc); the run completes and
  // its model enters the registry.
  const total = Math.max(done + 3, 40);
  await page.getByTestId('resume-epochs').fill(String(total));
  await page.getByTestId('run-resume').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', {
    timeout: 120_000,
  });
  await expect.poll(() => attr(page, 'run-chart', 'data-points')).toBe(total);
  // Validation Dice per held-out case (the split is by case: 6 labelled cases, a fifth held out).
  await expect
    .poll(() => page.getByTestId('run-case-dice').locator('tbody tr').count())
    .toBeGreaterThanOrEqual(1);
  // The run says which epoch it kept (the best validated one, by default) and whether its drafts use flips.
  await expect(page.getByTestId('run-kept')).toContainText(/epoch \d+ of \d+ \((best validation Dice)\)/);
  await expect(page.getByTestId('run-tta')).toContainText('validation Dice');
  // The drafts' threshold, chosen on the validation cases among 0.3..0.9.
  await expect(page.getByTestId('run-threshold')).toContainText(
    /^0\.\d+, chosen on validation \(Dice \d\.\d{3}/,
  );
  // The label the run trains (the masks use one: the project's default label, a sigmoid model).
  await expect(page.getByTestId('run-labels')).toHaveText('1 Lesion');
  await expect(page.getByTestId('run-log')).toContainText('then 2 coordinate planes');
  const modelText = (await page.getByTestId('run-model').textContent()) ?? '';
  const modelId = Number(/model (\d+)/.exec(modelText)?.[1]);
  expect(modelId).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'training-completed.png') });
  await page.getByTestId('training-tab-models').click();
  // The bundled starter model was there from the start, with its card (public data, licence, held-out Dice).
  const starter = page.getByTestId('model-list').locator('li[data-origin="starter"]');
  await expect(starter).toHaveCount(1);
  await expect(starter).toContainText('LIDC-IDRI');
  await expect(starter).toContainText('CC BY 3.0');
  await expect(starter).toContainText('Held-out Dice 0.');
  await expect(page.getByTestId(`model-${modelId}`)).toContainText('unet');
  await expect(page.getByTestId(`model-${modelId}`)).toContainText('cpu');
  // The recipe's input: each pixel's place on its slice as two more planes (on by default).
  await expect(page.getByTestId(`model-${modelId}`)).toContainText('coordinate planes');
  await expect(page.getByTestId(`model-kept-${modelId}`)).toContainText('best validation Dice');
  await expect(page.getByTestId(`model-inference-${modelId}`)).toContainText('threshold 0.5');

  // Export the model package, import it back (a new registry entry, origin "imported"); a tampered copy
  // is refused with the backend's one-line reason and adds nothing.
  await page.getByTestId('model-export-dir').fill(files);
  await page.getByTestId(`model-export-${modelId}`).click();
  await expect(page.getByTestId('models-message')).toContainText(`Exported model ${modelId} to `);
  const pkg = ((await page.getByTestId('models-message').textContent()) ?? '').replace(/^.* to /, '');
  expect(fs.existsSync(path.join(pkg, 'weights.bin'))).toBe(true);
  await page.getByTestId('model-import-path').fill(pkg);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('models-message')).toContainText('checksums verified');
  await expect(page.getByTestId('model-list').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('model-list').locator('li[data-origin="imported"]')).toHaveCount(1);
  const tampered = `${pkg}-tampered`;
  fs.cpSync(pkg, tampered, { recursive: true });
  const weights = fs.readFileSync(path.join(tampered, 'weights.bin'));
  weights.writeUInt8(weights.readUInt8(weights.length - 1) ^ 1, weights.length - 1);
  fs.writeFileSync(path.join(tampered, 'weights.bin'), weights);
  await page.getByTestId('model-import-path').fill(tampered);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('models-message')).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('models-message')).toContainText('refused');
  await expect(page.getByTestId('model-list').locator('li')).toHaveCount(3);
  await page.screenshot({ path: path.join(ARTIFACTS, 'training-models.png') });

  // The worklist orders the unlabelled case first by the model's uncertainty, with its value.
  const firstRow = page.getByTestId('worklist').locator('tbody tr').first();
  await expect(firstRow).not.toContainText('C6');
  await page.getByTestId('worklist-order').selectOption('uncertainty');
  await expect(firstRow).toContainText('C6');
  await expect(firstRow.getByTestId('uncertainty')).toContainText(/H = 0\.\d{4} bits/);
  // Ranking again recomputes in the trainer process and gives the same value (same model, same voxels).
  const h = await firstRow.getByTestId('uncertainty').textContent();
  await page.getByTestId('worklist-rank-again').click();
  await expect(page.getByTestId('worklist-rank-again')).toBeVisible();
  await expect(firstRow.getByTestId('uncertainty')).toHaveText(h ?? '');
  await expect(page.getByTestId('uncertainty')).toHaveCount(
    await page.getByTestId('worklist').locator('tbody tr', { hasText: 'C6' }).count(),
  );

  // Run the model on the unlabelled case: the AI draft appears; the admin's annotation starts from it.
  await firstRow.getByRole('button', { name: 'C6' }).click();
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.labelAt(0, 0, 0) ?? null)).toBe(0);
  await page.getByTestId('training-tab-draft').click();
  await page.getByTestId('draft-model').selectOption(String(modelId));
  await page.getByTestId('draft-run').click();
  await expect(page.getByTestId('draft-message')).toContainText('AI draft saved');
  const foreground = await attr(page, 'draft-message', 'data-foreground');
  await expect(page.getByTestId('draft-list').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('annotation-AI draft (model ' + String(modelId) + ')')).toBeVisible();
  await page.getByTestId('draft-list').getByRole('button', { name: 'Start my annotation from it' }).click();
  await expect(page.getByTestId('draft-message')).toContainText('Your annotation starts from the draft');
  // This window made that revision: no "saved elsewhere" notice.
  await expect(page.getByText('saved this annotation elsewhere')).toHaveCount(0);
  expect(await ownForeground(page)).toBe(foreground);
  // The draft found the disc (the tiny model learned an easy target): its centre is labelled.
  const { ci, cj } = discOf(6);
  expect(foreground).toBeGreaterThan(0);
  expect(await page.evaluate(([i, j]) => window.__concordViewer!.labelAt(i, j, 2), [ci, cj] as const)).toBe(
    1,
  );
  await expect(page.getByTestId('history').locator('li')).toHaveCount(1);
  await page.evaluate(([i, j]) => window.__concordViewer!.setCursor([i, j, 2]), [ci, cj] as const);
  await page.screenshot({ path: path.join(ARTIFACTS, 'training-ai-draft.png') });

  // Augmentation preview of this slice: seeded samples with the own (draft-seeded) mask transformed alike.
  await page.getByTestId('training-tab-augment').click();
  await page.getByTestId('augment-count').fill('4');
  await page.getByTestId('augment-show').click();
  await expect(page.getByTestId('augment-info')).toContainText('your mask');
  await expect(page.locator('[data-testid^="augment-sample-"]')).toHaveCount(4);
  await page.screenshot({ path: path.join(ARTIFACTS, 'training-augment.png') });

  // An annotator, blinded on this case, sees the AI draft (a model's work, no annotator's) and starts
  // their own annotation from it; the training and other annotations stay hidden from them.
  await page.getByTestId('signout').click();
  await page.getByTestId('signin-open').click();
  await page.getByTestId(`signin-profile-${DEE.name}`).check();
  await page.getByTestId('signin-password').fill(DEE.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-name')).toHaveText(DEE.name);
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.labelAt(0, 0, 0) ?? null)).toBe(0);
  expect(await ownForeground(page)).toBe(0);
  await expect(page.getByTestId('review').locator('li')).toHaveCount(1);
  await page.getByTestId('training-open').click();
  await expect(page.getByTestId('training-tab-train')).toHaveCount(0);
  await expect(page.getByTestId('training-tab-draft')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('draft-run')).toHaveCount(0);
  await page.getByTestId('draft-list').getByRole('button', { name: 'Start my annotation from it' }).click();
  await expect(page.getByTestId('draft-message')).toContainText('Your annotation starts from the draft');
  expect(await ownForeground(page)).toBe(foreground);
  await expect(page.getByTestId('history').locator('li')).toHaveCount(1);
  fs.rmSync(files, { recursive: true, force: true });
});

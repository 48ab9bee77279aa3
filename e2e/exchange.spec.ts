// Bundles between workstations, through the real UI (web host): another workstation's review bundle (made
// with the built CLI on its own workspace) is picked in the "Other workstations" panel; its unknown signer
// is shown with its fingerprint and trusted on the user's say-so; the case arrives; importing it again asks
// nothing and changes nothing; then this workstation exports its own bundle as a download, and again
// de-identified (the panel's checkbox). Then the reviewer's story: two workstations continued one rater's
// annotation in parallel; both results come in, the case's annotations mark the fork, the reviewer opens
// that rater's history, looks at a branch tip read-only in the viewer and makes it the head.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';

const CLI = path.join(ROOT, 'out', 'main', 'cli.js');
const LIDC = path.join(
  ROOT,
  'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti',
);
const LIDC_NIFTI = path.join(LIDC, 'image_hu.nii.gz');

function concordCli(...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

test('import a bundle from an unknown workstation after confirming its fingerprint, then export one', async ({
  concord,
}) => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-other-'));
  try {
    const ws = path.join(other, 'ws');
    const bundle = path.join(other, 'reading-room.concord-bundle');
    execFileSync(process.execPath, [
      CLI,
      'import',
      LIDC_NIFTI,
      '--workspace',
      ws,
      '--project',
      'Lung',
      '--case',
      'LIDC 1',
    ]);
    execFileSync(process.execPath, [
      CLI,
      'bundle',
      'export',
      '--workspace',
      ws,
      '--out',
      bundle,
      '--project',
      'Lung',
      '--kind',
      'review',
      '--with-images',
    ]);
    const inspected = JSON.parse(
      execFileSync(process.execPath, [CLI, 'bundle', 'inspect', bundle, '--workspace', ws, '--json'], {
        encoding: 'utf8',
      }),
    ) as { signer: { fingerprint: string } };

    const { page } = await concord.start();
    await createFirstAdmin(page);
    const panel = page.getByTestId('exchange');
    await panel.getByTestId('bundle-input').setInputFiles(bundle);
    const dialog = page.getByTestId('trust-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('trust-fingerprint')).toHaveText(inspected.signer.fingerprint);
    await dialog.getByTestId('trust-accept').click();
    await expect(panel.getByTestId('bundle-imported')).toContainText(
      'Imported: 0 revision(s), 1 new case(s).',
    );
    // The project arrived with its case (the library's list was read again).
    await page.getByTestId('project-select').selectOption({ label: 'Lung (1)' });
    await expect(page.getByTestId('case-list')).toContainText('LIDC 1');

    // Again: the signer is remembered, nothing asked, nothing changed.
    await panel.getByTestId('bundle-input').setInputFiles(bundle);
    await expect(panel.getByTestId('bundle-imported')).toContainText('Already imported: nothing changed.');
    await expect(dialog).toHaveCount(0);

    // Export this workstation's review of the project as a download.
    await panel.getByTestId('bundle-kind').selectOption('review');
    const download = page.waitForEvent('download');
    await panel.getByTestId('bundle-export').click();
    const file = path.join(other, 'download.concord-bundle');
    await (await download).saveAs(file);
    expect((await download).suggestedFilename()).toBe('Lung-review.concord-bundle');
    // A tar whose first member is the signed manifest.
    expect(fs.readFileSync(file).subarray(0, 13).toString()).toBe('manifest.json');
    await expect(panel.getByTestId('bundle-export-message')).toContainText('1 case(s)');

    // De-identified on request: the case travels under its pseudonym, its user-given name nowhere.
    await panel.getByTestId('bundle-deidentify').check();
    const deidDownload = page.waitForEvent('download');
    await panel.getByTestId('bundle-export').click();
    const deid = path.join(other, 'deid.concord-bundle');
    await (await deidDownload).saveAs(deid);
    await expect(panel.getByTestId('bundle-export-message')).toContainText('de-identified');
    const bytes = fs.readFileSync(deid).toString('latin1');
    expect(bytes).not.toContain('LIDC 1');
    expect(bytes).toMatch(/"name":"Case [0-9a-f]{8}"/);
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test("a reviewer sees where a rater's annotation forked, opens a branch read-only and makes it the head", async ({
  concord,
}) => {
  // Eleven CLI runs on three workspaces make the two results before the app starts.
  test.setTimeout(240_000);
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-fork-'));
  try {
    const results = forkedResults(other);
    const { page } = await concord.start();
    const { review, history, fork } = await openForkedHistory(page, results);
    const tips = fork.locator('li[data-testid^="tip-"]');
    await expect(tips).toHaveCount(2);
    // The head first (the desk's, imported last), then the laptop's branch.
    const laptopTip = Number((await tips.nth(1).getAttribute('data-testid'))!.slice('tip-'.length));

    // Read-only: the laptop's branch is drawn, labelled, and no tool can edit it.
    await fork.getByTestId(`view-${laptopTip}`).click();
    const banner = page.getByTestId('branch-view');
    await expect(banner).toContainText('read-only: branch of Reader 1 from');
    await expect(banner).toContainText(`revision #${laptopTip}`);
    await expect(page.getByTestId('tool-palette')).toHaveCount(0);
    // The viewer draws the laptop's mask (reader 1's file: 5348 labelled voxels), not the head's.
    const drawn = (id: string) =>
      page.evaluate((layer) => {
        const h = window.__concordViewer!;
        const [nx, ny, nz] = h.dims;
        let n = 0;
        for (let k = 0; k < nz; k++)
          for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (h.overlayLabelAt(layer, i, j, k)) n++;
        return n;
      }, id);
    await expect
      .poll(() => page.evaluate(() => window.__concordViewer!.overlayIds()))
      .toContain(`branch:${laptopTip}`);
    expect(await drawn(`branch:${laptopTip}`)).toBe(5348);
    expect(await page.evaluate(() => window.__concordViewer!.editorTool())).toBeNull();

    // The reviewer picks it: a new head with its mask, recorded with who picked it; nothing removed.
    await fork.getByTestId(`pick-${laptopTip}`).click();
    await expect(history.getByTestId('history-fork')).toHaveCount(0);
    const picked = history.locator('li[data-tool="pick-branch"]');
    await expect(picked).toHaveCount(1);
    await expect(picked).toContainText('picked by Dr Admin');
    await expect(history.getByTestId(`revision-${laptopTip}`)).toBeVisible();
    await expect(banner).toHaveCount(0);
    await expect(review.getByTestId('forked-Reader 1')).toHaveCount(0);
    await page.getByTestId('activity-toggle').click();
    await expect(page.getByTestId('activity')).toContainText('annotation.pickBranch');
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test('a reviewer merges both branches three-way; conflicting voxels take the branch chosen', async ({
  concord,
}) => {
  test.setTimeout(240_000);
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-merge-'));
  try {
    const results = forkedResults(other);
    const { page } = await concord.start();
    const { review, history, fork } = await openForkedHistory(page, results);
    const tips = fork.locator('li[data-testid^="tip-"]');
    const laptopTip = Number((await tips.nth(1).getAttribute('data-testid'))!.slice('tip-'.length));

    // Merge: the laptop's branch wins where both changed a voxel differently.
    await history.getByTestId('merge-start').click();
    await history.getByTestId(`merge-primary-${laptopTip}`).check();
    await history.getByTestId('merge-confirm').click();
    await expect(history.getByTestId('merge-result')).toHaveText(
      /^merged: [\d,]+ conflicting voxels? took Reader 1.*#\d+/,
    );
    await expect(history.getByTestId('history-fork')).toHaveCount(0);
    const merged = history.locator('li[data-tool="merge-branches"]');
    await expect(merged).toHaveCount(1);
    await expect(merged).toContainText('branches merged by Dr Admin');
    // Both branches' revisions are still in the history.
    await expect(history.getByTestId(`revision-${laptopTip}`)).toBeVisible();
    await expect(review.getByTestId('forked-Reader 1')).toHaveCount(0);
    await page.getByTestId('activity-toggle').click();
    await expect(page.getByTestId('activity')).toContainText('annotation.mergeBranches');
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});

/** Reader 1's case, continued on a laptop and on a desk from one task: two result bundles with a fork. */
function forkedResults(other: string): string[] {
  // The coordinator's workstation: the case and Reader 1's first revision, sent as Reader 1's task.
  const hub = path.join(other, 'hub');
  const imported = JSON.parse(
    concordCli('import', LIDC_NIFTI, '--workspace', hub, '--project', 'Lung', '--case', 'LIDC 1', '--json'),
  ) as { volumes: { id: number }[] };
  const volume = String(imported.volumes[0]!.id);
  const mask = (n: number) => path.join(LIDC, `reader${n}_mask.nii.gz`);
  concordCli('masks', 'import', mask(0), '--workspace', hub, '--volume', volume, '--annotator', 'Reader 1');
  const task = path.join(other, 'task.concord-bundle');
  concordCli('bundle', 'export', '--workspace', hub, '--out', task, '--project', 'Lung', '--for', 'Reader 1');
  // Reader 1 continues it on a laptop and on the reading-room desk: two results with parallel edits.
  const results: string[] = [];
  for (const [name, n] of [
    ['laptop', 1],
    ['desk', 2],
  ] as const) {
    const ws = path.join(other, name);
    concordCli('bundle', 'import', task, '--workspace', ws, '--trust');
    concordCli('masks', 'import', mask(n), '--workspace', ws, '--volume', volume, '--annotator', 'Reader 1');
    const out = path.join(other, `${name}.concord-bundle`);
    concordCli(
      'bundle',
      'export',
      '--workspace',
      ws,
      '--out',
      out,
      '--project',
      'Lung',
      '--kind',
      'result',
      '--with-images',
    );
    results.push(out);
  }

  return results;
}

/** Imports both results in the app and opens Reader 1's history on the fork. */
async function openForkedHistory(page: Page, results: string[]) {
  await createFirstAdmin(page);
  const panel = page.getByTestId('exchange');
  for (const [i, file] of results.entries()) {
    await panel.getByTestId('bundle-input').setInputFiles(file);
    await page.getByTestId('trust-dialog').getByTestId('trust-accept').click();
    await expect(panel.getByTestId('bundle-imported')).toContainText(
      i === 0 ? 'Imported: 2 revision(s), 1 new case(s).' : '1 annotation(s) now have two branches',
    );
  }
  await page.getByTestId('project-select').selectOption({ label: 'Lung (1)' });
  await page
    .getByTestId('case-item')
    .filter({ hasText: 'LIDC 1' })
    .locator('[data-testid^="volume-item-"]')
    .first()
    .click();

  // The case's annotations mark the fork on Reader 1's annotation; the reviewer opens its history.
  const review = page.getByTestId('review');
  await expect(review.getByTestId('forked-Reader 1')).toHaveText('forked: 2 branches');
  await review.getByTestId('history-of-Reader 1').click();
  const history = page.getByTestId('history');
  await expect(history).toHaveAttribute('data-owner', 'Reader 1');
  const fork = history.getByTestId('history-fork');
  await expect(fork).toContainText(/in parallel after #\d+: 2 branches/);
  return { review, history, fork };
}

// Bundles between workstations, through the real UI (web host): another workstation's review bundle (made
// with the built CLI on its own workspace) is picked in the "Other workstations" panel; its unknown signer
// is shown with its fingerprint and trusted on the user's say-so; the case arrives; importing it again asks
// nothing and changes nothing; then this workstation exports its own bundle as a download, and again
// de-identified (the panel's checkbox).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';

const CLI = path.join(ROOT, 'out', 'main', 'cli.js');
const LIDC_NIFTI = path.join(
  ROOT,
  'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti/image_hu.nii.gz',
);

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

// A case's subject in the app (web host; Electron where its binary exists), for NIfTI files imported without
// a manifest: the first admin creates a research project and imports two scans of one person into it, one
// case each; "Subject…" on the first case refuses an overlong name in the dialog and stores nothing, then
// stores the name's keyed pseudonym (never the name), which the case list shows; the same name on the second
// case gives the same pseudonym; the dialog reopens prefilled and Esc closes it unchanged; Clear makes the
// first case its own subject again. The Activity panel lists the changes, and the name appears nowhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';
import { DIMS, niftiBytes } from './support/syntheticProject';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const NAME = 'Alice Example';

/** Two small CT volumes (int16, stored value - 1024 = HU), different so that neither is a duplicate. */
function twoScans(): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-subject-'));
  return ['first.nii', 'second.nii'].map((name, n) => {
    const voxels = new Int16Array(DIMS[0] * DIMS[1] * DIMS[2]).map((_, i) => (i * (7 + n)) % 1500);
    const file = path.join(dir, name);
    fs.writeFileSync(file, niftiBytes(voxels, 1, -1024));
    return file;
  });
}

test('case subject: set in a research project as a pseudonym, shown in the case list, cleared', async ({
  concord,
}) => {
  const { page } = await concord.start();
  await createFirstAdmin(page);

  await page.getByTestId('manage-projects').click();
  await page.getByTestId('new-project-name').fill('Cohort');
  await page.getByTestId('new-project-modality').fill('CT');
  await page.getByTestId('new-project-kind').selectOption('research');
  await page.getByTestId('new-project-create').click();
  await expect(page.getByTestId('projects-message')).toHaveText('Created Cohort.');
  await page.getByTestId('projects-dialog').getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('import-project').selectOption({ label: 'Cohort (CT)' });
  await page.getByTestId('import-files-input').setInputFiles(twoScans());
  await expect(page.getByTestId('import-status')).toContainText('Imported 2 volumes');

  const cases = page.getByTestId('case-item');
  await expect(cases).toHaveCount(2);
  const [first, second] = await cases
    .locator('.case-name')
    .evaluateAll((els) => els.map((e) => e.getAttribute('title')!));
  // Imported without a manifest: no case names a subject yet.
  await expect(page.locator('[data-testid^="subject-of-"]')).toHaveCount(0);

  // An overlong name is refused in the dialog, which stays open; nothing is stored.
  const dialog = page.getByTestId('subject-dialog');
  await page.getByTestId(`case-subject-${first}`).click();
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('subject-input')).toHaveValue('');
  await expect(page.getByTestId('subject-research-note')).toContainText('never the name');
  await expect(page.getByTestId('subject-clear')).toBeDisabled();
  await page.getByTestId('subject-input').fill('x'.repeat(201));
  await page.getByTestId('subject-save').click();
  await expect(page.getByTestId('subject-error')).toHaveText(/a subject is a name of 1\.\.200 characters/);
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId(`subject-of-${first}`)).toHaveCount(0);

  // The name: the case list shows its keyed pseudonym, never the name.
  await page.getByTestId('subject-input').fill(NAME);
  await expect(page.getByTestId('subject-error')).toHaveCount(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'case-subject-dialog.png') });
  await page.getByTestId('subject-save').click();
  await expect(dialog).toHaveCount(0);
  const shown = page.getByTestId(`subject-of-${first}`);
  await expect(shown).toHaveText(/^Subject [0-9a-f]{8}$/);
  const pseudonym = (await shown.textContent())!;

  // The same person on the second case: the same pseudonym, so a split by subject keeps both on one side.
  await page.getByTestId(`case-subject-${second}`).click();
  await page.getByTestId('subject-input').fill(NAME);
  await page.getByTestId('subject-input').press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId(`subject-of-${second}`)).toHaveText(pseudonym);
  await page.screenshot({ path: path.join(ARTIFACTS, 'case-subject-set.png') });

  // Reopened, the dialog holds what is stored; Esc closes it and nothing changes; so does Cancel.
  await page.getByTestId(`case-subject-${first}`).click();
  await expect(page.getByTestId('subject-input')).toHaveValue(pseudonym);
  await page.getByTestId('subject-input').fill('Someone else');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.getByTestId(`case-subject-${first}`).click();
  await expect(page.getByTestId('subject-input')).toHaveValue(pseudonym);
  await page.getByTestId('subject-cancel').click();
  await expect(dialog).toHaveCount(0);
  await expect(shown).toHaveText(pseudonym);

  // Clear: the first case is its own subject again; the second keeps the person.
  await page.getByTestId(`case-subject-${first}`).click();
  await page.getByTestId('subject-clear').click();
  await expect(dialog).toHaveCount(0);
  await expect(shown).toHaveCount(0);
  await expect(page.getByTestId(`subject-of-${second}`)).toHaveText(pseudonym);
  await page.screenshot({ path: path.join(ARTIFACTS, 'case-subject-cleared.png') });

  // The Activity panel lists the three changes, with pseudonyms only.
  await page.getByTestId('activity-toggle').click();
  const changes = page.getByTestId('activity').locator('li', { hasText: 'case.subject' });
  await expect(changes).toHaveCount(3);
  await expect(changes.first()).toContainText('by Dr Admin');
  await expect(page.locator('body')).not.toContainText(NAME);
});

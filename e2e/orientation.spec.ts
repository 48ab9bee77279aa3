// Orientation letters for one head scanned in four patient positions (dcm_qa_decubitus): DICOM geometry is
// patient-based, so every position must show the same, correct letters in every view. The import goes
// through the "path on this computer" field.
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';

const DECUBITUS = path.join(ROOT, 'resources/test-data/dcm_qa_decubitus/In');

const EXPECTED = {
  axial: { left: 'R', right: 'L', top: 'A', bottom: 'P' },
  coronal: { left: 'R', right: 'L', top: 'S', bottom: 'I' },
  sagittal: { left: 'A', right: 'P', top: 'S', bottom: 'I' },
} as const;

test('shows the right orientation letters for every patient position (HFS, HFP, HFDL, HFDR)', async ({
  concord,
}) => {
  const { page } = await concord.start();
  await createFirstAdmin(page);
  for (const position of ['HFS', 'HFP', 'HFDL', 'HFDR']) {
    const previous = await page.evaluate(() => window.__concordViewer?.volumeId ?? null);
    const input = page.getByTestId('import-path');
    await input.fill(path.join(DECUBITUS, position));
    await input.press('Enter');
    await expect(page.getByTestId('import-status')).toContainText('Imported 1 volume');
    // Wait for the new volume's viewer (a new volume id), then check it is the 3-slice sagittal series.
    await expect.poll(() => page.evaluate(() => window.__concordViewer?.volumeId ?? null)).not.toBe(previous);
    await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([256, 256, 3]);
    for (const [view, edges] of Object.entries(EXPECTED)) {
      for (const [edge, letter] of Object.entries(edges)) {
        await expect(page.getByTestId(`orient-${view}-${edge}`), `${position} ${view} ${edge}`).toHaveText(
          letter,
        );
      }
    }
    await page.getByTestId('import-status').getByRole('button', { name: 'Dismiss' }).click();
  }
  await expect(page.getByTestId('case-item')).toHaveCount(4);
});

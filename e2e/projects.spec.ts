// Projects in the app (web host; Electron where its binary exists): the first admin creates two projects with a
// modality and labels, renames one, imports a study into the project picked in the import panel (not the one
// open in the library), moves the case to the other project, archives the emptied one (no longer an import
// target), and removes the case with a reason after a confirmation; the Activity panel lists the removal
// with its reason. The study holds two series with the same description (a copy of the dcmqi 3-slice CT
// with another series UID and number), and the library tells them apart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { data } from '../src-main/io/seg/dcmjs-data';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const CT_DIR = path.join(ROOT, 'resources/test-data/dcmqi_ct3slice_seg/data/segmentations/ct-3slice');

/** Copies a DICOM file with its series description set, and, when given, a new series (UID and number). */
function copySlice(from: string, to: string, series: { uid: string; number: number } | null): void {
  const b = fs.readFileSync(from);
  const dict = data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const ds = data.DicomMetaDictionary.naturalizeDataset(dict.dict) as Record<string, unknown>;
  ds['SeriesDescription'] = 'Chest CT';
  if (series) {
    const sop = `${series.uid}.${path.basename(from, '.dcm')}`;
    ds['SeriesInstanceUID'] = series.uid;
    ds['SeriesNumber'] = series.number;
    ds['SOPInstanceUID'] = sop;
    (dict.meta as Record<string, { Value: unknown[] }>)['00020003']!.Value = [sop];
  }
  dict.dict = data.DicomMetaDictionary.denaturalizeDataset(ds);
  fs.writeFileSync(to, new Uint8Array(dict.write()));
}

/** A study folder with two series described alike: series 2 (3 slices) and series 5 (2 slices). */
function twoSeriesStudy(): string {
  const study = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-study-')), 'Study 7');
  for (const sub of ['first', 'second']) fs.mkdirSync(path.join(study, sub), { recursive: true });
  for (const f of ['01.dcm', '02.dcm', '03.dcm'])
    copySlice(path.join(CT_DIR, f), path.join(study, 'first', f), null);
  const uid = '2.25.271828182845904523536028747135266249775';
  for (const f of ['01.dcm', '02.dcm'])
    copySlice(path.join(CT_DIR, f), path.join(study, 'second', f), { uid, number: 5 });
  return study;
}

test('projects: create, rename, import into a picked project, move, archive, remove a case with a reason', async ({
  concord,
}) => {
  const { page } = await concord.start();
  await createFirstAdmin(page);

  // Two projects, each with its modality and labels.
  await page.getByTestId('manage-projects').click();
  const dialog = page.getByTestId('projects-dialog');
  for (const [name, modality, labels] of [
    ['Chest CT', 'CT', '1 Nodule #ff0000'],
    ['Spine MR', 'MR', '1 Vertebra #ffaa00\n2 Disc #00aaff'],
  ] as const) {
    await page.getByTestId('new-project-name').fill(name);
    await page.getByTestId('new-project-modality').fill(modality);
    await page.getByTestId('new-project-labels').fill(labels);
    await page.getByTestId('new-project-create').click();
    await expect(page.getByTestId('projects-message')).toHaveText(`Created ${name}.`);
  }
  await expect(page.getByTestId('project-row-Chest CT')).toContainText('CT · clinical · 0 case(s)');
  await expect(page.getByTestId('project-row-Spine MR')).toContainText('MR · clinical · 0 case(s)');
  // A label list that uses a value twice is refused with the reason; nothing is created.
  await page.getByTestId('new-project-name').fill('Broken');
  await page.getByTestId('new-project-labels').fill('1 Vertebra\n1 Disc');
  await page.getByTestId('new-project-create').click();
  await expect(page.getByTestId('projects-message')).toHaveText('line 2: value 1 is used twice');
  await expect(page.getByTestId('projects-message')).toHaveClass(/error/);
  await expect(page.getByTestId('project-row-Broken')).toHaveCount(0);

  // Rename: the row and the library's project list say the new name.
  await page.getByTestId('project-row-Spine MR').getByTestId('project-rename-start').click();
  await page.getByTestId('project-rename').fill('Lumbar spine MR');
  await page.getByTestId('project-rename-save').click();
  await expect(page.getByTestId('projects-message')).toHaveText('Lumbar spine MR saved.');
  await expect(page.getByTestId('project-row-Spine MR')).toHaveCount(0);
  await expect(dialog.getByTestId('project-row-Lumbar spine MR')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  // The last created project is open in the library, with its two labels.
  await expect(page.getByTestId('project-select').locator('option:checked')).toHaveText(
    'Lumbar spine MR (0)',
  );
  await expect(page.getByTestId('labels-panel')).toContainText('Vertebra');
  await expect(page.getByTestId('labels-panel')).toContainText('Disc');

  // Import into the project picked in the import panel, not the one open in the library.
  await page.getByTestId('import-project').selectOption({ label: 'Chest CT (CT)' });
  await page.getByTestId('import-folder-input').setInputFiles(twoSeriesStudy());
  await expect(page.getByTestId('import-status')).toContainText('Imported 2 volumes');
  await expect(page.getByTestId('project-select').locator('option:checked')).toHaveText('Chest CT (1)');
  await expect(page.getByTestId('project-select')).toContainText('Lumbar spine MR (0)');
  await expect(page.getByTestId('labels-panel')).toContainText('Nodule');

  // The two series share their description; the library tells them apart by series number and slices.
  const cases = page.getByTestId('case-item');
  await expect(cases).toHaveCount(1);
  const caseName = (await cases.locator('.case-name').first().getAttribute('title'))!;
  const volumeLabels = cases.getByTestId('volume-label');
  await expect(volumeLabels).toHaveCount(2);
  await expect(volumeLabels).toHaveText([
    /^Chest CT \(#2, axial, 3 slices\)$/,
    /^Chest CT \(#5, axial, 2 slices\)$/,
  ]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'projects-two-series.png') });

  // Move the case to the spine project: it leaves Chest CT and arrives there.
  await page.getByTestId(`case-move-${caseName}`).click();
  await page.getByTestId('case-move-target').selectOption({ label: 'Lumbar spine MR' });
  await page.getByTestId('case-move-confirm').click();
  await expect(cases).toHaveCount(0);
  await expect(page.getByTestId('project-select')).toContainText('Chest CT (0)');
  await expect(page.getByTestId('project-select')).toContainText('Lumbar spine MR (1)');

  // Archive the emptied project: marked archived, and no longer an import target.
  await page.getByTestId('manage-projects').click();
  await page.getByTestId('project-row-Chest CT').getByTestId('project-archive').click();
  await expect(page.getByTestId('projects-message')).toHaveText('Chest CT archived.');
  await expect(page.getByTestId('project-row-Chest CT')).toHaveAttribute('data-archived', 'true');
  await expect(page.getByTestId('project-row-Chest CT')).toContainText('(archived)');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('project-select')).toContainText('Chest CT (0) — archived');
  await expect(page.getByTestId('import-project').locator('option')).toHaveText(['Lumbar spine MR (MR)']);

  // Remove the case (admin): a reason first, then a confirmation; the case leaves the list.
  await page.getByTestId('project-select').selectOption({ label: 'Lumbar spine MR (1)' });
  await expect(cases).toHaveCount(1);
  await page.getByTestId(`case-remove-${caseName}`).click();
  await expect(page.getByTestId('case-remove-ask')).toBeDisabled();
  await page.getByTestId('case-remove-reason').fill('Wrong patient: imported by mistake');
  await page.getByTestId('case-remove-ask').click();
  await expect(cases.first()).toContainText(`Remove case ${caseName} from its project?`);
  await expect(cases).toHaveCount(1); // asked, not yet removed
  await page.getByTestId('case-remove-confirm').click();
  await expect(cases).toHaveCount(0);
  await expect(page.getByTestId('project-select')).toContainText('Lumbar spine MR (0)');

  // The Activity panel lists the steps, the removal with its reason and who removed it.
  await page.getByTestId('activity-toggle').click();
  const activity = page.getByTestId('activity');
  for (const action of ['project.create', 'project.update', 'project.archive', 'case.move'])
    await expect(activity).toContainText(action);
  const removal = activity.locator('li', { hasText: 'case.remove' });
  await expect(removal).toHaveCount(1);
  await expect(removal).toContainText(caseName);
  await expect(removal).toContainText('Wrong patient: imported by mistake');
  await expect(removal).toContainText('by Dr Admin');
  await page.screenshot({ path: path.join(ARTIFACTS, 'projects-removed.png') });
});

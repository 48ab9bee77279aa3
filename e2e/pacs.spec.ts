// The PACS browser end to end: a real Orthanc with its DICOMweb plugin holds the 3-slice CT of dcmqi's test
// data; the workspace knows it (`concord pacs add`); the admin opens PACS… in the import panel, searches
// CT studies, gets the study with progress into the project and sees it in the viewer.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin } from './support/profiles';
import { HAVE_ORTHANC, startOrthancProcess } from '../src-main/test-support/orthanc-process';
import type { OrthancServer } from '../src-main/test-support/orthanc-process';

const CT3 = path.join(ROOT, 'resources/test-data/dcmqi_ct3slice_seg/data/segmentations/ct-3slice');
const CLI = path.join(ROOT, 'out', 'main', 'cli.js');

let orthanc: OrthancServer | null = null;
test.afterAll(async () => {
  await orthanc?.stop();
});

test('search a PACS from the import panel and get a study into the project (needs Orthanc)', async ({
  concord,
}) => {
  test.skip(
    !HAVE_ORTHANC,
    'Orthanc with its DICOMweb plugin is not installed (Debian orthanc, orthanc-dicomweb)',
  );
  orthanc = await startOrthancProcess();
  await orthanc.upload(['01.dcm', '02.dcm', '03.dcm'].map((f) => path.join(CT3, f)));
  execFileSync(process.execPath, [
    CLI,
    'pacs',
    'add',
    '--workspace',
    concord.workspace,
    '--name',
    'Hospital',
    '--url',
    orthanc.dicomweb,
  ]);

  const { page } = await concord.start();
  await expect(page.getByTestId('pacs-open')).toBeDisabled();
  await createFirstAdmin(page);
  await page.getByTestId('pacs-open').click();
  await expect(page.getByTestId('pacs-server')).toHaveValue('Hospital');
  await page.getByLabel('Modality').selectOption('MR');
  await page.getByTestId('pacs-search').click();
  await expect(page.getByTestId('pacs-studies')).toContainText('No study matches');
  await page.getByLabel('Modality').selectOption('CT');
  await page.getByTestId('pacs-date').fill('20030417');
  await page.getByTestId('pacs-search').click();
  const row = page.getByTestId('pacs-study');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('2003-04-17');
  await expect(row).toContainText('1 (3 images)');
  await row.getByTestId('pacs-get').click();
  await expect(page.getByTestId('pacs-status')).toHaveText('Imported 1 volume from Hospital.');
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 3]);
});

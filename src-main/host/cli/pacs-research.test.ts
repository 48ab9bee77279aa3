// `concord pacs send` from a research project, against a real Orthanc with its DICOMweb plugin holding the
// 3-slice CT of dcmqi's test data: a reference of a research project is refused in one line (exit 2) before
// any connection is made (a PACS that is down gives the same refusal), nothing is stored on the PACS and the
// workspace is as it was; `--deidentified` sends the de-identified SEG, which the PACS files under the
// replaced study UID, apart from the hospital's original study, naming no patient.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { replacementUid } from '../../core/deid/confidentiality-profile';
import { readDicomDataset } from '../../io/seg/test-support/seg-fixtures';
import { deidHash } from '../../services/workspace/deidentify';
import { freePort, HAVE_ORTHANC, startOrthanc } from '../../test-support/orthanc';
import type { OrthancServer } from '../../test-support/orthanc';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const CT3 = testData('dcmqi_ct3slice_seg', 'data', 'segmentations', 'ct-3slice');
const CT3_FILES = ['01.dcm', '02.dcm', '03.dcm'].map((f) => path.join(CT3, f));
const SEG = testData('dcmqi_ct3slice_seg', 'data', 'segmentations', 'liver.dcm');
const STUDY = '1.2.392.200103.20080913.113635.0.2009.6.22.21.43.10.22941.1';

async function ok(...argv: string[]): Promise<Record<string, unknown>> {
  const r = await cli(...argv, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function auditRows(ws: string): number {
  const w = openWorkspace(ws);
  const n = w.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  w.close();
  return n;
}

describe.runIf(HAVE_ORTHANC)('concord pacs send from a research project (Orthanc with DICOMweb)', () => {
  let orthanc: OrthancServer;
  beforeAll(async () => {
    orthanc = await startOrthanc();
    await orthanc.upload(CT3_FILES);
  }, 60_000);
  afterAll(async () => orthanc?.stop());

  const instances = async () =>
    ((await (await fetch(`${orthanc.rest}/instances`)).json()) as string[]).length;

  it('refuses without --deidentified before connecting; with it, sends a de-identified SEG', async () => {
    const ws = path.join(tempDir(), 'ws');
    await ok('pacs', 'add', '--workspace', ws, '--name', 'H', '--url', orthanc.dicomweb);
    await ok(
      'pacs',
      'add',
      '--workspace',
      ws,
      '--name',
      'Down',
      '--url',
      `http://127.0.0.1:${await freePort()}/dicom-web`,
    );
    await ok('import', CT3, '--workspace', ws, '--project', 'Study', '--kind', 'research');
    const m = await ok('masks', 'import', SEG, '--workspace', ws, '--volume', '1', '--annotator', 'Reader');
    const revision = String(m['revisionId']);

    const stored = await instances();
    const rows = auditRows(ws);
    for (const to of ['H', 'Down']) {
      const r = await cli('pacs', 'send', revision, '--workspace', ws, '--to', to);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(`revision ${revision} is of research project 'Study'.*pacs send --deidentified\\)$`),
        ),
      ]);
    }
    expect(await instances()).toBe(stored);
    expect(auditRows(ws)).toBe(rows);

    const sent = await ok('pacs', 'send', revision, '--workspace', ws, '--to', 'H', '--deidentified');
    expect(sent).toMatchObject({ deidentified: true, stored: [expect.any(String)] });
    expect(await instances()).toBe(stored + 1);
    const w = openWorkspace(ws);
    const study = replacementUid(deidHash(w), STUDY);
    w.close();
    const listed = (await (
      await fetch(
        `${orthanc.dicomweb}/studies/${study}/instances?includefield=00080060&includefield=00100020`,
      )
    ).json()) as Record<string, { Value?: unknown[] }>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!['00080060']!.Value).toEqual(['SEG']);
    const ct = readDicomDataset(CT3_FILES[0]!);
    expect(String(ct['PatientID'])).not.toBe('');
    expect(listed[0]!['00100020']?.Value ?? []).not.toContain(ct['PatientID']);
    const original = (await (
      await fetch(`${orthanc.dicomweb}/studies/${STUDY}/instances`)
    ).json()) as unknown[];
    expect(original).toHaveLength(3);
  });
});

// `concord import --kind research --keep-mapping` as a process (run from source by vite-node), then a
// radiologist's mask of the same LIDC-IDRI series exported as a DICOM SEG and read back by pydicom: the SEG
// references the replaced UIDs that the workspace stores, and names no patient and no annotator. Bad options:
// one line, exit 2, nothing stored.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VolumeSource } from '../../core/volume/types';
import { getVolumeSource } from '../../db/repositories/volumes';
import { REPO_ROOT, tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const PYTHON = '/usr/bin/python3';
const LIDC = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001');
const STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.298806137288633453246975630178';

function concord(...argv: string[]) {
  return spawnSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules', 'vite-node', 'vite-node.mjs'),
      // The unit tests' config carries the source tree's import aliases.
      '--config',
      path.join(REPO_ROOT, 'vitest.config.ts'),
      path.join(REPO_ROOT, 'src-main', 'host', 'cli', 'main.ts'),
      '--',
      ...argv,
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' },
  );
}

/** The SEG's identifying attributes as pydicom reads them. */
const READ_SEG = `
import json, sys, pydicom
d = pydicom.dcmread(sys.argv[1])
print(json.dumps({
  "study": d.StudyInstanceUID,
  "series": d.ReferencedSeriesSequence[0].SeriesInstanceUID,
  "instances": [i.ReferencedSOPInstanceUID for i in d.ReferencedSeriesSequence[0].ReferencedInstanceSequence],
  "frame": d.FrameOfReferenceUID,
  "name": str(d.get("PatientName", "")),
  "id": str(d.get("PatientID", "")),
  "birth": str(d.get("PatientBirthDate", "")),
  "creator": str(d.get("ContentCreatorName", "")),
  "description": str(d.get("SeriesDescription", "")),
}))
`;

describe.runIf(fs.existsSync(PYTHON))(
  'concord import --kind research (needs /usr/bin/python3 with pydicom)',
  () => {
    it('imports with replaced UIDs and a mapping file; its SEG references them and names nobody', async () => {
      const dir = tempDir();
      const ws = path.join(dir, 'ws');
      const mapping = path.join(dir, 'keep', 'mapping.json');
      fs.mkdirSync(path.dirname(mapping));
      const r = concord(
        'import',
        path.join(LIDC, 'dicom'),
        '--workspace',
        ws,
        '--project',
        'Trial',
        '--kind',
        'research',
        '--keep-mapping',
        mapping,
        '--json',
      );
      expect(r.signal).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as { volumes: { id: number; name: string }[] };
      expect(summary.volumes[0]!.name).toBe('CT series 3000566');
      expect(fs.statSync(mapping).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(mapping, 'utf8')).toContain(STUDY);

      const w = openWorkspace(ws);
      const stored = (getVolumeSource(w.db, 1)!.source as VolumeSource).dicom!;
      w.close();
      expect(stored.studyInstanceUID).toMatch(/^2\.25\.\d+$/);

      const imported = await cli(
        'masks',
        'import',
        path.join(LIDC, 'derived_masks_nifti', 'reader1_mask.nii.gz'),
        '--workspace',
        ws,
        '--volume',
        '1',
        '--annotator',
        'Dr Jane Roe',
        '--json',
      );
      expect(imported.code, imported.stderr).toBe(0);
      const revisionId = (JSON.parse(imported.stdout) as { revisionId: number }).revisionId;
      const seg = path.join(dir, 'out.dcm');
      const exported = await cli('masks', 'export', String(revisionId), seg, '--workspace', ws, '--json');
      expect(exported.code, exported.stderr).toBe(0);

      const read = JSON.parse(execFileSync(PYTHON, ['-c', READ_SEG, seg], { encoding: 'utf8' })) as Record<
        string,
        string | string[]
      >;
      expect(read['study']).toBe(stored.studyInstanceUID);
      expect(read['series']).toBe(stored.seriesInstanceUID);
      expect(read['frame']).toBe(stored.frameOfReferenceUID);
      expect(new Set(read['instances'])).toEqual(new Set(stored.instances!.map((i) => i.sopInstanceUID)));
      expect([read['name'], read['id'], read['birth'], read['creator']]).toEqual(['', '', '', '']);
      expect(read['description']).toBe('Concord annotation');
      const bytes = fs.readFileSync(seg).toString('latin1');
      for (const gone of ['LIDC-IDRI-0001', STUDY, 'Jane', '1.3.6.1.4.1.14519'])
        expect(bytes).not.toContain(gone);
    }, 240_000);

    it('refuses a bad --kind or --dates with one line, exit 2, and no workspace', () => {
      const ws = path.join(tempDir(), 'ws');
      const r = concord('import', path.join(LIDC, 'dicom'), '--workspace', ws, '--kind', 'anonymous');
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(
        "concord: --kind is 'clinical' or 'research', not 'anonymous'",
      );
      const d = concord('import', path.join(LIDC, 'dicom'), '--workspace', ws, '--dates', 'blur');
      expect(d.status).toBe(2);
      expect(d.stderr.trim().split('\n').at(-1)).toBe("concord: --dates is 'remove' or 'shift', not 'blur'");
      expect(fs.existsSync(ws)).toBe(false);
    }, 240_000);
  },
);

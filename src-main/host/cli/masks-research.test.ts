// SEG and RTSTRUCT into a research project: the project's volume stores the keyed replacements of the CT's
// UIDs, while a SEG or an RTSTRUCT made in the hospital references the original series. Both are accepted
// when the reference's replacement is the volume's stored UID, give the same voxels as in a clinical project,
// and leave no original UID or file name in the workspace; a reference to a series that is not in the
// workspace is still refused in one line (exit 2, nothing stored). Real files: dcmqi's liver SEG over its
// 3-slice CT, and an RTSTRUCT written by pydicom over the same CT (io/rtstruct/test-support/make_rtstruct.py).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replacementUid } from '../../core/deid/confidentiality-profile';
import type { VolumeSource } from '../../core/volume/types';
import { getVolumeSource } from '../../db/repositories/volumes';
import { CT_DIR, SEG_DATA, editDicom, readDicomDataset } from '../../io/seg/test-support/seg-fixtures';
import { deidHash } from '../../services/workspace/deidentify';
import { REPO_ROOT, tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const LIVER_SEG = path.join(SEG_DATA, 'liver.dcm');
const PYTHON = '/usr/bin/python3';
const MAKER = path.join(REPO_ROOT, 'src-main', 'io', 'rtstruct', 'test-support', 'make_rtstruct.py');
/** One square ROI on the middle slice (pixel coordinates), and one on the first. */
const SPEC = {
  rois: [
    {
      name: 'Lesion',
      color: [255, 0, 0],
      contours: [
        {
          slice: 1,
          points: [
            [200.2, 200.3],
            [260.6, 200.1],
            [260.4, 250.7],
            [200.5, 250.2],
          ],
        },
      ],
    },
    {
      name: 'Vessel',
      color: [0, 128, 255],
      contours: [
        {
          slice: 0,
          points: [
            [320.3, 320.2],
            [380.6, 320.7],
            [350.1, 380.4],
          ],
        },
      ],
    },
  ],
};

async function workspace(kind: 'clinical' | 'research'): Promise<string> {
  const ws = path.join(tempDir(), 'ws');
  const r = await cli('import', CT_DIR, '--workspace', ws, '--project', 'Abdomen', '--kind', kind, '--json');
  expect(r.code, r.stderr).toBe(0);
  return ws;
}

function importMask(ws: string, file: string, annotator: string) {
  return cli('masks', 'import', file, '--workspace', ws, '--volume', '1', '--annotator', annotator, '--json');
}

/** Every byte of the workspace (database after a checkpoint, blobs), as latin1 text. */
function workspaceBytes(ws: string): string {
  const w = openWorkspace(ws);
  w.db.pragma('wal_checkpoint(TRUNCATE)');
  w.close();
  let all = '';
  for (const f of fs.readdirSync(ws, { recursive: true }) as string[]) {
    const p = path.join(ws, f);
    if (fs.statSync(p).isFile()) all += fs.readFileSync(p).toString('latin1');
  }
  return all;
}

function rows(ws: string): number {
  const w = openWorkspace(ws);
  const n = w.db
    .prepare('SELECT (SELECT count(*) FROM annotation_revisions) + (SELECT count(*) FROM blobs) AS n')
    .pluck()
    .get() as number;
  w.close();
  return n;
}

const CT_SERIES = readDicomDataset(path.join(CT_DIR, fs.readdirSync(CT_DIR).sort()[0]!))[
  'SeriesInstanceUID'
] as string;

describe('SEG and RTSTRUCT into a research project', () => {
  it("takes a SEG that references the original series: the volume's replaced UID matches it", async () => {
    const research = await workspace('research');
    const w = openWorkspace(research);
    const stored = (getVolumeSource(w.db, 1)!.source as VolumeSource).dicom!;
    expect(stored.seriesInstanceUID).toBe(replacementUid(deidHash(w), CT_SERIES));
    w.close();
    expect(readDicomDataset(LIVER_SEG)['ReferencedSeriesSequence']).toEqual([
      expect.objectContaining({ SeriesInstanceUID: CT_SERIES }),
    ]);

    const r = await importMask(research, LIVER_SEG, 'dcmqi');
    expect(r.code, r.stderr).toBe(0);
    const clinical = await workspace('clinical');
    const c = await importMask(clinical, LIVER_SEG, 'dcmqi');
    expect(c.code, c.stderr).toBe(0);
    const voxels = (s: string) => (JSON.parse(s) as { labelVoxels: Record<string, number> }).labelVoxels;
    expect(voxels(r.stdout)).toEqual(voxels(c.stdout));
    expect(voxels(r.stdout)).toEqual({ '2': 107098 });
    const bytes = workspaceBytes(research);
    for (const gone of [CT_SERIES, LIVER_SEG, 'liver.dcm']) expect(bytes).not.toContain(gone);

    // A SEG of a series that is not in the workspace: one line, exit 2, nothing stored.
    const other = path.join(tempDir(), 'other-series.dcm');
    editDicom(LIVER_SEG, other, (ds) => {
      (ds['ReferencedSeriesSequence'] as Record<string, unknown>[])[0]!['SeriesInstanceUID'] =
        '1.2.826.0.1.9';
    });
    const before = rows(research);
    const bad = await importMask(research, other, 'X');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^concord: .*other-series\.dcm: references series 1\.2\.826\.0\.1\.9, not volume 1's series [\d.]+\n$/,
    );
    expect(rows(research)).toBe(before);
  });

  it.runIf(fs.existsSync(PYTHON))(
    'takes an RTSTRUCT drawn on the original series, and refuses one of a series not in the workspace (needs /usr/bin/python3 with pydicom)',
    async () => {
      const dir = tempDir();
      const make = (name: string, spec: object) => {
        const specFile = path.join(dir, `${name}.json`);
        fs.writeFileSync(specFile, JSON.stringify(spec));
        const out = path.join(dir, `${name}.dcm`);
        execFileSync(PYTHON, [MAKER, CT_DIR, out, specFile], { stdio: 'pipe' });
        return out;
      };
      const rs = make('rs', SPEC);
      const rsUid = readDicomDataset(rs)['SOPInstanceUID'] as string;
      const research = await workspace('research');
      const clinical = await workspace('clinical');
      const r = await importMask(research, rs, 'Dosimetrist');
      expect(r.code, r.stderr).toBe(0);
      const c = await importMask(clinical, rs, 'Dosimetrist');
      expect(c.code, c.stderr).toBe(0);
      const rois = (s: string) => (JSON.parse(s) as { rois: { name: string; voxels: number }[] }).rois;
      expect(rois(r.stdout)).toEqual(rois(c.stdout));
      expect(rois(r.stdout).map((x) => x.voxels > 100)).toEqual([true, true]);
      // The research workspace keeps the structure set's replaced UID, no original and no file name.
      const w = openWorkspace(research);
      const prov = JSON.parse(
        w.db.prepare('SELECT provenance_json FROM annotation_revisions').pluck().get() as string,
      ) as Record<string, unknown>;
      expect(prov).toMatchObject({ source: 'rtstruct', sopInstanceUID: replacementUid(deidHash(w), rsUid) });
      expect(prov['file']).toBeUndefined();
      w.close();
      const bytes = workspaceBytes(research);
      for (const gone of [CT_SERIES, rsUid, 'rs.dcm']) expect(bytes).not.toContain(gone);

      const before = rows(research);
      const other = make('other', { ...SPEC, series_uid: '1.2.826.0.1.3680043.8.498.1' });
      const bad = await importMask(research, other, 'Dosimetrist');
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /drawn on series 1\.2\.826\.0\.1\.3680043\.8\.498\.1, which is not in this workspace/,
        ),
      ]);
      expect(rows(research)).toBe(before);
    },
  );
});

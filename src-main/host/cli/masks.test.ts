// `concord masks import|export` on the real LIDC-IDRI-0001 CT and its radiologists' masks: on-grid imports,
// refusals that change nothing (off the grid, not a label map), explicit nearest-neighbour resampling, and
// export with the volume's geometry.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Vec3 } from '../../core/geometry/affine';
import { listAudit, verifyAudit } from '../../db/audit';
import { getAnnotatorRow } from '../../db/repositories/annotators';
import { listLabels } from '../../db/repositories/labels';
import { readNifti } from '../../io/nifti/read';
import { writeNifti } from '../../io/nifti/write';
import { tempDir, testData } from '../../test-support/tmp';
import { getRevision } from '../../db/repositories/revisions';
import { fill, labellingFixture } from '../../services/test-support/labelling';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const LIDC = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001');
const READER0 = path.join(LIDC, 'derived_masks_nifti', 'reader0_mask.nii.gz');

interface ImportJson {
  volumeId: number;
  annotatorId: number;
  annotatorName: string;
  annotatorCreated: boolean;
  annotationId: number;
  revisionId: number;
  unchanged: boolean;
  resampled: boolean;
  labelVoxels: Record<string, number>;
  labelsCreated: number[];
}

/** `concord masks import <file> --workspace <ws> --volume 1 --annotator <name> [extra]` */
function maskImport(ws: string, file: string, annotator: string, ...extra: string[]) {
  return cli('masks', 'import', file, '--workspace', ws, '--volume', '1', '--annotator', annotator, ...extra);
}

/** A fresh workspace holding the LIDC CT (DICOM) as volume 1. */
async function lidcWorkspace(): Promise<string> {
  const ws = path.join(tempDir(), 'ws');
  const r = await cli('import', path.join(LIDC, 'dicom'), '--workspace', ws, '--project', 'Lung', '--json');
  expect(r.code).toBe(0);
  return ws;
}

function rows(ws: string) {
  const w = openWorkspace(ws);
  const n = (t: string) => (w.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const out = {
    annotators: n('annotators'),
    annotations: n('annotations'),
    revisions: n('annotation_revisions'),
    audit: n('audit_log'),
  };
  w.close();
  return out;
}

let shifted: string;
beforeAll(async () => {
  // Reader 0's mask moved one voxel along +i (0.703125 mm): same dims, another grid.
  const m = await readNifti(READER0);
  const a = m.geometry.affineLPS.slice();
  a[3] = a[3]! + a[0]!;
  a[7] = a[7]! + a[4]!;
  a[11] = a[11]! + a[8]!;
  shifted = path.join(tempDir(), 'reader0_shifted.nii.gz');
  await writeNifti(shifted, { ...m, geometry: { dims: m.geometry.dims, affineLPS: a } });
});

describe('concord masks import', () => {
  it("imports a radiologist's mask on the CT's grid as a new annotator's revision", async () => {
    const ws = await lidcWorkspace();
    const r = await maskImport(ws, READER0, 'LIDC reader 1', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as ImportJson;
    expect(out).toMatchObject({
      volumeId: 1,
      annotatorName: 'LIDC reader 1',
      annotatorCreated: true,
      unchanged: false,
      resampled: false,
    });
    // Voxel count of reader 0 from the data set's README.
    expect(out.labelVoxels).toEqual({ '1': 6844 });
    const w = openWorkspace(ws);
    try {
      expect(getAnnotatorRow(w.db, out.annotatorId)).toMatchObject({ role: 'annotator', passwordHash: null });
      const status = w.db.prepare('SELECT status FROM annotations WHERE id = ?').get(out.annotationId);
      expect(status).toEqual({ status: 'done' });
      expect(
        listAudit(w.db)
          .slice(0, 4)
          .map((a) => a.action),
      ).toEqual(['case.submit', 'annotation.import', 'annotation.create', 'annotator.create']);
      // A finished mask from another tool counts as the reader's submission (a default rater).
      expect(w.db.prepare('SELECT state FROM case_submissions').all()).toEqual([{ state: 'submitted' }]);
      expect(verifyAudit(w.db).intact).toBe(true);
    } finally {
      w.close();
    }
    // The same file again stores nothing new.
    const again = JSON.parse((await maskImport(ws, READER0, 'lidc READER 1', '--json')).stdout) as ImportJson;
    expect(again).toMatchObject({
      unchanged: true,
      revisionId: out.revisionId,
      annotatorCreated: false,
      annotationId: out.annotationId,
    });
  });

  it('refuses a mask off the volume grid with one line and exit 2, changing nothing', async () => {
    const ws = await lidcWorkspace();
    const before = rows(ws);
    const otherDims = await maskImport(
      ws,
      testData('sct_testing_data_spinalcord', 't2', 't2_seg-manual.nii.gz'),
      'X',
    );
    expect(otherDims.code).toBe(2);
    expect(otherDims.stderr).toMatch(
      /^concord: .*t2_seg-manual\.nii\.gz: not on the volume's grid: dims differ \(512x512x16 vs .*\); pass --resample nearest to resample it by nearest neighbour\n$/,
    );
    const moved = await maskImport(ws, shifted, 'X');
    expect(moved.code).toBe(2);
    expect(moved.stderr).toMatch(/voxel positions differ by up to 0\.703 mm \(more than 0\.001 mm\)/);
    expect(rows(ws)).toEqual(before);
  });

  it('resamples by nearest neighbour when asked, through the two affines', async () => {
    const ws = await lidcWorkspace();
    const r = await maskImport(ws, shifted, 'Moved', '--resample', 'nearest', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as ImportJson;
    expect(out).toMatchObject({ resampled: true, labelVoxels: { '1': 6844 } });
    // Exported back, the mask is reader 0's moved by one voxel: volume voxel i holds reader 0's voxel i-1.
    const file = path.join(tempDir(), 'moved.nii.gz');
    expect((await cli('masks', 'export', String(out.revisionId), file, '--workspace', ws)).code).toBe(0);
    const moved = (await readNifti(file)).data;
    const original = (await readNifti(READER0)).data;
    const [nx] = [512];
    let mismatches = 0;
    for (let n = 0; n < original.length; n++) {
      const i = n % nx;
      const want = i === 0 ? 0 : original[n - 1]!;
      if (moved[n] !== want) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('maps a binary mask onto --label, creating that label in the project', async () => {
    const ws = await lidcWorkspace();
    const r = await maskImport(ws, READER0, 'Ann', '--label', '3', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ labelVoxels: { '3': 6844 }, labelsCreated: [3] });
    const w = openWorkspace(ws);
    expect(listLabels(w.db, 1).map((l) => [l.value, l.name])).toEqual([
      [1, 'Lesion'],
      [3, 'Label 3'],
    ]);
    w.close();
  });

  it('refuses an image that is not a label map, a bad --resample and a missing volume', async () => {
    const ws = await lidcWorkspace();
    const before = rows(ws);
    const hu = await maskImport(ws, path.join(LIDC, 'derived_masks_nifti', 'image_hu.nii.gz'), 'X');
    expect(hu.code).toBe(2);
    expect(hu.stderr).toMatch(
      /image_hu\.nii\.gz: voxel 0 holds -?\d+: a label map holds integers 0\.\.255 \(use --label <value> for a binary mask\)/,
    );
    const bad = await maskImport(ws, READER0, 'X', '--resample', 'linear');
    expect(bad.stderr).toBe("concord: --resample takes only 'nearest' (got 'linear')\n");
    const missing = await cli(
      'masks',
      'import',
      READER0,
      '--workspace',
      ws,
      '--volume',
      '7',
      '--annotator',
      'X',
    );
    expect([missing.code, missing.stderr]).toEqual([2, 'concord: volume 7 does not exist\n']);
    const label0 = await maskImport(ws, READER0, 'X', '--label', '300');
    expect(label0.stderr).toMatch(/--label must be an integer 1\.\.255/);
    expect(rows(ws)).toEqual(before);
  });
});

describe('concord masks export', () => {
  it("writes a revision as uint8 NIfTI with its volume's geometry, and refuses an unknown revision", async () => {
    const ws = await lidcWorkspace();
    const imp = JSON.parse((await maskImport(ws, READER0, 'R', '--json')).stdout) as ImportJson;
    const file = path.join(tempDir(), 'r.nii.gz');
    const r = await cli('masks', 'export', String(imp.revisionId), file, '--workspace', ws, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ revisionId: imp.revisionId, author: 'R', file });
    const back = await readNifti(file);
    const original = await readNifti(READER0);
    expect(back.scalarType).toBe('uint8');
    expect(back.geometry.dims).toEqual([512, 512, 16] as Vec3);
    back.geometry.affineLPS.forEach((x, n) => expect(x).toBeCloseTo(original.geometry.affineLPS[n]!, 4));
    expect(
      Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength).equals(
        Buffer.from(original.data.buffer, original.data.byteOffset, original.data.byteLength),
      ),
    ).toBe(true);
    const w = openWorkspace(ws);
    expect(listAudit(w.db)[0]).toMatchObject({
      action: 'annotation.export',
      // Audit rows are readable while signed out: the base name, not where the file went.
      detail: { revisionId: imp.revisionId, file: path.basename(file), deidentified: false },
    });
    w.close();
    const missing = await cli('masks', 'export', '999', file, '--workspace', ws);
    expect([missing.code, missing.stderr]).toEqual([2, 'concord: revision 999 does not exist\n']);
    expect(
      (await cli('masks', 'export', String(imp.revisionId), path.join(tempDir(), 'r.png'), '--workspace', ws))
        .code,
    ).toBe(2);
  });
});

describe('concord masks export of a delta revision', () => {
  it('writes the labels of a revision stored as a patch over its parent', async () => {
    const fx = await labellingFixture();
    try {
      const ann = await fx.signedIn('Ann', 'annotator');
      const { id: volumeId, dims } = fx.volumes[0]!;
      const a = await ann.ok('annotation:open', { volumeId });
      const r1 = await ann.ok('annotation:commit', {
        annotationId: a.id,
        parentRevisionId: null,
        tool: 'brush',
        patch: fill([0, 4, 0, 6, 0, 4], 1),
      });
      const r2 = await ann.ok('annotation:commit', {
        annotationId: a.id,
        parentRevisionId: r1.id,
        tool: 'eraser',
        patch: fill([1, 3, 2, 4, 1, 2], 0),
      });
      const ws = fx.services.app.workspace;
      expect(getRevision(ws.db, r2.id)).toMatchObject({ storage: 'delta', baseId: r1.id });
      const out = path.join(fx.dir, 'r2.nii.gz');
      const r = await cli('masks', 'export', String(r2.id), out, '--workspace', ws.dir, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const want = new Uint8Array(dims[0] * dims[1] * dims[2]);
      for (let k = 0; k < 4; k++)
        for (let j = 0; j < 6; j++)
          for (let i = 0; i < 4; i++) {
            const erased = i >= 1 && i < 3 && j >= 2 && j < 4 && k === 1;
            want[i + j * dims[0] + k * dims[0] * dims[1]] = erased ? 0 : 1;
          }
      const image = await readNifti(out);
      expect(Buffer.from(image.data as Uint8Array).equals(Buffer.from(want))).toBe(true);
    } finally {
      fx.close();
    }
  });
});

// `concord dataset export` on the SimpleITK liver tumour CT and its three radiologists (../shared/data) plus
// a small second case: nnU-Net's layout and MONAI's datalist; nibabel (/usr/bin/python3) finds every label
// map on its image's grid (shape and affine); the vote and STAPLE label maps count what ITK counted (1355
// voxels, the data set's README); no case name, annotator name, source path or workspace path in any file;
// a case without the target refuses the export (nothing written) unless --skip-missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { writeNifti } from '../../io/nifti/write';
import { readNifti } from '../../io/nifti/read';
import { REPO_ROOT, tempDir } from '../../test-support/tmp';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const LIVER = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'simpleitk_liver_tumor_3radiologists');
const present = fs.existsSync(LIVER) && fs.existsSync('/usr/bin/python3');
const WHY = present
  ? '../shared/data/simpleitk_liver_tumor_3radiologists'
  : 'skipped: ../shared/data or /usr/bin/python3 absent';

/** Workspace "ws" with project P: case LIVER-0001^Doe (the CT, Dr Alice, Dr Bob, Dr Carol) and case
 *  SMALL-0002 (a 6x5x4 volume, two raters with labels 1 and 2), or only Dr Alice on it with `oneRater`. */
async function workspace(oneRater = false): Promise<{ dir: string; ws: string }> {
  const dir = tempDir();
  const n = path.join(LIVER, 'nifti_converted');
  const affineLPS = [1, 0, 0, -3, 0, 1, 0, -2, 0, 0, 2, -1, 0, 0, 0, 1];
  const small = (file: string, data: Uint8Array) =>
    writeNifti(file, {
      geometry: { dims: [6, 5, 4], affineLPS },
      scalarType: 'uint8',
      data,
      frames: 1,
      rescale: { slope: 1, intercept: 0 },
      source: { format: 'nifti', files: [], description: 'x' },
    });
  const m1 = new Uint8Array(120).fill(1, 0, 30).fill(2, 60, 70);
  const m2 = new Uint8Array(120).fill(1, 5, 30).fill(2, 60, 75);
  await small(
    path.join(dir, 'small.nii.gz'),
    new Uint8Array(120).map((_, i) => i),
  );
  await small(path.join(dir, 'small_a.nii.gz'), m1);
  await small(path.join(dir, 'small_b.nii.gz'), m2);
  const manifest = [
    {
      case: 'LIVER-0001^Doe',
      image: path.join(n, 'Patient01Homo.nii.gz'),
      masks: {
        'Dr Alice': path.join(n, 'Patient01Homo_Rad01.nii.gz'),
        'Dr Bob': path.join(n, 'Patient01Homo_Rad02.nii.gz'),
        'Dr Carol': path.join(n, 'Patient01Homo_Rad03.nii.gz'),
      },
    },
    {
      case: 'SMALL-0002',
      image: 'small.nii.gz',
      masks: oneRater
        ? { 'Dr Alice': 'small_a.nii.gz' }
        : { 'Dr Alice': 'small_a.nii.gz', 'Dr Bob': 'small_b.nii.gz' },
    },
  ];
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const ws = path.join(dir, 'ws');
  const r = await cli(
    'import',
    '--manifest',
    path.join(dir, 'manifest.json'),
    '--workspace',
    ws,
    '--project',
    'P',
  );
  expect(r.code, r.stderr).toBe(0);
  return { dir, ws };
}

/** nibabel's shape and affine of each image / label pair must agree; returns the label voxel counts. */
function nibabelCheck(pairs: { image: string; label: string }[]): Record<string, number>[] {
  const script = `
import json, sys, nibabel as nib, numpy as np
out = []
for p in json.loads(sys.argv[1]):
    a, b = nib.load(p['image']), nib.load(p['label'])
    assert a.shape == b.shape, (a.shape, b.shape)
    assert np.allclose(a.affine, b.affine, atol=1e-6), (a.affine, b.affine)
    v, c = np.unique(np.asanyarray(b.dataobj), return_counts=True)
    out.append({str(int(x)): int(y) for x, y in zip(v, c)})
print(json.dumps(out))`;
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(pairs)], { encoding: 'utf8' }),
  );
}

/** Every byte of every file under `dir` (gzip files inflated), as latin1 text. */
function allText(dir: string): string {
  let s = '';
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (!fs.statSync(p).isFile()) continue;
    const b = fs.readFileSync(p);
    s += (f.endsWith('.gz') ? gunzipSync(b) : b).toString('latin1') + '\n' + f + '\n';
  }
  return s;
}

describe(`dataset export (${WHY})`, () => {
  test.skipIf(!present)(
    'nnunet, vote: nnU-Net v2 layout, same grids, ITK counts, de-identified, provenance',
    async () => {
      const { dir, ws } = await workspace();
      const out = path.join(dir, 'Dataset501_Liver');
      const r = await cli(
        'dataset',
        'export',
        '--workspace',
        ws,
        '--project',
        'P',
        '--format',
        'nnunet',
        '--target',
        'vote',
        '--out',
        out,
        '--json',
      );
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.cases).toBe(2);
      const ds = JSON.parse(fs.readFileSync(path.join(out, 'dataset.json'), 'utf8'));
      expect(ds).toMatchObject({
        channel_names: { '0': 'image' },
        labels: { background: 0, Lesion: 1, 'Label 2': 2 },
        numTraining: 2,
        file_ending: '.nii.gz',
      });
      expect(fs.readdirSync(path.join(out, 'imagesTr')).sort()).toEqual([
        'case_001_0000.nii.gz',
        'case_002_0000.nii.gz',
      ]);
      expect(fs.readdirSync(path.join(out, 'labelsTr')).sort()).toEqual([
        'case_001.nii.gz',
        'case_002.nii.gz',
      ]);
      const counts = nibabelCheck(
        ['case_001', 'case_002'].map((c) => ({
          image: path.join(out, 'imagesTr', `${c}_0000.nii.gz`),
          label: path.join(out, 'labelsTr', `${c}.nii.gz`),
        })),
      );
      expect(counts[0]!['1']).toBe(1355); // ITK LabelVoting of the three radiologists (README: count_1)
      // SMALL-0002's two raters: label 1 where both (5..29), label 2 where both (60..69); ties are background.
      expect(counts[1]).toEqual({ '0': 120 - 25 - 10, '1': 25, '2': 10 });
      // The image is the stored volume itself.
      const img = await readNifti(path.join(out, 'imagesTr', 'case_001_0000.nii.gz'));
      const src = await readNifti(path.join(LIVER, 'nifti_converted', 'Patient01Homo.nii.gz'));
      expect(Buffer.from(img.data.buffer).equals(Buffer.from(src.data.buffer))).toBe(true);

      const prov = JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8'));
      expect(prov.target).toBe('vote');
      expect(prov.raters).toEqual(['rater_1', 'rater_2', 'rater_3']);
      expect(prov.cases[0]).toMatchObject({
        case: 'case_001',
        method: 'majority vote',
        parameters: { ties: 'background' },
      });
      expect(prov.cases[0].revisions.map((x: { rater: string }) => x.rater)).toEqual([
        'rater_1',
        'rater_2',
        'rater_3',
      ]);
      expect(
        prov.cases[0].revisions.every((x: { revisionId: number }) => Number.isInteger(x.revisionId)),
      ).toBe(true);
      const text = allText(out);
      for (const secret of [
        'LIVER-0001',
        'Doe',
        'SMALL-0002',
        'Alice',
        'Bob',
        'Carol',
        'Patient01',
        dir,
        LIVER,
        'manifest',
      ]) {
        expect(text.includes(secret), secret).toBe(false);
      }
    },
  );

  test.skipIf(!present)('monai, staple: a datalist beside the files; STAPLE counts as ITK', async () => {
    const { dir, ws } = await workspace();
    const out = path.join(dir, 'monai');
    const r = await cli(
      'dataset',
      'export',
      '--workspace',
      ws,
      '--project',
      'P',
      '--format',
      'monai',
      '--target',
      'staple',
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(fs.readFileSync(path.join(out, 'datalist.json'), 'utf8'));
    expect(list.training).toEqual([
      { image: 'imagesTr/case_001.nii.gz', label: 'labelsTr/case_001.nii.gz' },
      { image: 'imagesTr/case_002.nii.gz', label: 'labelsTr/case_002.nii.gz' },
    ]);
    const counts = nibabelCheck(
      list.training.map((t: { image: string; label: string }) => ({
        image: path.join(out, t.image),
        label: path.join(out, t.label),
      })),
    );
    expect(counts[0]!['1']).toBe(1355); // ITK STAPLE, probability > 0.5 (README: count_p_gt_0.5)
    const prov = JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8'));
    expect(prov.cases.map((c: { method: string }) => c.method)).toEqual(['STAPLE', 'multi-label STAPLE']);
  });

  test.skipIf(!present)(
    'a case without the target: refused listing it, nothing written; --skip-missing leaves it out',
    async () => {
      const { dir, ws } = await workspace(true);
      const out = path.join(dir, 'ds');
      const r = await cli(
        'dataset',
        'export',
        '--workspace',
        ws,
        '--project',
        'P',
        '--format',
        'nnunet',
        '--target',
        'vote',
        '--out',
        out,
      );
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        'concord: 1 case(s) have no vote target: SMALL-0002 (1 annotator mask(s); vote needs two or more); add it, or pass --skip-missing to leave them out',
      );
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
      const s = await cli(
        'dataset',
        'export',
        '--workspace',
        ws,
        '--project',
        'P',
        '--format',
        'nnunet',
        '--target',
        'annotator:Dr Alice',
        '--out',
        out,
        '--json',
      );
      expect(s.code, s.stderr).toBe(0);
      expect(JSON.parse(s.stdout).cases).toBe(2);
      const again = await cli(
        'dataset',
        'export',
        '--workspace',
        ws,
        '--project',
        'P',
        '--format',
        'nnunet',
        '--target',
        'vote',
        '--out',
        path.join(dir, 'ds2'),
        '--skip-missing',
        '--json',
      );
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ cases: 1, skipped: [{ case: 'SMALL-0002' }] });
      // An output folder that is not empty is refused.
      const full = await cli(
        'dataset',
        'export',
        '--workspace',
        ws,
        '--project',
        'P',
        '--format',
        'nnunet',
        '--target',
        'vote',
        '--out',
        out,
        '--skip-missing',
      );
      expect(full.code).toBe(2);
      expect(full.stderr).toMatch(/the output folder is not empty/);
    },
  );
});

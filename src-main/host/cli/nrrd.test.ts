// NRRD through the CLI: `info x.nrrd --json` agrees with the NIfTI it was written from (numpy's writer,
// io/nrrd/test-support); `import` stores NRRD volumes and refuses bad NRRD with one line, exit 2, nothing
// stored (also in a child process); `masks import` takes dcmqi's label map on the real CT's grid and 3D
// Slicer segmentations (names and colours as labels, layers flattened, overlaps refused); `masks export
// out.seg.nrrd` writes Slicer's keys and reads back (here and in plastimatch) to the same voxels.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, test, vi } from 'vitest';
import type { Vec3 } from '../../core/geometry/affine';
import { listLabels } from '../../db/repositories/labels';
import { readNifti } from '../../io/nifti/read';
import { writeNifti } from '../../io/nifti/write';
import { readNrrdSamples } from '../../io/nrrd/read';
import { REPO_ROOT, tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const SHARED = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'dcmqi_ct3slice_seg');
const present = fs.existsSync(SHARED) && fs.existsSync('/usr/bin/python3');
const WHY = present
  ? '../shared/data/dcmqi_ct3slice_seg'
  : 'skipped: ../shared/data or /usr/bin/python3 absent';
const CT_NIFTI = path.join(SHARED, 'derived_nifti', 'ct3slice.nii.gz');
const SEGS = path.join(SHARED, 'data', 'segmentations');
const WRITER = path.join(REPO_ROOT, 'src-main', 'io', 'nrrd', 'test-support', 'nifti_to_nrrd.py');

function count(ws: string, table: string): number {
  const w = openWorkspace(ws);
  try {
    return (w.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    w.close();
  }
}

describe(`info and import (${WHY})`, () => {
  test.skipIf(!present)(
    'info --json of the NRRD agrees with the NIfTI (dims, spacing, affineLPS, dtype, stats)',
    async () => {
      const dir = tempDir();
      const nrrd = path.join(dir, 'ct.nhdr');
      execFileSync('/usr/bin/python3', [WRITER, CT_NIFTI, nrrd, 'nhdr-gzip-lps']);
      const a = await cli('info', nrrd, '--json');
      const b = await cli('info', CT_NIFTI, '--json');
      expect([a.code, b.code]).toEqual([0, 0]);
      const [x, y] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
      expect(x.dims).toEqual(y.dims);
      expect(x.dtype).toBe(y.dtype);
      expect(x.stats).toEqual(y.stats);
      x.spacing.forEach((s: number, i: number) => expect(s).toBeCloseTo(y.spacing[i], 5));
      x.affineLPS.flat().forEach((s: number, i: number) => expect(s).toBeCloseTo(y.affineLPS.flat()[i], 5));
      expect(x.format).toBe('nrrd');
    },
  );

  test.skipIf(!present)(
    'import stores an NRRD volume; bad NRRD: one line, exit 2, nothing stored',
    async () => {
      const dir = tempDir();
      const ws = path.join(dir, 'ws');
      const ok = await cli(
        'import',
        path.join(SEGS, 'liver_seg.nrrd'),
        '--workspace',
        ws,
        '--project',
        'P',
        '--json',
      );
      expect(ok.code).toBe(0);
      const w = openWorkspace(ws);
      expect(w.db.prepare('SELECT source_format, dim_i, dim_k FROM volumes').all()).toEqual([
        { source_format: 'nrrd', dim_i: 512, dim_k: 3 },
      ]);
      w.close();
      // A header whose data file lies outside its folder; a bad header; truncated data.
      fs.mkdirSync(path.join(dir, 'in'));
      fs.writeFileSync(path.join(dir, 'secret.raw'), Buffer.alloc(8));
      const head = 'NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2 2 2\nencoding: raw\n';
      fs.writeFileSync(path.join(dir, 'in', 'a.nhdr'), `${head}data file: ../secret.raw\n`);
      fs.writeFileSync(
        path.join(dir, 'in', 'b.nrrd'),
        `NRRD0004\ntype: uint8\ndimension: 3\nencoding: raw\n\n12345678`,
      );
      fs.writeFileSync(path.join(dir, 'in', 'c.nrrd'), `${head}\n12345`);
      for (const [f, why] of [
        ['a.nhdr', "the data file '../secret.raw' lies outside the header's folder"],
        ['b.nrrd', 'bad NRRD header: Sizes missing'],
        ['c.nrrd', 'truncated: the header announces 8 bytes of samples, the data hold 5'],
      ] as const) {
        const r = await cli('import', path.join(dir, 'in', f), '--workspace', ws, '--project', 'P');
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(why);
        expect(count(ws, 'volumes')).toBe(1);
      }
    },
  );
});

it('in a child process: a detached data file outside the folder is one line, exit 2, no workspace change', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'in'));
  fs.writeFileSync(
    path.join(dir, 'in', 'x.nhdr'),
    'NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2 2 2\nencoding: raw\ndata file: /etc/hostname\n',
  );
  const r = spawnSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules', 'vite-node', 'vite-node.mjs'),
      '--config',
      path.join(REPO_ROOT, 'vitest.config.ts'),
      path.join(REPO_ROOT, 'src-main', 'host', 'cli', 'main.ts'),
      '--',
      'import',
      path.join(dir, 'in', 'x.nhdr'),
      '--workspace',
      path.join(dir, 'ws'),
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' },
  );
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toEqual([
    `concord: ${path.join(dir, 'in', 'x.nhdr')}: the data file '/etc/hostname' lies outside the header's folder; Concord reads data files beside their header only`,
  ]);
}, 90_000);

/** A workspace with one synthetic 6x5x4 volume (LPS, spacing 1,1,2, origin -3,-2,-1) as volume 1. */
async function syntheticWorkspace(): Promise<{ ws: string; dir: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'vol.nii.gz');
  const dims: Vec3 = [6, 5, 4];
  await writeNifti(file, {
    geometry: { dims, affineLPS: [1, 0, 0, -3, 0, 1, 0, -2, 0, 0, 2, -1, 0, 0, 0, 1] },
    scalarType: 'int16',
    data: new Int16Array(120).map((_, i) => i),
    frames: 1,
    rescale: { slope: 1, intercept: 0 },
    source: { format: 'nifti', files: [], description: 'vol' },
  });
  const ws = path.join(dir, 'ws');
  expect((await cli('import', file, '--workspace', ws, '--project', 'P')).code).toBe(0);
  return { ws, dir };
}

/** A Slicer 4D segmentation on the synthetic grid: `layers` x 6 x 5 x 4, layer fastest, with segment keys. */
function slicerSeg(file: string, layers: Uint8Array[], keys: string[]): void {
  const n = 120;
  const data = new Uint8Array(n * layers.length);
  for (let p = 0; p < n; p++) layers.forEach((l, i) => (data[i + layers.length * p] = l[p]!));
  const header = [
    'NRRD0004',
    'type: unsigned char',
    'dimension: 4',
    'space: left-posterior-superior',
    `sizes: ${layers.length} 6 5 4`,
    'space directions: none (1,0,0) (0,1,0) (0,0,2)',
    'kinds: list domain domain domain',
    'encoding: gzip',
    'space origin: (-3,-2,-1)',
    'Segmentation_MasterRepresentation:=Binary labelmap',
    ...keys,
  ].join('\n');
  fs.writeFileSync(file, Buffer.concat([Buffer.from(header + '\n\n'), gzipSync(data)]));
}

const seg = (n: number, name: string, color: string, value: number, layer: number) => [
  `Segment${n}_ID:=Segment_${n + 1}`,
  `Segment${n}_Name:=${name}`,
  `Segment${n}_Color:=${color}`,
  `Segment${n}_LabelValue:=${value}`,
  `Segment${n}_Layer:=${layer}`,
];

describe('masks import of 3D Slicer segmentations', () => {
  it('two layers each counting from 1: segments numbered in order, named and coloured; overlaps refused', async () => {
    const { ws, dir } = await syntheticWorkspace();
    const a = new Uint8Array(120);
    const b = new Uint8Array(120);
    a.fill(1, 0, 10);
    b.fill(1, 50, 57);
    const file = path.join(dir, 'two.seg.nrrd');
    slicerSeg(file, [a, b], [...seg(0, 'Lung nodule', '1 0.5 0', 1, 0), ...seg(1, 'Vessel', '0 0 1', 1, 1)]);
    const r = await cli(
      'masks',
      'import',
      file,
      '--workspace',
      ws,
      '--volume',
      '1',
      '--annotator',
      'ann',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.labelVoxels).toEqual({ '1': 10, '2': 7 });
    // Label 1 exists in every new project ("Lesion"): it keeps its name; label 2 is new, named by the file.
    expect(j.segments).toEqual([
      { value: 1, name: 'Lung nodule', color: '#ff8000', projectLabel: 'Lesion' },
      { value: 2, name: 'Vessel', color: '#0000ff', projectLabel: 'Vessel' },
    ]);
    const w = openWorkspace(ws);
    expect(listLabels(w.db, 1).map((l) => [l.value, l.name, l.color])).toEqual([
      [1, 'Lesion', '#ff0000'],
      [2, 'Vessel', '#0000ff'],
    ]);
    w.close();

    const before = count(ws, 'annotation_revisions');
    b.fill(1, 5, 8); // voxels 5..7 now in both segments
    const over = path.join(dir, 'over.seg.nrrd');
    slicerSeg(over, [a, b], [...seg(0, 'Lung nodule', '1 0.5 0', 1, 0), ...seg(1, 'Vessel', '0 0 1', 1, 1)]);
    const bad = await cli('masks', 'import', over, '--workspace', ws, '--volume', '1', '--annotator', 'ann');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      `concord: ${over}: segments 'Lung nodule' and 'Vessel' overlap (3 voxels): a Concord mask holds one label per voxel; import them from separate files (or with --label, as one label)`,
    );
    expect(count(ws, 'annotation_revisions')).toBe(before);
  });

  test.skipIf(!present)(`dcmqi's liver label map on the real CT's grid (${WHY})`, async () => {
    const ws = path.join(tempDir(), 'ws');
    expect(
      (await cli('import', path.join(SEGS, 'ct-3slice'), '--workspace', ws, '--project', 'P')).code,
    ).toBe(0);
    const r = await cli(
      'masks',
      'import',
      path.join(SEGS, 'liver_seg.nrrd'),
      '--workspace',
      ws,
      '--volume',
      '1',
      '--annotator',
      'ann',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).labelVoxels).toEqual({ '1': 107098 }); // the dataset README's count
  });
});

describe('masks export <revision> out.seg.nrrd', () => {
  it("writes Slicer's keys, and reads back (Concord, plastimatch) to the same voxels on the volume's grid", async () => {
    const { ws, dir } = await syntheticWorkspace();
    const m = new Uint8Array(120);
    m.fill(1, 10, 20);
    m.fill(2, 60, 64);
    const maskFile = path.join(dir, 'm.nii.gz');
    await writeNifti(maskFile, {
      geometry: { dims: [6, 5, 4], affineLPS: [1, 0, 0, -3, 0, 1, 0, -2, 0, 0, 2, -1, 0, 0, 0, 1] },
      scalarType: 'uint8',
      data: m,
      frames: 1,
      rescale: { slope: 1, intercept: 0 },
      source: { format: 'nifti', files: [], description: 'm' },
    });
    expect(
      (await cli('masks', 'import', maskFile, '--workspace', ws, '--volume', '1', '--annotator', 'ann')).code,
    ).toBe(0);
    const out = path.join(dir, 'out.seg.nrrd');
    const r = await cli('masks', 'export', '1', out, '--workspace', ws, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nrrd.segments).toEqual([
      { value: 1, name: 'Lesion' },
      { value: 2, name: 'Label 2' },
    ]);
    const s = await readNrrdSamples(out);
    expect(s.header.space).toBe('left-posterior-superior');
    expect(s.header.keys).toMatchObject({
      Segmentation_MasterRepresentation: 'Binary labelmap',
      Segmentation_ContainedRepresentationNames: 'Binary labelmap|',
      Segment0_Name: 'Lesion',
      Segment0_Color: '1.000000 0.000000 0.000000',
      Segment0_LabelValue: '1',
      Segment0_Layer: '0',
      Segment0_Extent: '0 5 1 3 0 0', // voxels 10..19: i 4,5 then 0..5; j 1..3
      Segment1_Name: 'Label 2',
      Segment1_Extent: '0 3 0 0 2 2',
    });
    expect(Array.from(s.data)).toEqual(Array.from(m));
    execFileSync('plastimatch', ['convert', '--input', out, '--output-img', path.join(dir, 'p.nii.gz')], {
      stdio: 'ignore',
    });
    const p = await readNifti(path.join(dir, 'p.nii.gz'));
    expect(Array.from(p.data)).toEqual(Array.from(m));
    p.geometry.affineLPS.forEach((x, i) =>
      expect(x).toBeCloseTo([1, 0, 0, -3, 0, 1, 0, -2, 0, 0, 2, -1, 0, 0, 0, 1][i]!, 6),
    );
    // Importing the export again changes nothing: the same mask is the head already.
    const again = await cli(
      'masks',
      'import',
      out,
      '--workspace',
      ws,
      '--volume',
      '1',
      '--annotator',
      'ann',
      '--json',
    );
    expect(JSON.parse(again.stdout).unchanged).toBe(true);
  });
});

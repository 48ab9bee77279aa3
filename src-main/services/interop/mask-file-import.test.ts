// 'masks:import' (the app's mask import) and the one path it shares with `concord masks import`
// (mask-file-import.ts): each format onto a volume as a named annotator, and the refusals, which store nothing
// and name the file by its picked name only. Masks come from the app's own exports where a format needs
// a real peer file (SEG of the dcmqi CT, .seg.nrrd), from pydicom for the RTSTRUCT, and are written here for
// NIfTI and PNG.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { PNG as PngClass } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/geometry/affine';
import { identity4 } from '../../core/geometry/affine';
import { listAudit } from '../../db/audit';
import { findAnnotatorByName, getAnnotatorRow } from '../../db/repositories/annotators';
import { getRevision } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import { writeNifti } from '../../io/nifti/write';
import { CT_DIR } from '../../io/seg/test-support/seg-fixtures';
import { tempDir } from '../../test-support/tmp';
import { fill, labellingFixture, type Fixture, type Window } from '../test-support/labelling';
import { importVolumes, uploadDir } from '../workspace/import-volumes';
import { maskFileKind } from './mask-file-import';

const requireCjs = createRequire(import.meta.url);
const { PNG } = requireCjs('pngjs') as { PNG: typeof PngClass };

let fx: Fixture;
let rev: Window;
let ann: Window;
let dir: string;
let ctVolume: number;
let pngVolume: number;
beforeAll(async () => {
  fx = await labellingFixture();
  rev = await fx.signedIn('Rita', 'reviewer');
  ann = await fx.signedIn('Ann', 'annotator');
  dir = tempDir();
  const ws = fx.services.app.workspace;
  const ct = await importVolumes(
    ws,
    { jobId: 'ct', source: { kind: 'paths', paths: [CT_DIR] }, projectName: 'P', caseName: 'CT' },
    'test',
    () => undefined,
  );
  ctVolume = ct.volumes[0]!.id;
  const slice = path.join(dir, 'slice.png');
  writePng(slice, 8, 6, (i) => (i * 7) % 200);
  const png = await importVolumes(
    ws,
    { jobId: 'png', source: { kind: 'paths', paths: [slice] }, projectName: 'P', caseName: 'Slice' },
    'test',
    () => undefined,
  );
  pngVolume = png.volumes[0]!.id;
});
afterAll(() => fx.close());

function writePng(file: string, w: number, h: number, value: (i: number) => number): void {
  const png = new PNG({ width: w, height: h, colorType: 0, inputColorType: 0, bitDepth: 8 });
  for (let p = 0; p < w * h; p++) png.data[p] = value(p);
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8 }));
}

/** A uint8 mask on case A's grid (8x6x4, 0.8 x 0.8 x 2 mm), i fastest; `shift` moves its origin (mm). */
async function niftiMask(name: string, value: (p: number) => number, shift = 0): Promise<string> {
  const dims: Vec3 = [8, 6, 4];
  const affine = identity4();
  affine[0] = 0.8;
  affine[5] = 0.8;
  affine[10] = 2;
  affine[3] = shift; // row-major 4x4: the translation is the last column
  const file = path.join(dir, name);
  await writeNifti(file, {
    geometry: { dims, affineLPS: affine },
    scalarType: 'uint8',
    data: Uint8Array.from({ length: 8 * 6 * 4 }, (_, p) => value(p)),
    frames: 1,
    rescale: { slope: 1, intercept: 0 },
    source: { format: 'nifti', files: [], description: name },
  });
  return file;
}

const paths = (...p: string[]) => ({ kind: 'paths' as const, paths: p });
const rows = () => {
  const db = fx.services.app.workspace.db;
  const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { revisions: n('annotation_revisions'), annotators: n('annotators'), annotations: n('annotations') };
};

describe('masks:import', () => {
  it('imports a NIfTI label map as a named annotator: a new profile without a password, audited as the reviewer', async () => {
    const a = fx.volumes[0]!.id;
    const file = await niftiMask('reader.nii.gz', (p) => (p % 8 < 2 ? 1 : 0));
    const r = await rev.ok('masks:import', { volumeId: a, source: paths(file), annotator: 'Outside reader' });
    expect(r).toMatchObject({
      kind: 'nifti',
      file: 'reader.nii.gz',
      annotatorName: 'Outside reader',
      annotatorCreated: true,
      unchanged: false,
      resampled: false,
      labelVoxels: { '1': 2 * 6 * 4 },
    });
    const db = fx.services.app.workspace.db;
    expect(getAnnotatorRow(db, findAnnotatorByName(db, 'Outside reader')!.id)).toMatchObject({
      name: 'Outside reader',
      passwordHash: null,
    });
    expect(getRevision(db, r.revisionId)).toMatchObject({ author: 'Outside reader', tool: 'import' });
    expect(listAudit(db).find((x) => x.action === 'annotation.import')).toMatchObject({ actor: 'Rita' });
    // The same file again is the head already: nothing new stored.
    const again = await rev.ok('masks:import', {
      volumeId: a,
      source: paths(file),
      annotator: 'Outside reader',
    });
    expect(again).toMatchObject({ unchanged: true, revisionId: r.revisionId, annotatorCreated: false });
  });

  it('refuses an off-grid NIfTI in the app words, storing nothing, and resamples it when asked', async () => {
    const a = fx.volumes[0]!.id;
    const file = await niftiMask('moved.nii.gz', (p) => (p % 8 < 4 ? 2 : 0), 0.8);
    const before = rows();
    const r = await rev.call('masks:import', { volumeId: a, source: paths(file), annotator: 'Mover' });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(!r.ok && r.error.message).toBe(
      "moved.nii.gz: not on the volume's grid: voxel positions differ by up to 0.800 mm (more than 0.001 mm); " +
        'tick "Resample (nearest) when the grid differs" to resample it by nearest neighbour',
    );
    expect(rows()).toEqual(before);
    const ok = await rev.ok('masks:import', {
      volumeId: a,
      source: paths(file),
      annotator: 'Mover',
      resample: true,
    });
    // Shifted one voxel along +i: the mask's columns 0..3 fall on the grid's columns 1..4, whole.
    expect(ok).toMatchObject({ resampled: true, labelVoxels: { '2': 4 * 6 * 4 } });
  });

  it('maps a binary mask (0/255) onto the chosen label, and refuses a label out of 1..255', async () => {
    const b = await niftiMask('binary.nii.gz', (p) => (p < 10 ? 255 : 0));
    const a = fx.volumes[0]!.id;
    const r = await rev.ok('masks:import', { volumeId: a, source: paths(b), annotator: 'Bin', label: 3 });
    expect(r.labelVoxels).toEqual({ '3': 10 });
    expect(r.labelsCreated).toEqual([3]);
    const bad = await rev.call('masks:import', {
      volumeId: a,
      source: paths(b),
      annotator: 'Bin',
      label: 300,
    });
    expect(!bad.ok && bad.error.message).toBe('the label must be an integer 1..255 (got 300)');
  });

  it('imports a PNG onto a one-slice volume of its size and refuses it on a 3D volume', async () => {
    const file = path.join(dir, 'mask.png');
    writePng(file, 8, 6, (i) => (i % 8 >= 6 ? 1 : 0));
    expect(await maskFileKind(file)).toBe('png');
    const r = await rev.ok('masks:import', { volumeId: pngVolume, source: paths(file), annotator: 'Png' });
    expect(r).toMatchObject({ kind: 'png', labelVoxels: { '1': 12 } });
    const before = rows();
    const off = await rev.call('masks:import', {
      volumeId: fx.volumes[0]!.id,
      source: paths(file),
      annotator: 'Png',
    });
    expect(!off.ok && off.error.message).toBe(
      'mask.png: a 8x6 PNG fits only a one-slice volume of 8x6 (this one is 8x6x4)',
    );
    expect(rows()).toEqual(before);
  });

  it("imports a 3D Slicer .seg.nrrd and a DICOM SEG (the app's own exports) to the same voxels", async () => {
    const a = await ann.ok('annotation:open', { volumeId: ctVolume });
    const drawn = await ann.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: a.headRevisionId,
      tool: 'brush',
      patch: fill([100, 140, 200, 260, 1, 3], 1),
    });
    for (const format of ['nrrd', 'seg'] as const) {
      const f = await rev.ok('masks:export', { revisionId: drawn.id, format });
      const file = path.join(dir, f.fileName);
      fs.writeFileSync(file, Buffer.from(f.base64, 'base64'));
      const r = await rev.ok('masks:import', {
        volumeId: ctVolume,
        source: paths(file),
        annotator: `From ${format}`,
      });
      expect(r).toMatchObject({ kind: format, labelVoxels: { '1': 40 * 60 * 2 } });
    }
    const seg = path.join(dir, `revision-${drawn.id}-seg.dcm`);
    const labelled = await rev.call('masks:import', {
      volumeId: ctVolume,
      source: paths(seg),
      annotator: 'From seg',
      label: 2,
    });
    expect(!labelled.ok && labelled.error.message).toBe(
      `revision-${drawn.id}-seg.dcm: a DICOM SEG brings its own labels: import it with "labels as in the file"`,
    );
    // The SEG is of the CT's series: onto another volume it is refused with the reason.
    const other = await rev.call('masks:import', {
      volumeId: fx.volumes[0]!.id,
      source: paths(seg),
      annotator: 'X',
    });
    expect(other).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });

  it('takes an upload granted to the same window, names the file as picked, and removes the upload', async () => {
    const app = fx.services.app;
    const file = await niftiMask('uploaded.nii.gz', (p) => (p === 0 ? 1 : 0), 5);
    const uploadId = app.uploads.begin(rev.ctx, 1, fs.statSync(file).size);
    const up = uploadDir(app.workspace, uploadId);
    fs.mkdirSync(up, { recursive: true });
    fs.copyFileSync(file, path.join(up, 'uploaded.nii.gz'));
    // Another window may not use it.
    const theirs = await ann.call('masks:import', {
      volumeId: fx.volumes[0]!.id,
      source: { kind: 'upload', uploadId },
      annotator: 'Ann',
    });
    expect(theirs).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const r = await rev.call('masks:import', {
      volumeId: fx.volumes[0]!.id,
      source: { kind: 'upload', uploadId },
      annotator: 'Up',
    });
    expect(!r.ok && r.error.message).toMatch(/^uploaded\.nii\.gz: not on the volume's grid/);
    expect(!r.ok && r.error.message).not.toContain(app.workspace.dir);
    expect(fs.existsSync(up)).toBe(false);
  });

  it('refuses annotators, the signed out, a missing annotator name, two mask files and a file that is no mask', async () => {
    const a = fx.volumes[0]!.id;
    const file = await niftiMask('mine.nii.gz', () => 1);
    const before = rows();
    const own = await ann.call('masks:import', { volumeId: a, source: paths(file), annotator: 'Ann' });
    expect(own).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const out = await fx.window().call('masks:import', { volumeId: a, source: paths(file), annotator: 'X' });
    expect(out).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const nameless = await rev.call('masks:import', { volumeId: a, source: paths(file), annotator: '  ' });
    expect(!nameless.ok && nameless.error.message).toBe('choose the annotator the mask is for');
    const two = await rev.call('masks:import', { volumeId: a, source: paths(file, file), annotator: 'X' });
    expect(!two.ok && two.error.message).toMatch(/^choose one mask file/);
    const text = path.join(dir, 'notes.nii.gz');
    fs.writeFileSync(text, 'not an image');
    const junk = await rev.call('masks:import', { volumeId: a, source: paths(text), annotator: 'X' });
    expect(junk).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(!junk.ok && junk.error.message.split('\n')).toHaveLength(1);
    expect(!junk.ok && junk.error.message).toMatch(/^notes\.nii\.gz: /);
    expect(rows()).toEqual(before);
    expect(getVolume(fx.services.app.workspace.db, a)).toBeDefined();
  });
});

const PYTHON = '/usr/bin/python3';
const MAKER = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  '../../io/rtstruct/test-support/make_rtstruct.py',
);
const HAVE_PYDICOM = fs.existsSync(PYTHON);

describe.skipIf(!HAVE_PYDICOM)('masks:import of an RTSTRUCT (needs /usr/bin/python3 with pydicom)', () => {
  it('draws each ROI as a label on the CT it was made on, and refuses it on another volume', async () => {
    const spec = path.join(dir, 'rt.json');
    const square = (slice: number) => ({
      slice,
      points: [
        [100.5, 100.5],
        [120.5, 100.5],
        [120.5, 110.5],
        [100.5, 110.5],
      ],
    });
    fs.writeFileSync(
      spec,
      JSON.stringify({
        rois: [{ name: 'Gross tumour', color: [0, 255, 0], contours: [square(0), square(1)] }],
      }),
    );
    const file = path.join(dir, 'rt.dcm');
    execFileSync(PYTHON, [MAKER, CT_DIR, file, spec], { stdio: 'pipe' });
    expect(await maskFileKind(file)).toBe('rtstruct');
    const r = await rev.ok('masks:import', {
      volumeId: ctVolume,
      source: paths(file),
      annotator: 'Dosimetrist',
    });
    // Voxel centres 101..120 x 101..110 inside the square on two slices.
    expect(r).toMatchObject({ kind: 'rtstruct', labelVoxels: { [String(r.labelsCreated[0])]: 20 * 10 * 2 } });
    const other = await rev.call('masks:import', {
      volumeId: fx.volumes[1]!.id,
      source: paths(file),
      annotator: 'D',
    });
    expect(!other.ok && other.error.message).toMatch(
      /^rt\.dcm: the RTSTRUCT was drawn on series .*, not volume/,
    );
  });
});

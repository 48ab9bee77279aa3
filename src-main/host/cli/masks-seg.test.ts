// `concord masks import|export` with DICOM SEG on the dcmqi 3-slice CT (resources/test-data/dcmqi_ct3slice_seg):
// dcmqi's SEG imported as a named, coloured label; revisions (an annotator's and a saved consensus) exported as
// SEGs that pass dciodvfy and that pydicom reads back to the same voxels; the format from --format or the name;
// manifests holding SEGs; and refusals (another series, frames off the grid, a NIfTI volume) in one line,
// exit 2, nothing stored.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listLabels } from '../../db/repositories/labels';
import { readNifti } from '../../io/nifti/read';
import {
  CT_DIR,
  SEG_DATA,
  SEG_TESTS,
  dciodvfy,
  editDicom,
  pydicomSegOnCt,
  readDcmqiNrrd,
  readDicomDataset,
} from '../../io/seg/test-support/seg-fixtures';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const LIVER_SEG = path.join(SEG_DATA, 'liver.dcm');
const CT_NIFTI = testData('dcmqi_ct3slice_seg', 'derived_nifti', 'ct3slice.nii.gz');

interface SegImportJson {
  volumeId: number;
  annotationId: number;
  revisionId: number;
  unchanged: boolean;
  labelVoxels: Record<string, number>;
  labelsCreated: number[];
  segmentationType: string;
  segments: { number: number; name: string; value: number; voxels: number; isNew: boolean }[];
}

async function ctWorkspace(): Promise<string> {
  const ws = path.join(tempDir(), 'ws');
  const r = await cli('import', CT_DIR, '--workspace', ws, '--project', 'Abdomen', '--json');
  expect(r.code).toBe(0);
  return ws;
}

function segImport(ws: string, file: string, annotator: string, ...extra: string[]) {
  return cli('masks', 'import', file, '--workspace', ws, '--volume', '1', '--annotator', annotator, ...extra);
}

function counts(ws: string) {
  const w = openWorkspace(ws);
  const n = (t: string) => (w.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const out = { annotations: n('annotations'), revisions: n('annotation_revisions'), labels: n('labels') };
  w.close();
  return out;
}

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

describe('concord masks import <seg.dcm>', () => {
  it("imports dcmqi's liver SEG as a label named and coloured as its segment", async () => {
    const ws = await ctWorkspace();
    const r = await segImport(ws, LIVER_SEG, 'dcmqi', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as SegImportJson;
    // The project starts with label 1 'Lesion': the segment (number 1, 'Liver') takes the next free value.
    expect(out).toMatchObject({
      segmentationType: 'BINARY',
      labelVoxels: { '2': 107098 },
      labelsCreated: [2],
    });
    expect(out.segments).toEqual([
      { number: 1, name: 'Liver', value: 2, voxels: 107098, isNew: true, color: '#dd8265' },
    ]);
    const w = openWorkspace(ws);
    try {
      const liver = listLabels(w.db, 1).find((l) => l.value === 2)!;
      expect(liver.name).toBe('Liver');
      // dcmqi's RecommendedDisplayCIELabValue 41661\41167\40792 is 3D Slicer's liver colour, rgb(221, 130, 101).
      expect(liver.color).toBe('#dd8265');
    } finally {
      w.close();
    }
    // A second reader's SEG with a segment of the same name takes the same label.
    const again = JSON.parse((await segImport(ws, LIVER_SEG, 'second', '--json')).stdout) as SegImportJson;
    expect(again.segments[0]).toMatchObject({ value: 2, isNew: false });
  });

  it('imports overlapping segments only when chosen apart, and refuses them together with the reason', async () => {
    const ws = await ctWorkspace();
    const before = counts(ws);
    const all = await segImport(ws, path.join(SEG_TESTS, 'partial_overlaps.dcm'), 'X');
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(
      /^concord: .*partial_overlaps\.dcm: segments overlap: 1 'GREEN' and 2 'ORANGE' .*--segments\)\n$/,
    );
    expect(counts(ws)).toEqual(before);
    const some = await segImport(
      ws,
      path.join(SEG_TESTS, 'partial_overlaps.dcm'),
      'X',
      '--segments',
      '1,4,5',
      '--json',
    );
    expect(some.code).toBe(0);
    const out = JSON.parse(some.stdout) as SegImportJson;
    const ref = readDcmqiNrrd('partial_overlaps-1.nrrd').labels;
    const n = (v: number) => ref.reduce((c, x) => c + (x === v ? 1 : 0), 0);
    expect(out.segments.map((s) => [s.name, s.voxels])).toEqual([
      ['GREEN', n(1)],
      ['LIGHT_BLUE', n(4)],
      ['DARK_BLUE', n(5)],
    ]);
  });

  it('refuses a SEG of another series and frames off the grid: one line, exit 2, nothing stored', async () => {
    const ws = await ctWorkspace();
    const before = counts(ws);
    const other = path.join(dir, 'other-series.dcm');
    editDicom(LIVER_SEG, other, (ds) => {
      (ds['ReferencedSeriesSequence'] as Record<string, unknown>[])[0]!['SeriesInstanceUID'] =
        '1.2.826.0.1.9';
    });
    const a = await segImport(ws, other, 'X');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /^concord: .*other-series\.dcm: references series 1\.2\.826\.0\.1\.9, not volume 1's series [\d.]+\n$/,
    );
    const off = path.join(dir, 'off-grid.dcm');
    editDicom(LIVER_SEG, off, (ds) => {
      const f = (ds['PerFrameFunctionalGroupsSequence'] as Record<string, unknown>[])[2]!;
      (f['PlanePositionSequence'] as Record<string, unknown>[])[0]!['ImagePositionPatient'] = [
        -235.2, -226.8, -127.19,
      ];
    });
    const b = await segImport(ws, off, 'X');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(
      /^concord: .*off-grid\.dcm: frame 3 \(segment 1\): ImagePositionPatient .* 0\.500 mm off the nearest slice position \(tolerance 0\.01 mm\): frames off the volume's grid are not imported\n$/,
    );
    const threshold = await segImport(ws, LIVER_SEG, 'X', '--threshold', '2');
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toMatch(/--threshold must be a number in \(0, 1\]/);
    expect(counts(ws)).toEqual(before);
  });
});

describe('concord masks export --format seg', () => {
  it("exports an annotator's revision that passes dciodvfy and reads back in pydicom to the same voxels", async () => {
    const ws = await ctWorkspace();
    const imported = JSON.parse(
      (await segImport(ws, LIVER_SEG, 'Reader A', '--json')).stdout,
    ) as SegImportJson;
    const file = path.join(dir, 'reader-a.dcm');
    const r = await cli('masks', 'export', String(imported.revisionId), file, '--workspace', ws, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      format: 'seg',
      author: 'Reader A',
      seg: { frames: 3, segments: [{ number: 1, value: 2, name: 'Liver', frames: 3 }] },
    });
    const v = dciodvfy(file);
    expect(v.errors).toEqual([]);
    expect(v.warnings.filter((w) => !/needed to build DICOMDIR/.test(w))).toEqual([]);
    // Segment 1 is label 2 (Liver); pydicom's reading equals dcmqi's label map.
    const back = pydicomSegOnCt(file, CT_DIR);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(readDcmqiNrrd('liver_seg.nrrd').labels))).toBe(0);
    const ds = readDicomDataset(file);
    const segment = (ds['SegmentSequence'] as Record<string, unknown>[])[0]!;
    expect(segment['SegmentAlgorithmType']).toBe('MANUAL');
    expect((segment['SegmentedPropertyTypeCodeSequence'] as Record<string, unknown>[])[0]).toMatchObject({
      CodeValue: '10200004',
      CodingSchemeDesignator: 'SCT',
      CodeMeaning: 'Liver',
    });
    expect(ds['ContentCreatorName']).toEqual([{ Alphabetic: 'Reader A^' }]);
  });

  it('exports a saved consensus as a SEMIAUTOMATIC SEG; NIfTI by name; .seg.nrrd by name', async () => {
    const ws = await ctWorkspace();
    await segImport(ws, LIVER_SEG, 'A');
    await segImport(ws, LIVER_SEG, 'B');
    const merged = await cli(
      'consensus',
      '--workspace',
      ws,
      '--case',
      '1',
      '--method',
      'vote',
      '--save',
      '--json',
    );
    expect(merged.code).toBe(0);
    const saved = (JSON.parse(merged.stdout) as { saved: { revisionId: number } }).saved;
    const file = path.join(dir, 'vote.seg');
    const r = await cli(
      'masks',
      'export',
      String(saved.revisionId),
      file,
      '--format',
      'seg',
      '--workspace',
      ws,
    );
    expect(r.code).toBe(0);
    expect(dciodvfy(file).errors).toEqual([]);
    const segment = (readDicomDataset(file)['SegmentSequence'] as Record<string, unknown>[])[0]!;
    expect(segment).toMatchObject({
      SegmentAlgorithmType: 'SEMIAUTOMATIC',
      SegmentAlgorithmName: 'Concord majority vote',
    });

    const nifti = path.join(dir, 'vote.nii.gz');
    expect((await cli('masks', 'export', String(saved.revisionId), nifti, '--workspace', ws)).code).toBe(0);
    expect((await readNifti(nifti)).geometry.dims).toEqual([512, 512, 3]);
    const nrrd = await cli(
      'masks',
      'export',
      String(saved.revisionId),
      path.join(dir, 'v.seg.nrrd'),
      '--workspace',
      ws,
    );
    expect(nrrd).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(dir, 'v.seg.nrrd')).subarray(0, 4).toString()).toBe('NRRD');
    const unknown = await cli(
      'masks',
      'export',
      String(saved.revisionId),
      path.join(dir, 'v.bin'),
      '--workspace',
      ws,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/the format cannot be told from the name/);
    expect(fs.existsSync(path.join(dir, 'v.bin'))).toBe(false);
  });

  it('refuses a SEG of a volume imported from NIfTI, saying why', async () => {
    const ws = await ctWorkspace();
    expect(
      (await cli('import', CT_NIFTI, '--workspace', ws, '--project', 'Abdomen', '--case', 'nifti')).code,
    ).toBe(0);
    const onNifti = await cli(
      'masks',
      'import',
      LIVER_SEG,
      '--workspace',
      ws,
      '--volume',
      '2',
      '--annotator',
      'X',
    );
    expect(onNifti.code).toBe(2);
    expect(onNifti.stderr).toMatch(
      /volume 2 was not imported from DICOM: a SEG is placed only on the series it references\n$/,
    );
    // A mask on the NIfTI volume (the DICOM import's liver, resampled onto it), then its SEG export.
    const liver = JSON.parse((await segImport(ws, LIVER_SEG, 'A', '--json')).stdout) as SegImportJson;
    const liverNii = path.join(dir, 'liver.nii.gz');
    expect((await cli('masks', 'export', String(liver.revisionId), liverNii, '--workspace', ws)).code).toBe(
      0,
    );
    const onto = await cli(
      'masks',
      'import',
      liverNii,
      '--workspace',
      ws,
      '--volume',
      '2',
      '--annotator',
      'A',
      '--resample',
      'nearest',
      '--json',
    );
    expect(onto.code).toBe(0);
    const rev = (JSON.parse(onto.stdout) as { revisionId: number }).revisionId;
    const out = path.join(dir, 'nifti-volume.dcm');
    const r = await cli('masks', 'export', String(rev), out, '--workspace', ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^concord: volume 2 cannot be exported as a DICOM SEG: it was imported from NIfTI, .*--format nifti\) instead\n$/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('concord import --manifest with DICOM SEG masks', () => {
  it('imports a SEG as a reader’s mask with its segment labels, and refuses a case whose SEG is of another series', async () => {
    const other = path.join(dir, 'manifest-other.dcm');
    editDicom(LIVER_SEG, other, (ds) => {
      (ds['ReferencedSeriesSequence'] as Record<string, unknown>[])[0]!['SeriesInstanceUID'] =
        '1.2.826.0.1.9';
    });
    const manifest = path.join(dir, 'datalist.json');
    fs.writeFileSync(
      manifest,
      JSON.stringify([
        { case: 'CT1', image: CT_DIR, masks: { 'Reader S': LIVER_SEG } },
        { case: 'CT2', image: CT_DIR, masks: { 'Reader T': other } },
      ]),
    );
    const ws = path.join(tempDir(), 'ws');
    const r = await cli('import', '--manifest', manifest, '--workspace', ws, '--project', 'Segs', '--json');
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as {
      imported: { case: string; masks: { labelVoxels: Record<string, number> }[] }[];
      refused: { case: string; reason: string }[];
    };
    expect(report.imported.map((c) => c.case)).toEqual(['CT1']);
    expect(report.imported[0]!.masks[0]!.labelVoxels).toEqual({ '2': 107098 });
    expect(report.refused).toEqual([
      {
        case: 'CT2',
        reason: expect.stringMatching(
          /manifest-other\.dcm: references series 1\.2\.826\.0\.1\.9, not the image/,
        ),
      },
    ]);
    const w = openWorkspace(ws);
    try {
      expect(listLabels(w.db, 1).map((l) => [l.value, l.name])).toEqual([
        [1, 'Lesion'],
        [2, 'Liver'],
      ]);
    } finally {
      w.close();
    }
  });
});

// DICOM SEG write and read on the dcmqi 3-slice CT (resources/test-data/dcmqi_ct3slice_seg): our SEG passes
// dciodvfy and pydicom reads it back to the same voxels on the CT's grid; dcmqi's own SEGs are read onto the
// CT's grid equal to the label maps dcmqi made them from; FRACTIONAL thresholds, overlaps, frames off the grid
// and SEGs of another series are refused with the reason.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { tempDir } from '../../test-support/tmp';
import { readDicom } from '../dicom/read';
import { dicomLabToHex, hexToDicomLab } from './colour';
import { GENERIC_SEGMENT_CODES, segmentCodesFor } from './seg-codes';
import { POSITION_TOLERANCE_MM, checkSegSource, segOnGrid } from './seg-grid';
import { readSegMask } from './seg-mask';
import { readSeg } from './seg-read';
import { writeSeg, type SegWriteInput } from './seg-write';
import {
  CT_DIR,
  SEG_DATA,
  SEG_TESTS,
  dciodvfy,
  editDicom,
  pydicomSegOnCt,
  readDcmqiNrrd,
} from './test-support/seg-fixtures';

let ct: ImageVolume;
let dir: string;
beforeAll(async () => {
  const r = await readDicom([CT_DIR]);
  expect(r.volumes).toHaveLength(1);
  ct = r.volumes[0]!;
  dir = tempDir();
});

function segInput(labels: Uint8Array): SegWriteInput {
  const d = ct.source.dicom!;
  return {
    labels,
    geometry: ct.geometry,
    source: {
      studyInstanceUID: d.studyInstanceUID!,
      seriesInstanceUID: d.seriesInstanceUID!,
      frameOfReferenceUID: d.frameOfReferenceUID!,
      instances: d.instances!,
    },
    segments: [
      {
        value: 1,
        name: 'Liver',
        color: '#dd8a65',
        codes: segmentCodesFor('Liver'),
        algorithm: { type: 'MANUAL' },
      },
      {
        value: 2,
        name: 'Spine lesion',
        color: '#00c000',
        codes: segmentCodesFor('Spine lesion'),
        algorithm: { type: 'SEMIAUTOMATIC', name: 'Concord vote' },
      },
    ],
    seriesDescription: 'Concord annotation',
    creator: 'Reader A^',
    contentDescription: 'revision 1',
    softwareVersion: '0.1.0',
  };
}

const count = (a: Uint8Array, v: number) => a.reduce((n, x) => n + (x === v ? 1 : 0), 0);

describe('DICOM import records what a SEG references', () => {
  it('keeps each slice’s SOP class and instance UID in k order, and the Frame of Reference UID', () => {
    const d = ct.source.dicom!;
    expect(d.frameOfReferenceUID).toBe('1.2.392.200103.20080913.113635.3.2009.6.22.21.44.34.23882.1');
    // k = 0 is the most inferior slice (z = -128.69), which is file 03.dcm (…23433.1).
    expect(d.instances!.map((r) => r.sopInstanceUID.split('.').slice(-2).join('.'))).toEqual([
      '23433.1',
      '23432.1',
      '23431.1',
    ]);
    expect(
      d.instances!.every((r) => r.sopClassUID === '1.2.840.10008.5.1.4.1.1.2' && r.frame === undefined),
    ).toBe(true);
  });
});

describe('writeSeg', () => {
  it('writes a BINARY SEG that passes dciodvfy and that pydicom reads back to the same voxels', () => {
    const { labels } = readDcmqiNrrd('liver_spine_seg.nrrd');
    expect([count(labels, 1), count(labels, 2)]).toEqual([107098, 12439]);
    const out = writeSeg(segInput(labels));
    const file = path.join(dir, 'liver-spine.dcm');
    fs.writeFileSync(file, out.bytes);
    // Liver on 3 slices, spine on 3: 6 frames.
    expect(out.frames).toBe(6);
    const v = dciodvfy(file);
    expect(v.errors).toEqual([]);
    // The warnings left are about building a DICOMDIR from attributes Concord does not keep (patient ID,
    // study date, time and ID are empty: type 2).
    expect(v.warnings.every((w) => /needed to build DICOMDIR/.test(w))).toBe(true);
    const back = pydicomSegOnCt(file, CT_DIR);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(labels))).toBe(0);
  });

  it('omits empty frames and references only the source images of the series', async () => {
    const labels = new Uint8Array(ct.data.length);
    labels[512 * 512 + 100 * 512 + 200] = 2; // one voxel of label 2 on slice k = 1
    const out = writeSeg(segInput(labels));
    expect(out.frames).toBe(1);
    expect(out.segments.map((s) => s.frames)).toEqual([0, 1]);
    const file = path.join(dir, 'one-voxel.dcm');
    fs.writeFileSync(file, out.bytes);
    const seg = await readSeg(file);
    expect(seg.referencedSeries).toEqual([ct.source.dicom!.seriesInstanceUID]);
    expect(seg.frames[0]!.sources).toEqual([ct.source.dicom!.instances![1]!.sopInstanceUID]);
    expect(seg.frames[0]!.ipp).toEqual([-235.199997, -226.800003, -127.690002]);
    expect(seg.segments[1]).toMatchObject({
      number: 2,
      label: 'Spine lesion',
      color: '#00c000',
      type: 'Lesion',
    });
  });
});

describe('segment codes and colours', () => {
  it('codes labels by name (SNOMED CT), with a generic fallback', () => {
    expect(segmentCodesFor('Lung nodule').type).toEqual({
      value: '27925004',
      scheme: 'SCT',
      meaning: 'Nodule',
    });
    expect(segmentCodesFor('Lung nodule').category.value).toBe('49755003');
    expect(segmentCodesFor('Mass 2').type.value).toBe('4147007');
    expect(segmentCodesFor('Liver').category.meaning).toBe('Anatomical Structure');
    expect(segmentCodesFor('Massive thing')).toBe(GENERIC_SEGMENT_CODES);
  });

  it('converts colours to CIELab and back within one step per channel', () => {
    for (const hex of ['#ff0000', '#00c000', '#0080ff', '#dd8a65', '#000000', '#ffffff']) {
      const back = dicomLabToHex(hexToDicomLab(hex));
      for (let c = 0; c < 3; c++) {
        const a = parseInt(hex.slice(1 + 2 * c, 3 + 2 * c), 16);
        const b = parseInt(back.slice(1 + 2 * c, 3 + 2 * c), 16);
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe("dcmqi's SEGs on the CT's grid", () => {
  it('reads liver.dcm to the label map it was made from (liver_seg.nrrd)', async () => {
    const ref = readDcmqiNrrd('liver_seg.nrrd');
    const seg = await readSeg(path.join(SEG_DATA, 'liver.dcm'));
    checkSegSource(seg, ct.source.dicom, 'the CT');
    const placed = segOnGrid(seg, ct.geometry, { values: new Map([[1, 1]]) });
    expect(placed.voxels.get(1)).toBe(107098);
    expect(Buffer.compare(Buffer.from(placed.labels), Buffer.from(ref.labels))).toBe(0);
  });

  it('reads partial_overlaps.dcm segment by segment equal to partial_overlaps-{1,2,3}.nrrd', async () => {
    const seg = await readSeg(path.join(SEG_TESTS, 'partial_overlaps.dcm'));
    for (const [file, numbers] of [
      ['partial_overlaps-1.nrrd', [1, 4, 5]],
      ['partial_overlaps-2.nrrd', [2]],
      ['partial_overlaps-3.nrrd', [3]],
    ] as const) {
      const ref = readDcmqiNrrd(file).labels;
      const placed = segOnGrid(seg, ct.geometry, { values: new Map(numbers.map((n) => [n, n])) });
      expect(Buffer.compare(Buffer.from(placed.labels), Buffer.from(ref)), file).toBe(0);
    }
  });

  it('refuses overlapping segments in one mask, naming them', async () => {
    const err = await readSegMask(path.join(SEG_TESTS, 'partial_overlaps.dcm'), {
      geometry: ct.geometry,
      dicom: ct.source.dicom,
      volumeName: 'the CT',
      projectLabels: [],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/segments overlap: 1 'GREEN' and 2 'ORANGE' \(\d+ voxels\)/);
  });

  it('names segments as labels: a project label of the same name, else the segment number or a free value', async () => {
    const mask = await readSegMask(path.join(SEG_TESTS, 'partial_overlaps.dcm'), {
      geometry: ct.geometry,
      dicom: ct.source.dicom,
      volumeName: 'the CT',
      projectLabels: [
        { value: 1, name: 'Lesion' },
        { value: 7, name: 'dark_blue' },
      ],
      segments: [1, 4, 5],
    });
    expect(mask.segments.map((s) => [s.number, s.name, s.value, s.isNew])).toEqual([
      [1, 'GREEN', 2, true],
      [4, 'LIGHT_BLUE', 4, true],
      [5, 'DARK_BLUE', 7, false],
    ]);
    expect(mask.labelNames.get(2)?.color).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('refusals', () => {
  const liver = () => path.join(SEG_DATA, 'liver.dcm');

  it('refuses a SEG that references another series', async () => {
    const file = path.join(dir, 'other-series.dcm');
    editDicom(liver(), file, (ds) => {
      (ds['ReferencedSeriesSequence'] as Record<string, unknown>[])[0]!['SeriesInstanceUID'] = '1.2.3.4';
    });
    const seg = await readSeg(file);
    expect(() => checkSegSource(seg, ct.source.dicom, 'volume 1')).toThrow(
      /references series 1\.2\.3\.4, not volume 1's series 1\.2\.392/,
    );
  });

  it(`refuses frames off the grid (position beyond ${POSITION_TOLERANCE_MM} mm, orientation, spacing)`, async () => {
    const cases: [string, (f: Record<string, unknown>) => void, RegExp][] = [
      [
        'half-slice',
        (f) =>
          ((f['PlanePositionSequence'] as Record<string, unknown>[])[0]!['ImagePositionPatient'] = [
            -235.2, -226.8, -128.19,
          ]),
        /frame 1 \(segment 1\): ImagePositionPatient .* is 0\.500 mm off the nearest slice position \(tolerance 0\.01 mm\)/,
      ],
      [
        'in-plane',
        (f) =>
          ((f['PlanePositionSequence'] as Record<string, unknown>[])[0]!['ImagePositionPatient'] = [
            -235.0, -226.8, -128.69,
          ]),
        /0\.200 mm off/,
      ],
      [
        'outside',
        (f) =>
          ((f['PlanePositionSequence'] as Record<string, unknown>[])[0]!['ImagePositionPatient'] = [
            -235.2, -226.8, -140.69,
          ]),
        /is outside the volume/,
      ],
    ];
    for (const [name, edit, message] of cases) {
      const file = path.join(dir, `${name}.dcm`);
      editDicom(liver(), file, (ds) =>
        edit((ds['PerFrameFunctionalGroupsSequence'] as Record<string, unknown>[])[0]!),
      );
      const seg = await readSeg(file);
      expect(() => segOnGrid(seg, ct.geometry, { values: new Map([[1, 1]]) }), name).toThrow(message);
    }
    const tilted = path.join(dir, 'tilted.dcm');
    editDicom(liver(), tilted, (ds) => {
      const shared = (ds['SharedFunctionalGroupsSequence'] as Record<string, unknown>[])[0]!;
      (shared['PlaneOrientationSequence'] as Record<string, unknown>[])[0]!['ImageOrientationPatient'] = [
        1, 0, 0, 0, 0.996195, 0.087156,
      ];
    });
    const seg = await readSeg(tilted);
    expect(() => segOnGrid(seg, ct.geometry, { values: new Map([[1, 1]]) })).toThrow(
      /orientation .* differs from the volume's/,
    );
  });

  it('refuses a file that is not a SEG', async () => {
    await expect(readSeg(path.join(CT_DIR, '01.dcm'))).rejects.toThrow(/not a DICOM Segmentation/);
  });
});

describe('FRACTIONAL', () => {
  it('thresholds at 0.5 of MaximumFractionalValue by default, or at the threshold given', async () => {
    const file = path.join(dir, 'fractional.dcm');
    // dcmqi's liver SEG turned FRACTIONAL: liver pixels get 60, 120 or 200 of 200 by column, others 0.
    editDicom(path.join(SEG_DATA, 'liver.dcm'), file, (ds) => {
      const frames = Number(ds['NumberOfFrames']);
      const bits = new Uint8Array((ds['PixelData'] as ArrayBuffer[])[0]!);
      const bytes = new Uint8Array(frames * 512 * 512);
      for (let p = 0; p < bytes.length; p++) {
        if ((bits[p >> 3]! >> (p & 7)) & 1) bytes[p] = [60, 120, 200][(p % 512) % 3]!;
      }
      Object.assign(ds, {
        SegmentationType: 'FRACTIONAL',
        SegmentationFractionalType: 'PROBABILITY',
        MaximumFractionalValue: 200,
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        PixelData: [bytes.buffer],
      });
    });
    const seg = await readSeg(file);
    expect(seg.type).toBe('FRACTIONAL');
    const ref = readDcmqiNrrd('liver_seg.nrrd').labels;
    const expected = (t: number) => {
      let n = 0;
      ref.forEach((v, p) => {
        if (v && [60, 120, 200][(p % 512) % 3]! >= t * 200) n++;
      });
      return n;
    };
    const half = segOnGrid(seg, ct.geometry, { values: new Map([[1, 1]]) });
    expect(half.voxels.get(1)).toBe(expected(0.5));
    const low = segOnGrid(seg, ct.geometry, { values: new Map([[1, 1]]), threshold: 0.3 });
    expect(low.voxels.get(1)).toBe(107098);
    expect(expected(0.5)).toBeLessThan(107098);
  });
});

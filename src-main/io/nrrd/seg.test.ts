// Slicer segmentation metadata: segments parsed from the header's keys (current files and those from before
// Slicer 4.11, without _LabelValue/_Layer), written by writeSegNrrd and read back by readNrrdLabelMap.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { parseSegments, writeSegNrrd } from './seg';
import { readNrrdLabelMap } from './seg-read';

const grid = {
  dims: [4, 3, 2] as [number, number, number],
  affineLPS: [2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 3, 3, 0, 0, 0, 1],
};

describe('Slicer segments', () => {
  it('parses names, colours, label values and layers in index order; defaults where keys are missing', () => {
    expect(
      parseSegments({
        Segment1_Name: 'Vessel',
        Segment1_Color: '0 0 1',
        Segment1_LabelValue: '1',
        Segment1_Layer: '1',
        Segment0_Name: 'Lung nodule',
        Segment0_Color: '1 0.5 0',
        Segment0_LabelValue: '3',
        Segment0_Layer: '0',
        Segment0_ID: 'Segment_7',
        Other: 'x',
      }),
    ).toEqual([
      { index: 0, id: 'Segment_7', name: 'Lung nodule', color: '#ff8000', labelValue: 3, layer: 0 },
      { index: 1, id: 'Segment_2', name: 'Vessel', color: '#0000ff', labelValue: 1, layer: 1 },
    ]);
    // Before Slicer 4.11: no label values, segment N is layer N.
    expect(
      parseSegments({ Segment0_Name: 'a', Segment1_Name: 'b' }).map((s) => [s.layer, s.labelValue]),
    ).toEqual([
      [0, undefined],
      [1, undefined],
    ]);
  });

  it('writeSegNrrd -> readNrrdLabelMap: same labels, names, colours and grid', async () => {
    const mask = new Uint8Array(24);
    mask[1] = 5;
    mask[2] = 5;
    mask[23] = 9;
    const file = path.join(tempDir(), 'm.seg.nrrd');
    fs.writeFileSync(
      file,
      writeSegNrrd(mask, grid, [
        { value: 5, name: 'Liver', color: '#aa5500' },
        { value: 9, name: 'Spine', color: '#00ff00' },
      ]),
    );
    const r = await readNrrdLabelMap(file);
    expect(Array.from(r.labels)).toEqual(Array.from(mask));
    expect(r.geometry).toEqual(grid);
    expect(r.segments.map((s) => [s.value, s.name, s.color])).toEqual([
      [5, 'Liver', '#aa5500'],
      [9, 'Spine', '#00ff00'],
    ]);
  });

  it('a legacy 4D file (one segment per layer, any non-zero value) flattens to labels 1, 2', async () => {
    const data = new Uint8Array(48); // 2 layers x 24 voxels, layer fastest
    data[0 + 2 * 3] = 1; // layer 0, voxel 3
    data[1 + 2 * 10] = 255; // layer 1, voxel 10
    const header = [
      'NRRD0004',
      'type: uint8',
      'dimension: 4',
      'space: left-posterior-superior',
      'sizes: 2 4 3 2',
      'space directions: none (2,0,0) (0,2,0) (0,0,3)',
      'kinds: list domain domain domain',
      'encoding: gzip',
      'space origin: (1,2,3)',
      'Segment0_Name:=a',
      'Segment1_Name:=b',
    ].join('\n');
    const file = path.join(tempDir(), 'old.seg.nrrd');
    fs.writeFileSync(file, Buffer.concat([Buffer.from(header + '\n\n'), gzipSync(data)]));
    const r = await readNrrdLabelMap(file);
    expect(r.labels[3]).toBe(1);
    expect(r.labels[10]).toBe(2);
    expect(r.labels.reduce((a, b) => a + (b ? 1 : 0), 0)).toBe(2);
    expect(r.geometry).toEqual(grid);
  });
});

// Edge cases and hostile inputs built in code: every one must give a clear message naming the series or file,
// never a silently wrong volume, and never an allocation before the size has been checked.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, InputError, ResourceError } from '../../core/errors';
import { readDicom, readDicomSeries } from './read';
import { scanDicom } from './scan';
import {
  type Element,
  type SliceSpec,
  TS,
  buildDicom,
  buildSlice,
  packSamples,
  sliceElements,
} from './test-support/build-dicom';
import { makeTempDir, removeTempDir } from './test-support/paths';

const root = makeTempDir();
afterAll(() => removeTempDir(root));
afterEach(() => vi.restoreAllMocks());
let folders = 0;

/** Writes files into a fresh folder; returns the folder. */
function folder(files: Record<string, Uint8Array | string>): string {
  const dir = path.join(root, `case${folders++}`);
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

const R = 4;
const C = 3;
function slice(z: number, extra: Partial<SliceSpec> = {}): Uint8Array {
  return buildSlice({
    rows: R,
    columns: C,
    values: Array.from({ length: R * C }, (_, p) => Math.round(z * 10) + p),
    ipp: [-10, -20, z],
    iop: [1, 0, 0, 0, 1, 0],
    pixelSpacing: [0.5, 0.5],
    sliceThickness: 1,
    instanceNumber: Math.round(z * 10) + 100,
    ...extra,
  });
}
function stack(zs: number[], extra: Partial<SliceSpec> = {}): Record<string, Uint8Array> {
  return Object.fromEntries(zs.map((z, s) => [`im${String(s).padStart(3, '0')}.dcm`, slice(z, extra)]));
}

describe('files that are not DICOM images', () => {
  it('non-DICOM files in a folder are skipped and listed; the series is still read', async () => {
    const dir = folder({
      ...stack([0, 1, 2]),
      'notes.txt': 'reading notes\n',
      'photo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
      empty: new Uint8Array(0),
    });
    const r = await readDicom([dir]);
    expect(r.volumes).toHaveLength(1);
    expect(r.volumes[0]!.geometry.dims).toEqual([C, R, 3]);
    expect(r.skipped.sort()).toEqual(
      [
        `${path.join(dir, 'empty')}: not a DICOM file`,
        `${path.join(dir, 'notes.txt')}: not a DICOM file`,
        `${path.join(dir, 'photo.png')}: not a DICOM file`,
      ].sort(),
    );
  });

  it('DICOM without pixel data is skipped as such', async () => {
    const noPixels = buildDicom(sliceElements({ rows: R, columns: C, values: [] }));
    const dir = folder({ 'sr.dcm': noPixels });
    const r = await readDicom([dir]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped).toEqual([`${path.join(dir, 'sr.dcm')}: DICOM without pixel data (modality MR)`]);
  });

  it('a file cut inside its header is reported as corrupt, not as a crash', async () => {
    const whole = slice(0);
    const dir = folder({ 'cut.dcm': whole.subarray(0, 200) });
    const scan = await scanDicom([dir]);
    expect(scan.series).toEqual([]);
    expect(scan.skipped[0]!.reason).toMatch(/^corrupt or truncated DICOM/);
  });

  it('headers longer than the first 128 KiB read at scan (big private element, long sequence) still scan', async () => {
    const bigPrivate: Element[] = [
      { tag: 0x00290010, vr: 'LO', value: 'SOME VENDOR' },
      { tag: 0x00291020, vr: 'OB', value: new Uint8Array(200_000).fill(7) },
    ];
    const longSequence: Element[] = [
      {
        tag: 0x00081140, // Referenced Image Sequence
        vr: 'SQ',
        value: Array.from({ length: 3000 }, (_, i) => [
          { tag: 0x00081150, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
          { tag: 0x00081155, vr: 'UI', value: `1.2.826.0.1.3680043.2.1143.9.${i}` },
        ]),
      },
    ];
    for (const extra of [bigPrivate, longSequence]) {
      const dir = folder({ 'a.dcm': slice(0, { extra }), 'b.dcm': slice(1, { extra }) });
      expect(fs.statSync(path.join(dir, 'a.dcm')).size).toBeGreaterThan(128 * 1024);
      const r = await readDicom([dir]);
      expect(r.skipped).toEqual([]);
      expect(r.volumes[0]!.geometry.dims).toEqual([C, R, 2]);
      expect(r.volumes[0]!.data[R * C]).toBe(10);
    }
  });

  it('a first 128 KiB that ends exactly between two elements is not mistaken for a file without pixel data', async () => {
    const withPrivate = (size: number): Element[] => [
      { tag: 0x00290010, vr: 'LO', value: 'SOME VENDOR' },
      { tag: 0x00291020, vr: 'OB', value: new Uint8Array(size).fill(0xab) },
    ];
    // Find where the private value starts, then size it so the next element begins at byte 131072.
    const probe = slice(0, { extra: withPrivate(1000) });
    const start = Buffer.from(probe).indexOf(Buffer.alloc(1000, 0xab));
    const size = 128 * 1024 - start;
    const file = slice(0, { extra: withPrivate(size) });
    expect(file[128 * 1024 - 1]).toBe(0xab);
    expect(file[128 * 1024]).not.toBe(0xab);
    const r = await readDicom([folder({ 'edge.dcm': file })]);
    expect(r.skipped).toEqual([]);
    expect(r.volumes).toHaveLength(1);
  });

  it('a path that does not exist is an InputError', async () => {
    await expect(readDicom([path.join(root, 'nope')])).rejects.toThrow(/no such file or folder/);
  });
});

describe('truncated and absurd pixel data', () => {
  it('native pixel data cut short: refused at scan (no pixel read), InputError on read', async () => {
    const whole = slice(0);
    const dir = folder({ 'a.dcm': whole.subarray(0, whole.length - 6) });
    const scan = await scanDicom([dir]);
    expect(scan.series[0]!.problems).toEqual([
      `a.dcm: file is truncated (pixel data needs ${whole.length} bytes, the file has ${whole.length - 6})`,
    ]);
    await expect(readDicomSeries(scan.series[0]!)).rejects.toBeInstanceOf(InputError);
  });

  it('encapsulated pixel data cut short fails cleanly when read', async () => {
    const values = Array.from({ length: 64 * 64 }, (_, i) => i % 4096);
    // RLE frame that claims more than the file holds.
    const rle = new Uint8Array(64 + 2 * 64 * 64 + 200);
    new DataView(rle.buffer).setUint32(0, 2, true);
    const file = buildDicom(
      sliceElements({ rows: 64, columns: 64, values, ipp: [0, 0, 0], iop: [1, 0, 0, 0, 1, 0] }),
      {
        transferSyntax: TS.rle,
        fragments: [rle],
      },
    );
    const dir = folder({ 'rle.dcm': file.subarray(0, file.length - 3000) });
    const r = await readDicom([dir]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]).toMatch(/rle\.dcm: (corrupt or truncated DICOM|the file is truncated)/);
  });

  it('a header claiming 65535 x 65535 x 1000 frames is refused before any allocation', async () => {
    const els = sliceElements({
      rows: 65535,
      columns: 65535,
      values: [],
      bitsAllocated: 32,
      numberOfFrames: 1000,
      ipp: [0, 0, 0],
      iop: [1, 0, 0, 0, 1, 0],
    });
    const dir = folder({
      'huge.dcm': buildDicom(els, { transferSyntax: TS.rle, fragments: [new Uint8Array(64)] }),
    });
    const scan = await scanDicom([dir]);
    const s = scan.series[0]!;
    expect(s.problems.join('\n')).toMatch(
      /65535x65535x1 voxels would need 16\.0 GiB|multi-frame image \(1000 frames\)/,
    );
    await expect(readDicomSeries(s)).rejects.toBeInstanceOf(InputError);
  });

  it('a single 65535 x 65535 32-bit frame: "would need 16.0 GiB, more than one buffer can hold"', async () => {
    const els = sliceElements({
      rows: 65535,
      columns: 65535,
      values: [],
      bitsAllocated: 32,
      ipp: [0, 0, 0],
      iop: [1, 0, 0, 0, 1, 0],
    });
    const dir = folder({
      'huge.dcm': buildDicom(els, { transferSyntax: TS.rle, fragments: [new Uint8Array(64)] }),
    });
    // The voxel limit refuses it first; lifted, the buffer limit still does.
    expect((await scanDicom([dir])).series[0]!.problems).toEqual([
      '65535x65535x1 = 4294836225 voxels, more than the limit of 268435456 voxels; ' +
        'to read it, raise the limit (--max-voxels 4294836225 or CONCORD_MAX_VOXELS=4294836225)',
    ]);
    const s = (await scanDicom([dir], { maxVoxels: 2 ** 33 })).series[0]!;
    expect(s.problems).toEqual([
      '65535x65535x1 voxels would need 16.0 GiB, more than one buffer can hold (4 GiB)',
    ]);
  });

  it('the memory check (assertAllocatable) runs before the volume is allocated or any pixel is read', async () => {
    const dir = folder(stack([0, 1, 2]));
    const s = (await scanDicom([dir])).series[0]!;
    const open = vi.spyOn(fs.promises, 'open');
    const freemem = vi.spyOn(os, 'freemem').mockReturnValue(10); // 10 bytes free: the 72-byte volume does not fit
    // A resource failure (another machine, or this one less busy, could read it), not bad input.
    await expect(readDicomSeries(s)).rejects.toBeInstanceOf(ResourceError);
    await expect(readDicomSeries(s)).rejects.toThrow(/would need 72 bytes, more than this machine has free/);
    expect(open).not.toHaveBeenCalled();
    // Control: with memory back, the same spies see the files being read.
    freemem.mockRestore();
    await readDicomSeries(s);
    expect(open).toHaveBeenCalledTimes(3);
  });
});

describe('stack checks on real files', () => {
  it('one slice missing in the middle is refused: "missing slice between z=… and z=…"', async () => {
    const dir = folder(stack([0, 1.5, 3, 6, 7.5]));
    const r = await readDicom([dir]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped).toEqual([
      `series "${path.basename(dir)}" #7 in ${dir}: missing slice between z=3 and z=6 (gap 3 mm, typical step 1.5 mm)`,
    ]);
  });

  it('uneven spacing is refused with the tolerance', async () => {
    const r = await readDicom([folder(stack([0, 1, 2, 3.3, 4.3]))]);
    expect(r.skipped[0]).toMatch(/uneven slice spacing: steps from 1 to 1\.3 mm .*tolerance 0\.011 mm\)/);
  });

  it('two slices at one position are refused', async () => {
    const r = await readDicom([folder(stack([0, 0]))]);
    expect(r.skipped[0]).toMatch(/2 slices at only 1 distinct position/);
  });

  it('gantry tilt (in-plane shift between slices) is refused', async () => {
    const files = Object.fromEntries(
      [0, 1, 2].map((z, s) => [`s${s}.dcm`, slice(z, { ipp: [-10, -20 + 0.4 * s, z] })]),
    );
    const r = await readDicom([folder(files)]);
    expect(r.skipped[0]).toMatch(/offset in-plane by up to 0\.8 mm .*gantry tilt/);
  });

  it('slices are sorted by position along the normal, not by file name or InstanceNumber', async () => {
    // File names and instance numbers in reverse z; normal of IOP (1,0,0 / 0,-1,0) is -z.
    const files = {
      'a.dcm': slice(2, { iop: [1, 0, 0, 0, -1, 0], instanceNumber: 1 }),
      'b.dcm': slice(0, { iop: [1, 0, 0, 0, -1, 0], instanceNumber: 2 }),
      'c.dcm': slice(1, { iop: [1, 0, 0, 0, -1, 0], instanceNumber: 3 }),
    };
    const v = (await readDicom([folder(files)])).volumes[0]!;
    // Ascending along -z: z = 2, 1, 0; k step = normal x 1 mm = (0, 0, -1).
    expect(v.source.files.map((f) => path.basename(f))).toEqual(['a.dcm', 'c.dcm', 'b.dcm']);
    expect(v.geometry.affineLPS).toEqual([0.5, 0, 0, -10, 0, -0.5, 0, -20, 0, 0, -1, 2, 0, 0, 0, 1]);
    expect(v.data[0]).toBe(20); // first stored value of the z = 2 slice
    expect(v.data[2 * R * C]).toBe(0);
  });
});

describe('grouping', () => {
  it('a series mixing two image sizes is split into parts (reported), each read on its own', async () => {
    const files = {
      ...stack([0, 1]),
      'big0.dcm': buildSlice({
        rows: 5,
        columns: 5,
        values: new Array(25).fill(1),
        ipp: [0, 0, 0],
        iop: [1, 0, 0, 0, 1, 0],
      }),
      'big1.dcm': buildSlice({
        rows: 5,
        columns: 5,
        values: new Array(25).fill(2),
        ipp: [0, 0, 1],
        iop: [1, 0, 0, 0, 1, 0],
      }),
    };
    const scan = await scanDicom([folder(files)]);
    // Parts in the order their first file is met (big0.dcm sorts before im000.dcm).
    expect(scan.series.map((s) => s.dims)).toEqual([
      [5, 5, 2],
      [C, R, 2],
    ]);
    expect(scan.series.map((s) => s.part)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    expect(scan.series[1]!.notes[0]).toBe(
      'the series mixes 2 image sizes and 2 size/orientation groups; split into 2 parts, this is part 2',
    );
    expect(new Set(scan.series.map((s) => s.key)).size).toBe(2);
    for (const s of scan.series) expect((await readDicomSeries(s)).geometry.dims[2]).toBe(2);
  });

  it('different SeriesInstanceUIDs in one folder are different series', async () => {
    const files = { ...stack([0, 1]), 'other.dcm': slice(0, { seriesUID: '1.2.3.999' }) };
    const scan = await scanDicom([folder(files)]);
    expect(scan.series.map((s) => s.dims[2]).sort()).toEqual([1, 2]);
  });

  it('slices differing in BitsAllocated are refused', async () => {
    const files = {
      ...stack([0, 1]),
      'c.dcm': slice(2, { bitsAllocated: 8, values: new Array(R * C).fill(3) }),
    };
    const r = await readDicom([folder(files)]);
    expect(r.skipped[0]).toMatch(
      /slices differ in pixel format \(BitsAllocated 8, .* in c\.dcm, BitsAllocated 16, .* in im000\.dcm\)/,
    );
  });

  it('colour images are refused', async () => {
    const rgb = buildSlice({
      rows: 2,
      columns: 2,
      values: new Array(12).fill(9),
      bitsAllocated: 8,
      samplesPerPixel: 3,
      photometric: 'RGB',
      ipp: [0, 0, 0],
      iop: [1, 0, 0, 0, 1, 0],
    });
    const r = await readDicom([folder({ 'rgb.dcm': rgb })]);
    expect(r.skipped[0]).toMatch(
      /colour image \(PhotometricInterpretation RGB, 3 samples per pixel\) is not imported/,
    );
  });
});

describe('values', () => {
  it('per-slice rescale: float32 physical values with an identity rescale', async () => {
    const files = {
      'a.dcm': slice(0, { rescale: { slope: 2, intercept: -10 } }),
      'b.dcm': slice(1, { rescale: { slope: 0.5, intercept: 3 } }),
    };
    const v = (await readDicom([folder(files)])).volumes[0]!;
    expect(v.scalarType).toBe('float32');
    expect(v.rescale).toEqual({ slope: 1, intercept: 0 });
    expect(v.data[0]).toBe(0 * 2 - 10);
    expect(v.data[R * C + 1]).toBe((10 + 1) * 0.5 + 3);
  });

  it('shared rescale: stored values kept, rescale recorded', async () => {
    const v = (await readDicom([folder(stack([0, 1], { rescale: { slope: 1, intercept: -1024 } }))]))
      .volumes[0]!;
    expect(v.scalarType).toBe('uint16');
    expect(v.rescale).toEqual({ slope: 1, intercept: -1024 });
  });

  it('signed 12-bit values in 16-bit cells are sign-extended from bit 11 whatever the upper bits hold', async () => {
    // -1 written as 0x0fff (upper bits clear) and as 0xffff; 2047 and -2048.
    const raw = [0x0fff, 0xffff, 0x07ff, 0x0800];
    const file = buildSlice({
      rows: 2,
      columns: 2,
      values: raw,
      bitsStored: 12,
      signed: true,
      ipp: [0, 0, 0],
      iop: [1, 0, 0, 0, 1, 0],
    });
    const v = (await readDicom([folder({ 's.dcm': file })])).volumes[0]!;
    expect(v.scalarType).toBe('int16');
    expect(Array.from(v.data)).toEqual([-1, -1, 2047, -2048]);
  });

  it('HighBit above BitsStored - 1: values are shifted down', async () => {
    // 12 bits stored in bits 4..15 (HighBit 15): stored 0x1230 -> 0x123.
    const file = buildSlice({
      rows: 1,
      columns: 2,
      values: [0x1230, 0xfff0],
      bitsStored: 12,
      highBit: 15,
      ipp: [0, 0, 0],
      iop: [1, 0, 0, 0, 1, 0],
    });
    const v = (await readDicom([folder({ 'h.dcm': file })])).volumes[0]!;
    expect(Array.from(v.data)).toEqual([0x123, 0xfff]);
  });

  it('8-bit signed, 8-bit unsigned and 32-bit signed pixels keep their types and values', async () => {
    const cases: [8 | 32, boolean, number[], string][] = [
      [8, false, [0, 255, 7, 128], 'uint8'],
      [8, true, [-128, 127, -1, 0], 'int8'],
      [32, true, [-2147483648, 2147483647, -5, 70000], 'int32'],
    ];
    for (const [bits, signed, values, type] of cases) {
      const file = buildSlice({
        rows: 2,
        columns: 2,
        values,
        bitsAllocated: bits,
        signed,
        ipp: [0, 0, 0],
        iop: [1, 0, 0, 0, 1, 0],
      });
      const v = (await readDicom([folder({ 'x.dcm': file })])).volumes[0]!;
      expect(v.scalarType).toBe(type);
      expect(Array.from(v.data)).toEqual(values);
    }
  });

  it('MONOCHROME1 keeps stored values and records the photometric interpretation', async () => {
    const v = (await readDicom([folder(stack([0], { photometric: 'MONOCHROME1' }))])).volumes[0]!;
    expect(v.data[5]).toBe(5);
    expect(v.source.dicom?.photometricInterpretation).toBe('MONOCHROME1');
  });
});

describe('geometry details', () => {
  it('a single slice takes SliceThickness as its k step; without it 1 mm, with a note', async () => {
    const a = (await readDicom([folder(stack([5], { sliceThickness: 2.5 }))])).volumes[0]!;
    expect(a.geometry.affineLPS[10]).toBe(2.5);
    const noThick = buildDicom(
      sliceElements({
        rows: 1,
        columns: 1,
        values: [1],
        ipp: [0, 0, 5],
        iop: [1, 0, 0, 0, 1, 0],
        pixelSpacing: [1, 1],
      }),
      { pixelData: packSamples([1], 16) },
    );
    const b = (await readDicom([folder({ 'b.dcm': noThick })])).volumes[0]!;
    expect(b.geometry.affineLPS[10]).toBe(1);
    expect(b.source.dicom?.notes).toContain(
      'single slice without SliceThickness or SpacingBetweenSlices: 1 mm assumed along k',
    );
  });

  it('slices without ImagePositionPatient cannot be ordered', async () => {
    const files = {
      'a.dcm': buildSlice({ rows: 1, columns: 1, values: [1] }),
      'b.dcm': buildSlice({ rows: 1, columns: 1, values: [2], instanceNumber: 2 }),
    };
    const r = await readDicom([folder(files)]);
    expect(r.skipped[0]).toMatch(/2 of 2 slices have no ImagePositionPatient\/ImageOrientationPatient/);
  });

  it('an ImageOrientationPatient that is not orthonormal is refused', async () => {
    const r = await readDicom([folder(stack([0, 1], { iop: [1, 0, 0, 0.5, 1, 0] }))]);
    expect(r.skipped.join()).toMatch(
      /ImageOrientationPatient \(1\\0\\0\\0\.5\\1\\0\) is not two orthogonal unit vectors/,
    );
  });
});

describe('enhanced multi-frame', () => {
  function enhanced(positions: number[] | undefined, frames: number): Uint8Array {
    const ds = (v: number[]) => v.join('\\');
    const item = (tag: number, els: Element[]): Element => ({ tag, vr: 'SQ', value: [els] });
    const extra: Element[] = [
      {
        tag: 0x52009229,
        vr: 'SQ',
        value: [
          [
            item(0x00209116, [{ tag: 0x00200037, vr: 'DS', value: ds([1, 0, 0, 0, 1, 0]) }]),
            item(0x00289110, [
              { tag: 0x00280030, vr: 'DS', value: ds([0.5, 0.75]) },
              { tag: 0x00180050, vr: 'DS', value: '2' },
            ]),
          ],
        ],
      },
    ];
    if (positions) {
      extra.push({
        tag: 0x52009230,
        vr: 'SQ',
        value: positions.map((z) => [
          item(0x00209113, [{ tag: 0x00200032, vr: 'DS', value: ds([1, 2, z]) }]),
        ]),
      });
    }
    const values = Array.from({ length: frames * 4 }, (_, i) => i);
    return buildDicom(sliceElements({ rows: 2, columns: 2, values, numberOfFrames: frames, extra }), {
      pixelData: packSamples(values, 16),
    });
  }

  it('frames are placed by their per-frame positions (here out of order)', async () => {
    const v = (await readDicom([folder({ 'mf.dcm': enhanced([4, 0, 2], 3) })])).volumes[0]!;
    expect(v.geometry.dims).toEqual([2, 2, 3]);
    expect(v.geometry.affineLPS).toEqual([0.75, 0, 0, 1, 0, 0.5, 0, 2, 0, 0, 2, 0, 0, 0, 0, 1]);
    // Frame 1 (z = 0) first, then frame 2 (z = 2), then frame 0 (z = 4).
    expect(Array.from(v.data)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3]);
  });

  it('a multi-frame file without per-frame positions is refused', async () => {
    const r = await readDicom([folder({ 'cine.dcm': enhanced(undefined, 3) })]);
    expect(r.skipped[0]).toMatch(/multi-frame image \(3 frames\) without per-frame positions/);
  });
});

describe('options', () => {
  it('patient identity only with keepPatientIdentity; DICOM UIDs and modality always', async () => {
    const dir = folder(
      stack([0, 1], {
        patientName: 'Doe^Jane',
        patientID: 'P123',
        patientBirthDate: '19700101',
        patientPosition: 'HFS',
      }),
    );
    const plain = (await readDicom([dir])).volumes[0]!;
    expect(plain.source.patient).toBeUndefined();
    expect(plain.source.modality).toBe('MR');
    expect(plain.source.dicom).toMatchObject({
      seriesInstanceUID: '1.2.826.0.1.3680043.2.1143.2',
      studyInstanceUID: '1.2.826.0.1.3680043.2.1143.1',
      seriesNumber: 7,
      patientPosition: 'HFS',
      transferSyntaxUID: TS.explicitLE,
    });
    const kept = (await readDicom([dir], { keepPatientIdentity: true })).volumes[0]!;
    expect(kept.source.patient).toEqual({ name: 'Doe^Jane', id: 'P123', birthDate: '19700101' });
    const scan = await scanDicom([dir]);
    expect(scan.series[0]!.patient).toBeUndefined();
  });

  it('progress rises to 1; an aborted signal throws CancelledError', async () => {
    const dir = folder(stack([0, 1, 2, 3]));
    const seen: number[] = [];
    await readDicom([dir], { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThanOrEqual(8);
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true);
    expect(seen.at(-1)).toBe(1);

    const controller = new AbortController();
    controller.abort();
    await expect(readDicom([dir], { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    const scan = await scanDicom([dir]);
    const c2 = new AbortController();
    const p = readDicomSeries(scan.series[0]!, { signal: c2.signal, onProgress: () => c2.abort() });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
  });
});

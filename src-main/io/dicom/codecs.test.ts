// Compressed syntaxes the bundled real files do not cover, built in code: JPEG lossless with predictors 1..7
// (1.2.840.10008.1.2.4.57, non-SV1), 8-bit JPEG baseline (.50), JPEG-LS near-lossless (.81), deflate (.1.99),
// encapsulated uncompressed (.1.98), multi-frame encapsulated RLE, and refused syntaxes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors';
import { readDicom } from './read';
import { TS, buildDicom, packSamples, sliceElements } from './test-support/build-dicom';
import { encodeJpegBaselineFlat, encodeJpegLossless, encodeJpegLs } from './test-support/encoders';
import { makeTempDir, removeTempDir } from './test-support/paths';

const dir = makeTempDir();
afterAll(() => removeTempDir(dir));
let n = 0;
function write(bytes: Uint8Array): string {
  const f = path.join(dir, `f${n++}.dcm`);
  fs.writeFileSync(f, bytes);
  return f;
}

const ROWS = 24;
const COLS = 20;
/** A smooth image with an edge and noise-like texture, `bits`-bit unsigned. */
function image(bits: number): number[] {
  const max = 2 ** bits - 1;
  return Array.from({ length: ROWS * COLS }, (_, p) => {
    const r = Math.floor(p / COLS);
    const c = p % COLS;
    const v = (c * 37 + r * 11 + ((c * r * 7919) % 23) * 3 + (c > 9 ? max / 3 : 0)) % (max + 1);
    return Math.round(v);
  });
}
const geometry = {
  ipp: [0, 0, 0] as [number, number, number],
  iop: [1, 0, 0, 0, 1, 0],
  pixelSpacing: [1, 1] as [number, number],
};

describe('JPEG lossless process 14, every predictor (1.2.840.10008.1.2.4.57 and SV1 .70)', () => {
  const values = image(12);
  for (const predictor of [1, 2, 3, 4, 5, 6, 7]) {
    it(`selection value ${predictor} decodes exactly`, async () => {
      const stream = encodeJpegLossless(values, ROWS, COLS, 12, predictor);
      const ts = predictor === 1 ? TS.jpegLosslessSV1 : TS.jpegLossless;
      const file = write(
        buildDicom(sliceElements({ rows: ROWS, columns: COLS, values, bitsStored: 12, ...geometry }), {
          transferSyntax: ts,
          fragments: [stream],
        }),
      );
      const r = await readDicom([file]);
      expect(r.skipped).toEqual([]);
      expect(Array.from(r.volumes[0]!.data)).toEqual(values);
    });
  }

  it('signed 12-bit data (two\u2019s complement in 12 bits) comes back negative', async () => {
    const signed = image(12).map((v) => v - 2048);
    const raw = signed.map((v) => v & 0xfff);
    const stream = encodeJpegLossless(raw, ROWS, COLS, 12, 1);
    const file = write(
      buildDicom(
        sliceElements({ rows: ROWS, columns: COLS, values: raw, bitsStored: 12, signed: true, ...geometry }),
        {
          transferSyntax: TS.jpegLosslessSV1,
          fragments: [stream],
        },
      ),
    );
    const v = (await readDicom([file])).volumes[0]!;
    expect(v.scalarType).toBe('int16');
    expect(Array.from(v.data)).toEqual(signed);
  });
});

describe('lossy syntaxes decode within their bounds and say so', () => {
  it('8-bit JPEG baseline (.50): a stream of flat blocks decodes to exactly those grey levels', async () => {
    const blocks = [
      [0, 77, 200],
      [255, 128, 13],
    ];
    const { stream, rows, columns } = encodeJpegBaselineFlat(blocks);
    const expected = Array.from({ length: rows * columns }, (_, p) => {
      const r = Math.floor(p / columns);
      const c = p % columns;
      return blocks[r >> 3]![c >> 3]!;
    });
    const file = write(
      buildDicom(sliceElements({ rows, columns, values: expected, bitsAllocated: 8, ...geometry }), {
        transferSyntax: TS.jpegBaseline,
        fragments: [stream],
      }),
    );
    const r = await readDicom([file]);
    expect(r.skipped).toEqual([]);
    const v = r.volumes[0]!;
    expect(v.scalarType).toBe('uint8');
    expect(v.geometry.dims).toEqual([24, 16, 1]);
    expect(Array.from(v.data)).toEqual(expected);
    expect(v.source.dicom?.notes?.join()).toMatch(/lossy compression \(1\.2\.840\.10008\.1\.2\.4\.50/);
  });

  it('JPEG-LS near-lossless (.81, NEAR=3): every value within 3 of the original, some not equal', async () => {
    const values = image(12);
    const stream = await encodeJpegLs(packSamples(values, 16), COLS, ROWS, 12, 3);
    const file = write(
      buildDicom(sliceElements({ rows: ROWS, columns: COLS, values, bitsStored: 12, ...geometry }), {
        transferSyntax: TS.jpegLSNear,
        fragments: [stream],
      }),
    );
    const v = (await readDicom([file])).volumes[0]!;
    const err = Array.from(v.data).map((x, i) => Math.abs(x - values[i]!));
    expect(Math.max(...err)).toBeLessThanOrEqual(3);
    expect(err.some((e) => e > 0)).toBe(true);
  });

  it('JPEG-LS lossless (.80) of the same image is exact', async () => {
    const values = image(12);
    const stream = await encodeJpegLs(packSamples(values, 16), COLS, ROWS, 12, 0);
    const file = write(
      buildDicom(sliceElements({ rows: ROWS, columns: COLS, values, bitsStored: 12, ...geometry }), {
        transferSyntax: TS.jpegLS,
        fragments: [stream],
      }),
    );
    expect(Array.from((await readDicom([file])).volumes[0]!.data)).toEqual(values);
  });
});

describe('uncompressed variants', () => {
  const values = image(12).map((v) => v - 1000);
  const spec = { rows: ROWS, columns: COLS, values, signed: true, ...geometry };
  for (const [name, ts] of [
    ['Explicit VR Little Endian', TS.explicitLE],
    ['Implicit VR Little Endian', TS.implicitLE],
    ['Explicit VR Big Endian', TS.explicitBE],
    ['Deflated Explicit VR Little Endian', TS.deflated],
  ] as const) {
    it(`${name} (${ts}) gives the same signed values and geometry`, async () => {
      const file = write(
        buildDicom(sliceElements(spec), { transferSyntax: ts, pixelData: packSamples(values, 16) }),
      );
      const v = (await readDicom([file])).volumes[0]!;
      expect(v.source.dicom?.transferSyntaxUID).toBe(ts);
      expect(v.scalarType).toBe('int16');
      expect(Array.from(v.data)).toEqual(values);
      expect(v.geometry.dims).toEqual([COLS, ROWS, 1]);
    });
  }

  it('Encapsulated Uncompressed (.1.98): fragments of native little-endian data', async () => {
    const bytes = packSamples(values, 16);
    const file = write(
      buildDicom(sliceElements(spec), {
        transferSyntax: TS.encapsulatedNative,
        fragments: [bytes.subarray(0, 300), bytes.subarray(300)],
      }),
    );
    expect(Array.from((await readDicom([file])).volumes[0]!.data)).toEqual(values);
  });

  it('bare data sets without preamble or meta header (explicit and implicit LE) are read', async () => {
    for (const ts of [TS.explicitLE, TS.implicitLE]) {
      const file = write(
        buildDicom(sliceElements(spec), {
          transferSyntax: ts,
          pixelData: packSamples(values, 16),
          part10: false,
        }),
      );
      expect(Array.from((await readDicom([file])).volumes[0]!.data)).toEqual(values);
    }
  });
});

describe('refused syntaxes name the UID and the syntax', () => {
  for (const [uid, name] of [
    ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level'],
    ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)'],
    ['1.2.3.4.5.6', 'unknown transfer syntax'],
  ]) {
    it(`${uid} (${name})`, async () => {
      const file = write(
        buildDicom(sliceElements({ rows: 2, columns: 2, values: [1, 2, 3, 4], ...geometry }), {
          transferSyntax: uid,
          fragments: [Uint8Array.from([1, 2, 3, 4])],
        }),
      );
      const r = await readDicom([file]);
      expect(r.volumes).toEqual([]);
      expect(r.skipped[0]).toContain(`transfer syntax ${uid} (${name}) is not supported`);
    });
  }

  it('a JPEG baseline file whose stream is 12-bit is refused at decode time, naming the syntax', async () => {
    // Header says 8 bits stored (so the scan lets it through); the JPEG frame header says precision 12.
    const sof12 = Uint8Array.from([0xff, 0xd8, 0xff, 0xc1, 0, 11, 12, 0, 2, 0, 2, 1, 1, 0x11, 0, 0xff, 0xd9]);
    const file = write(
      buildDicom(
        sliceElements({ rows: 2, columns: 2, values: [0, 0, 0, 0], bitsAllocated: 8, ...geometry }),
        {
          transferSyntax: '1.2.840.10008.1.2.4.51',
          fragments: [sof12],
        },
      ),
    );
    const r = await readDicom([file]);
    expect(r.skipped[0]).toMatch(
      /12-bit JPEG \(1\.2\.840\.10008\.1\.2\.4\.51 \(JPEG Extended \(Process 2 & 4\)\)\) is not supported/,
    );
  });

  it('a corrupt JPEG-LS stream gives InputError, and the codec still works afterwards', async () => {
    const values = image(12);
    const good = await encodeJpegLs(packSamples(values, 16), COLS, ROWS, 12, 0);
    const bad = good.slice(0, 40);
    const elements = sliceElements({ rows: ROWS, columns: COLS, values, bitsStored: 12, ...geometry });
    const badFile = write(buildDicom(elements, { transferSyntax: TS.jpegLS, fragments: [bad] }));
    const r = await readDicom([badFile]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped[0]).toMatch(/cannot decode the pixel data \(1\.2\.840\.10008\.1\.2\.4\.80/);
    const goodFile = write(buildDicom(elements, { transferSyntax: TS.jpegLS, fragments: [good] }));
    expect(Array.from((await readDicom([goodFile])).volumes[0]!.data)).toEqual(values);
    expect(InputError).toBeDefined();
  });
});

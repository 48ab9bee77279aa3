// Test helpers: encoders for compressed frames, to build DICOM files in syntaxes the bundled real data lacks.
//  - encodeJpegLossless: a minimal JPEG lossless (process 14) encoder written from ITU-T T.81 Annex H, any
//    predictor 1..7, one component, one fixed Huffman table (17 categories, all 5-bit codes);
//  - encodeJpegBaseline / encodeJpegLs: the encoders of the Cornerstone WebAssembly builds (the reader uses
//    their decode-only builds).
import { createRequire } from 'node:module';

const requireCjs = createRequire(import.meta.url);

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;
  write(value: number, bits: number): void {
    for (let b = bits - 1; b >= 0; b--) {
      this.acc = (this.acc << 1) | ((value >>> b) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing
    this.acc = 0;
    this.n = 0;
  }
  finish(): number[] {
    while (this.n !== 0) this.write(1, 1); // pad with 1-bits
    return this.bytes;
  }
}

/**
 * JPEG lossless (SOF3) stream of `values` (rows x columns, row order, unsigned `precision`-bit samples),
 * first-order prediction with selection value `predictor` (1..7), point transform 0.
 */
export function encodeJpegLossless(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
  precision: number,
  predictor: number,
): Uint8Array {
  const px = (r: number, c: number) => values[r * columns + c]!;
  const bits = new BitWriter();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      let pred: number;
      if (r === 0 && c === 0) pred = 1 << (precision - 1);
      else if (r === 0) pred = px(r, c - 1);
      else if (c === 0) pred = px(r - 1, c);
      else {
        const ra = px(r, c - 1);
        const rb = px(r - 1, c);
        const rc = px(r - 1, c - 1);
        pred = [0, ra, rb, rc, ra + rb - rc, ra + ((rb - rc) >> 1), rb + ((ra - rc) >> 1), (ra + rb) >> 1][
          predictor
        ]!;
      }
      let diff = (px(r, c) - pred) % 65536;
      if (diff > 32768) diff -= 65536;
      if (diff < -32767) diff += 65536;
      const ssss = diff === 0 ? 0 : diff === 32768 ? 16 : 32 - Math.clz32(Math.abs(diff));
      bits.write(ssss, 5); // canonical code of category ssss: all 17 codes are 5 bits, code = ssss
      if (ssss > 0 && ssss < 16) bits.write((diff > 0 ? diff : diff - 1) & ((1 << ssss) - 1), ssss);
    }
  }
  const scan = bits.finish();
  const counts = new Array<number>(16).fill(0);
  counts[4] = 17; // seventeen codes of length 5
  const symbols = Array.from({ length: 17 }, (_, i) => i);
  // prettier-ignore
  return Uint8Array.from([
    0xff, 0xd8,
    // SOF3: length 11, precision, rows, columns, 1 component (id 1, 1x1 sampling, table 0)
    0xff, 0xc3, 0x00, 11, precision, rows >> 8, rows & 0xff, columns >> 8, columns & 0xff, 1, 1, 0x11, 0,
    // DHT: DC table 0
    0xff, 0xc4, 0x00, 2 + 1 + 16 + 17, 0x00, ...counts, ...symbols,
    // SOS: 1 component (id 1, table 0), Ss = predictor, Se = 0, Ah/Al = 0
    0xff, 0xda, 0x00, 8, 1, 1, 0x00, predictor, 0, 0,
    ...scan,
    0xff, 0xd9,
  ]);
}

interface WasmEncoder {
  getDecodedBuffer(info: {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned?: boolean;
  }): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
  setNearLossless?(near: number): void;
}

type Factory = () => Promise<Record<string, new () => WasmEncoder>>;

async function encodeWith(
  pkg: string,
  cls: string,
  pixels: Uint8Array,
  info: { width: number; height: number; bitsPerSample: number },
  configure: (e: WasmEncoder) => void,
): Promise<Uint8Array> {
  const module = await (requireCjs(pkg) as Factory)();
  const encoder = new module[cls]!();
  try {
    encoder.getDecodedBuffer({ ...info, componentCount: 1, isSigned: false }).set(pixels);
    configure(encoder);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } finally {
    encoder.delete();
  }
}

/**
 * 8-bit greyscale JPEG baseline (SOF0) of an image made of flat 8x8 blocks (`blocks[r][c]` = the block's grey
 * level), written by hand so that the decoded result is known exactly: quantisation table all ones, each block
 * only a DC coefficient 8 x (value - 128) (T.81 A.3.3 with the level shift), AC = end of block; the inverse DCT
 * of such a block is the flat value itself. Huffman tables: DC categories 0..11 as 4-bit codes, AC EOB as '0'.
 */
export function encodeJpegBaselineFlat(blocks: number[][]): {
  stream: Uint8Array;
  rows: number;
  columns: number;
} {
  const rows = 8 * blocks.length;
  const columns = 8 * blocks[0]!.length;
  const bits = new BitWriter();
  let prev = 0;
  for (const row of blocks) {
    for (const v of row) {
      const dc = 8 * (v - 128);
      const diff = dc - prev;
      prev = dc;
      const ssss = diff === 0 ? 0 : 32 - Math.clz32(Math.abs(diff));
      bits.write(ssss, 4);
      if (ssss > 0) bits.write((diff > 0 ? diff : diff - 1) & ((1 << ssss) - 1), ssss);
      bits.write(0, 1); // EOB
    }
  }
  const scan = bits.finish();
  const dcCounts = new Array<number>(16).fill(0);
  dcCounts[3] = 12; // twelve 4-bit codes
  const acCounts = new Array<number>(16).fill(0);
  acCounts[0] = 1; // one 1-bit code
  // prettier-ignore
  const stream = Uint8Array.from([
    0xff, 0xd8,
    0xff, 0xdb, 0x00, 67, 0x00, ...new Array<number>(64).fill(1), // DQT 0: all ones
    0xff, 0xc0, 0x00, 11, 8, rows >> 8, rows & 0xff, columns >> 8, columns & 0xff, 1, 1, 0x11, 0,
    0xff, 0xc4, 0x00, 2 + 1 + 16 + 12, 0x00, ...dcCounts, ...Array.from({ length: 12 }, (_, i) => i),
    0xff, 0xc4, 0x00, 2 + 1 + 16 + 1, 0x10, ...acCounts, 0x00,
    0xff, 0xda, 0x00, 8, 1, 1, 0x00, 0, 63, 0,
    ...scan,
    0xff, 0xd9,
  ]);
  return { stream, rows, columns };
}

/** JPEG-LS (CharLS) of 16-bit little-endian samples; near = 0 is lossless, near > 0 bounds the error by near. */
export function encodeJpegLs(
  samplesLE: Uint8Array,
  width: number,
  height: number,
  bitsPerSample: number,
  near: number,
): Promise<Uint8Array> {
  return encodeWith(
    '@cornerstonejs/codec-charls/wasmjs',
    'JpegLSEncoder',
    samplesLE,
    { width, height, bitsPerSample },
    (e) => e.setNearLossless!(near),
  );
}

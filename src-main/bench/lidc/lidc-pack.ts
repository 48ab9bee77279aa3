// A compact pack of the LIDC-IDRI crops for machines that lack ../shared/data (a GPU machine
// that receives only a small working tree): the images, ONE precomputed majority-vote mask per slice and
// (version 2) the raters' agreement per pixel, instead of four raters' PNGs. One file, `lidc-slices.pack`
// (brotli-compressed with Node's own zlib, so reading it needs nothing but Node), laid out as:
//   bytes 0..7    ASCII "CCLIDC01"
//   bytes 8..11   header length H (uint32, little-endian)
//   12..12+H      header, UTF-8 JSON: PackHeader (slices in order, without pixels)
//   then          images: N * width * height bytes, slice after slice, row-major (x + y * width), each
//                 byte the residual (v - prediction) mod 256 of LOCO-I's median edge predictor (JPEG-LS;
//                 neighbours outside the slice count as 0): 14.7 MB for the 1,630 crops against 19.4 MB raw
//                 (the PNGs are 14.8 MB), at brotli quality 6 in about 15 s
//   then          targets: N * width * height bits, bit-packed (bit b of byte i is pixel 8i + b), 1 = nodule
//   then (version 2) agreement: N * width * height bytes, the share of the header's `raters` marking each
//                 pixel as a byte (lidc-slices.ts), for `bench quality --target agreement`; mostly zeros,
//                 so brotli makes it small. Version 1 packs (votes only) are still read.
// The whole stream after the magic is brotli-compressed, preceded by the SHA-256 of the compressed bytes
// (brotli has no checksum of its own): file = magic (8) + sha256 (32) + brotli stream. writeLidcPack checks, after writing, that reading
// the file back gives exactly the loader's images and votes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { InputError } from '../../core/errors';
import type { TiePolicy } from '../../core/consensus/vote';
import type { SliceSample } from './lidc-slices';

export const PACK_FILE = 'lidc-slices.pack';
const MAGIC = 'CCLIDC01';

export interface PackHeader {
  format: 'concord-lidc-pack';
  /** 1: images and votes; 2: and the raters' agreement. */
  version: 1 | 2;
  width: number;
  height: number;
  /** The tie policy of the majority vote the targets were made with. */
  ties: TiePolicy;
  /** Where the slices came from (a folder name, for the record). */
  source: string;
  /** Version 2: how many raters each slice's agreement counts. */
  raters?: number;
  slices: { patient: string; nodule: string; slice: string; ratersMarking: number }[];
}

/** LOCO-I's median edge predictor of pixel (x, y) from its left (a), upper (b) and upper-left (c)
 *  neighbours. */
function predict(a: number, b: number, c: number): number {
  if (c >= Math.max(a, b)) return Math.min(a, b);
  if (c <= Math.min(a, b)) return Math.max(a, b);
  return a + b - c;
}

/** Residuals of one slice (row-major, width w) into out at offset o. */
function filterSlice(img: Uint8Array, w: number, h: number, out: Uint8Array, o: number): void {
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = x + y * w;
      const a = x > 0 ? img[i - 1]! : 0;
      const b = y > 0 ? img[i - w]! : 0;
      const c = x > 0 && y > 0 ? img[i - w - 1]! : 0;
      out[o + i] = (img[i]! - predict(a, b, c)) & 255;
    }
}

/** Inverse of filterSlice: pixels from residuals res[o ...]. */
function unfilterSlice(res: Uint8Array, o: number, w: number, h: number): Uint8Array {
  const img = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = x + y * w;
      const a = x > 0 ? img[i - 1]! : 0;
      const b = y > 0 ? img[i - w]! : 0;
      const c = x > 0 && y > 0 ? img[i - w - 1]! : 0;
      img[i] = (res[o + i]! + predict(a, b, c)) & 255;
    }
  return img;
}

function encode(samples: SliceSample[], ties: TiePolicy, source: string): Buffer {
  const first = samples[0];
  if (!first) throw new InputError(source, 'no slices to pack');
  const { width, height } = first;
  const px = width * height;
  // The agreement travels when every slice has it, counted over the same raters.
  const raters = first.raters;
  const withAgreement = raters !== undefined && samples.every((s) => s.agreement && s.raters === raters);
  const header: PackHeader = {
    format: 'concord-lidc-pack',
    version: withAgreement ? 2 : 1,
    width,
    height,
    ties,
    source,
    ...(withAgreement ? { raters } : {}),
    slices: samples.map((s) => ({
      patient: s.patient,
      nodule: s.nodule,
      slice: s.slice,
      ratersMarking: s.ratersMarking,
    })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const n = samples.length;
  const body = Buffer.alloc(
    4 + json.length + n * px + Math.ceil((n * px) / 8) + (withAgreement ? n * px : 0),
  );
  body.writeUInt32LE(json.length, 0);
  json.copy(body, 4);
  let o = 4 + json.length;
  for (const s of samples) {
    if (s.width !== width || s.height !== height)
      throw new InputError(`${s.patient}/${s.nodule}/${s.slice}`, 'slices of different sizes');
    filterSlice(s.image, width, height, body, o);
    o += px;
  }
  let bit = 0;
  for (const s of samples)
    for (let i = 0; i < px; i++, bit++) if (s.target[i]) body[o + (bit >> 3)]! |= 1 << (bit & 7);
  if (withAgreement) {
    o += Math.ceil((n * px) / 8);
    for (const s of samples) {
      body.set(s.agreement!, o);
      o += px;
    }
  }
  const packed = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 6,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const digest = createHash('sha256').update(packed).digest();
  return Buffer.concat([Buffer.from(MAGIC, 'ascii'), digest, packed]);
}

/** Reads a pack (the file, or a folder holding `lidc-slices.pack`) back into slices. */
export function readLidcPack(fileOrDir: string): { header: PackHeader; samples: SliceSample[] } {
  const file =
    fs.existsSync(fileOrDir) && fs.statSync(fileOrDir).isDirectory()
      ? path.join(fileOrDir, PACK_FILE)
      : fileOrDir;
  if (!fs.existsSync(file)) throw new InputError(file, 'no such pack file');
  const raw = fs.readFileSync(file);
  if (raw.subarray(0, 8).toString('ascii') !== MAGIC) throw new InputError(file, 'not a Concord LIDC pack');
  const stream = raw.subarray(40);
  if (!createHash('sha256').update(stream).digest().equals(raw.subarray(8, 40)))
    throw new InputError(file, 'pack is damaged (checksum differs)');
  let body: Buffer;
  try {
    body = zlib.brotliDecompressSync(stream);
  } catch {
    throw new InputError(file, 'pack is damaged (brotli stream does not decode)');
  }
  const hlen = body.readUInt32LE(0);
  const header = JSON.parse(body.subarray(4, 4 + hlen).toString('utf8')) as PackHeader;
  const { width, height } = header;
  if (header.version !== 1 && header.version !== 2)
    throw new InputError(file, `pack version ${String(header.version)} is not one this Concord reads (1, 2)`);
  const withAgreement = header.version === 2;
  const px = width * height;
  const n = header.slices.length;
  const imgStart = 4 + hlen;
  const maskStart = imgStart + n * px;
  const agreementStart = maskStart + Math.ceil((n * px) / 8);
  if (body.length !== agreementStart + (withAgreement ? n * px : 0))
    throw new InputError(file, `pack length ${body.length} does not match ${n} slices of ${width}x${height}`);
  const samples = header.slices.map((s, k) => {
    const image = unfilterSlice(body, imgStart + k * px, width, height);
    const target = new Uint8Array(px);
    const b0 = k * px;
    for (let i = 0; i < px; i++) {
      const bit = b0 + i;
      target[i] = (body[maskStart + (bit >> 3)]! >> (bit & 7)) & 1;
    }
    if (!withAgreement) return { ...s, width, height, image, target };
    const agreement = new Uint8Array(body.subarray(agreementStart + k * px, agreementStart + (k + 1) * px));
    return { ...s, width, height, image, target, agreement, raters: header.raters! };
  });
  return { header, samples };
}

function sameSlices(a: SliceSample[], b: SliceSample[]): string | null {
  if (a.length !== b.length) return `${b.length} slices read back, ${a.length} written`;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    const where = `${x.patient}/${x.nodule}/${x.slice}`;
    if (x.patient !== y.patient || x.nodule !== y.nodule || x.slice !== y.slice)
      return `order differs at ${where}`;
    if (x.ratersMarking !== y.ratersMarking) return `raters marking differ at ${where}`;
    if (!Buffer.from(x.image).equals(Buffer.from(y.image))) return `image differs at ${where}`;
    if (!Buffer.from(x.target).equals(Buffer.from(y.target))) return `vote differs at ${where}`;
    if (y.agreement && !(x.agreement && Buffer.from(x.agreement).equals(Buffer.from(y.agreement))))
      return `agreement differs at ${where}`;
  }
  return null;
}

/** Writes `dir/lidc-slices.pack` from loaded slices, reads it back and checks it equals them (images,
 *  majority votes and, when every slice has it, the agreement, bit for bit); returns the file and its
 *  size. The file is written to a temporary name and renamed, so a failed check leaves no pack behind. */
export function writeLidcPack(
  samples: SliceSample[],
  dir: string,
  o: { ties: TiePolicy; source: string },
): { file: string; bytes: number; slices: number } {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, PACK_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, encode(samples, o.ties, o.source));
  try {
    const back = readLidcPack(tmp);
    const diff = sameSlices(samples, back.samples);
    if (diff) throw new Error(`pack check failed: ${diff}`);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { file, bytes: fs.statSync(file).size, slices: samples.length };
}

/** True when `dir` is a pack (or a folder holding one) rather than a folder of PNG crops. */
export function isLidcPack(p: string): boolean {
  if (!fs.existsSync(p)) return false;
  return fs.statSync(p).isDirectory() ? fs.existsSync(path.join(p, PACK_FILE)) : p.endsWith('.pack');
}

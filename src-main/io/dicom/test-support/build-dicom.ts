// Test helper: writes small DICOM files from element lists, in any of the native transfer syntaxes (explicit /
// implicit little endian, explicit big endian, deflated) with native or encapsulated pixel data. Used to build
// hostile and edge-case inputs in code (truncated pixel data, absurd sizes, missing slices...).
import { deflateRawSync } from 'node:zlib';

export type Value = string | number[] | Uint8Array | Element[][];

export interface Element {
  /** (group << 16) | element, e.g. 0x00280010 for Rows. */
  tag: number;
  vr: string;
  value: Value;
}

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
  encapsulatedNative: '1.2.840.10008.1.2.1.98',
  rle: '1.2.840.10008.1.2.5',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLS: '1.2.840.10008.1.2.4.80',
  jpegLSNear: '1.2.840.10008.1.2.4.81',
  jpeg2000: '1.2.840.10008.1.2.4.91',
} as const;

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UR', 'UT', 'UN']);
const NUMERIC: Record<string, [number, (dv: DataView, o: number, v: number, le: boolean) => void]> = {
  US: [2, (dv, o, v, le) => dv.setUint16(o, v, le)],
  SS: [2, (dv, o, v, le) => dv.setInt16(o, v, le)],
  UL: [4, (dv, o, v, le) => dv.setUint32(o, v, le)],
  SL: [4, (dv, o, v, le) => dv.setInt32(o, v, le)],
  FL: [4, (dv, o, v, le) => dv.setFloat32(o, v, le)],
  FD: [8, (dv, o, v, le) => dv.setFloat64(o, v, le)],
};

class Writer {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

interface Encoding {
  explicit: boolean;
  littleEndian: boolean;
}

function valueBytes(vr: string, value: Value, enc: Encoding): Uint8Array {
  if (vr === 'SQ') {
    const w = new Writer();
    for (const item of value as Element[][]) {
      const body = encodeElements(item, enc);
      w.push(tagBytes(0xfffee000, body.length, enc.littleEndian));
      w.push(body);
    }
    return w.bytes();
  }
  if (typeof value === 'string') {
    const padded = value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value;
    return Uint8Array.from(padded, (c) => c.charCodeAt(0));
  }
  if (value instanceof Uint8Array) {
    const b = value.length % 2 ? Uint8Array.from([...value, 0]) : value.slice();
    if (vr === 'OW' && !enc.littleEndian) {
      for (let i = 0; i + 1 < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1]!, b[i]!];
    }
    return b;
  }
  const num = NUMERIC[vr];
  if (!num) throw new Error(`numbers given for VR ${vr}`);
  const [size, set] = num;
  const numbers = value as number[];
  const out = new Uint8Array(size * numbers.length);
  const dv = new DataView(out.buffer);
  numbers.forEach((v, i) => set(dv, i * size, v, enc.littleEndian));
  return out;
}

function tagBytes(tag: number, length: number, le: boolean): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, tag >>> 16, le);
  dv.setUint16(2, tag & 0xffff, le);
  dv.setUint32(4, length, le);
  return b;
}

function elementHeader(tag: number, vr: string, length: number, enc: Encoding): Uint8Array {
  if (!enc.explicit) return tagBytes(tag, length, enc.littleEndian);
  const le = enc.littleEndian;
  if (LONG_VRS.has(vr)) {
    const b = new Uint8Array(12);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, tag >>> 16, le);
    dv.setUint16(2, tag & 0xffff, le);
    b[4] = vr.charCodeAt(0);
    b[5] = vr.charCodeAt(1);
    dv.setUint32(8, length, le);
    return b;
  }
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, tag >>> 16, le);
  dv.setUint16(2, tag & 0xffff, le);
  b[4] = vr.charCodeAt(0);
  b[5] = vr.charCodeAt(1);
  dv.setUint16(6, length, le);
  return b;
}

function encodeElements(elements: Element[], enc: Encoding): Uint8Array {
  const w = new Writer();
  for (const el of [...elements].sort((a, b) => a.tag - b.tag)) {
    const v = valueBytes(el.vr, el.value, enc);
    w.push(elementHeader(el.tag, el.vr, v.length, enc));
    w.push(v);
  }
  return w.bytes();
}

/** Encapsulated pixel data: (7FE0,0010) OB of undefined length, basic offset table, fragments, delimiter. */
function encapsulated(fragments: Uint8Array[], offsets: number[] | undefined, enc: Encoding): Uint8Array {
  const w = new Writer();
  const le = enc.littleEndian;
  const head = elementHeader(0x7fe00010, 'OB', 0xffffffff, enc);
  w.push(head);
  const bot = new Uint8Array(4 * (offsets?.length ?? 0));
  offsets?.forEach((o, i) => new DataView(bot.buffer).setUint32(4 * i, o, le));
  w.push(tagBytes(0xfffee000, bot.length, le));
  w.push(bot);
  for (const f of fragments) {
    const even = f.length % 2 ? Uint8Array.from([...f, 0]) : f;
    w.push(tagBytes(0xfffee000, even.length, le));
    w.push(even);
  }
  w.push(tagBytes(0xfffee0dd, 0, le));
  return w.bytes();
}

export interface BuildOptions {
  transferSyntax?: string;
  /** Native pixel bytes (little-endian order; swapped for big endian when vr is OW). */
  pixelData?: Uint8Array;
  pixelVR?: 'OB' | 'OW';
  /** Encapsulated fragments (compressed frames) and optional basic offset table. */
  fragments?: Uint8Array[];
  offsets?: number[];
  /** Write a Part 10 file (preamble, DICM, meta group); default true. */
  part10?: boolean;
}

/** A DICOM file with `elements` (group 0002 excluded: the meta group is written from the options). */
export function buildDicom(elements: Element[], opts: BuildOptions = {}): Uint8Array {
  const ts = opts.transferSyntax ?? TS.explicitLE;
  const enc: Encoding = { explicit: ts !== TS.implicitLE, littleEndian: ts !== TS.explicitBE };
  const w = new Writer();
  w.push(encodeElements(elements, enc));
  if (opts.fragments) w.push(encapsulated(opts.fragments, opts.offsets, enc));
  else if (opts.pixelData) {
    const vr = opts.pixelVR ?? 'OW';
    const v = valueBytes(vr, opts.pixelData, enc);
    w.push(elementHeader(0x7fe00010, vr, v.length, enc));
    w.push(v);
  }
  let dataSet = w.bytes();
  if (ts === TS.deflated) dataSet = deflateRawSync(dataSet);
  if (opts.part10 === false) return dataSet;
  const sop = elements.find((e) => e.tag === 0x00080016)?.value as string | undefined;
  const inst = elements.find((e) => e.tag === 0x00080018)?.value as string | undefined;
  const meta = encodeElements(
    [
      { tag: 0x00020001, vr: 'OB', value: Uint8Array.from([0, 1]) },
      { tag: 0x00020002, vr: 'UI', value: sop ?? '1.2.840.10008.5.1.4.1.1.4' },
      { tag: 0x00020003, vr: 'UI', value: inst ?? '1.2.3.4' },
      { tag: 0x00020010, vr: 'UI', value: ts },
    ],
    { explicit: true, littleEndian: true },
  );
  const groupLength = encodeElements([{ tag: 0x00020000, vr: 'UL', value: [meta.length] }], {
    explicit: true,
    littleEndian: true,
  });
  const out = new Uint8Array(132 + groupLength.length + meta.length + dataSet.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(groupLength, 132);
  out.set(meta, 132 + groupLength.length);
  out.set(dataSet, 132 + groupLength.length + meta.length);
  return out;
}

export interface SliceSpec {
  rows: number;
  columns: number;
  /** Stored values, row by row (i fastest). */
  values: ArrayLike<number>;
  bitsAllocated?: 8 | 16 | 32;
  bitsStored?: number;
  highBit?: number;
  signed?: boolean;
  ipp?: [number, number, number];
  iop?: number[];
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  rescale?: { slope: number; intercept: number };
  seriesUID?: string;
  seriesDescription?: string;
  instanceNumber?: number;
  photometric?: string;
  samplesPerPixel?: number;
  numberOfFrames?: number;
  modality?: string;
  patientName?: string;
  patientID?: string;
  patientBirthDate?: string;
  patientPosition?: string;
  extra?: Element[];
}

/** Little-endian bytes of `values` in cells of bitsAllocated bits (two's complement for negatives). */
export function packSamples(values: ArrayLike<number>, bitsAllocated: number): Uint8Array {
  const bpp = bitsAllocated / 8;
  const out = new Uint8Array(values.length * bpp);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (bpp === 1) dv.setUint8(i, v & 0xff);
    else if (bpp === 2) dv.setUint16(2 * i, v & 0xffff, true);
    else dv.setUint32(4 * i, v >>> 0, true);
  }
  return out;
}

/** The elements of a simple greyscale MR/CT slice described by `s` (pixel data not included). */
export function sliceElements(s: SliceSpec): Element[] {
  const bits = s.bitsAllocated ?? 16;
  const stored = s.bitsStored ?? bits;
  const els: Element[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
    { tag: 0x00080018, vr: 'UI', value: `1.2.826.0.1.3680043.2.1143.${s.instanceNumber ?? 1}` },
    { tag: 0x00080060, vr: 'CS', value: s.modality ?? 'MR' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1.3680043.2.1143.1' },
    { tag: 0x0020000e, vr: 'UI', value: s.seriesUID ?? '1.2.826.0.1.3680043.2.1143.2' },
    { tag: 0x00200011, vr: 'IS', value: '7' },
    { tag: 0x00200013, vr: 'IS', value: String(s.instanceNumber ?? 1) },
    { tag: 0x00280002, vr: 'US', value: [s.samplesPerPixel ?? 1] },
    { tag: 0x00280004, vr: 'CS', value: s.photometric ?? 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [s.rows] },
    { tag: 0x00280011, vr: 'US', value: [s.columns] },
    { tag: 0x00280100, vr: 'US', value: [bits] },
    { tag: 0x00280101, vr: 'US', value: [stored] },
    { tag: 0x00280102, vr: 'US', value: [s.highBit ?? stored - 1] },
    { tag: 0x00280103, vr: 'US', value: [s.signed ? 1 : 0] },
  ];
  const ds = (v: number[]) => v.map((x) => String(x)).join('\\');
  if (s.seriesDescription) els.push({ tag: 0x0008103e, vr: 'LO', value: s.seriesDescription });
  if (s.ipp) els.push({ tag: 0x00200032, vr: 'DS', value: ds(s.ipp) });
  if (s.iop) els.push({ tag: 0x00200037, vr: 'DS', value: ds(s.iop) });
  if (s.pixelSpacing) els.push({ tag: 0x00280030, vr: 'DS', value: ds(s.pixelSpacing) });
  if (s.sliceThickness !== undefined)
    els.push({ tag: 0x00180050, vr: 'DS', value: String(s.sliceThickness) });
  if (s.rescale) {
    els.push({ tag: 0x00281052, vr: 'DS', value: String(s.rescale.intercept) });
    els.push({ tag: 0x00281053, vr: 'DS', value: String(s.rescale.slope) });
  }
  if (s.numberOfFrames !== undefined)
    els.push({ tag: 0x00280008, vr: 'IS', value: String(s.numberOfFrames) });
  if (s.patientName) els.push({ tag: 0x00100010, vr: 'PN', value: s.patientName });
  if (s.patientID) els.push({ tag: 0x00100020, vr: 'LO', value: s.patientID });
  if (s.patientBirthDate) els.push({ tag: 0x00100030, vr: 'DA', value: s.patientBirthDate });
  if (s.patientPosition) els.push({ tag: 0x00185100, vr: 'CS', value: s.patientPosition });
  return [...els, ...(s.extra ?? [])];
}

/** A complete single-frame file for `s` with native pixel data. */
export function buildSlice(s: SliceSpec, opts: BuildOptions = {}): Uint8Array {
  const bits = s.bitsAllocated ?? 16;
  return buildDicom(sliceElements(s), {
    pixelData: packSamples(s.values, bits),
    pixelVR: bits === 8 ? 'OB' : 'OW',
    ...opts,
  });
}

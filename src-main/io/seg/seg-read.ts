// Reads a DICOM Segmentation (PS3.3 A.51) with dcmjs: its segments (number, label, colour, codes), what it
// references (study, series, source images, frame of reference) and its frames (segment, plane position and
// orientation, pixel spacing), with the pixel data kept packed until a frame is asked for.
//
// Frames: ImagePositionPatient in LPS mm (the centre of the frame's first pixel); ImageOrientationPatient row
// then column direction cosines. A frame's pixels are row-major (column fastest). BINARY: 1 bit per pixel,
// least significant bit first, frames packed back to back (PS3.5 8.1.1). FRACTIONAL: 1 byte per pixel,
// 0..MaximumFractionalValue.
import fs from 'node:fs/promises';
import { data, type NaturalDataset } from './dcmjs-data';
import { InputError } from '../../core/errors';
import type { Vec3 } from '../../core/geometry/affine';
import { dicomLabToHex } from './colour';
import { SEGMENTATION_SOP_CLASS } from './seg-write';

/** Transfer syntaxes whose pixel data is stored as is (deflate is undone by dcmjs). */
const NATIVE_SYNTAXES = new Set([
  '1.2.840.10008.1.2', // Implicit VR Little Endian
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2.1.99', // Deflated Explicit VR Little Endian
  '1.2.840.10008.1.2.2', // Explicit VR Big Endian (bytes of BINARY and 8-bit data do not depend on it)
]);

export interface SegSegment {
  number: number;
  label: string;
  /** '#rrggbb' from RecommendedDisplayCIELabValue; undefined when absent. */
  color?: string;
  category?: string;
  type?: string;
}

export interface SegFrame {
  segment: number;
  /** LPS mm of the first pixel's centre. */
  ipp: Vec3;
  /** Row then column direction cosines. */
  iop: number[];
  /** [between rows, between columns] mm. */
  pixelSpacing: [number, number];
  /** SOP Instance UIDs of the frame's source images (Derivation Image Sequence), possibly none. */
  sources: string[];
}

export interface SegObject {
  file: string;
  type: 'BINARY' | 'FRACTIONAL';
  /** FRACTIONAL only: the value meaning "entirely in the segment" (PROBABILITY or OCCUPANCY). */
  maxFractional: number;
  rows: number;
  columns: number;
  studyInstanceUID?: string;
  frameOfReferenceUID?: string;
  /** SeriesInstanceUIDs of Referenced Series Sequence. */
  referencedSeries: string[];
  segments: SegSegment[];
  frames: SegFrame[];
  /** Pixels of frame n (0-based), one byte per pixel: 0/1 for BINARY, 0..maxFractional for FRACTIONAL. */
  framePixels(n: number): Uint8Array;
}

type Item = Record<string, unknown>;
const seq = (ds: Item | undefined, key: string): Item[] => {
  const v = ds?.[key];
  return Array.isArray(v) ? (v as Item[]) : v && typeof v === 'object' ? [v as Item] : [];
};
const first = (ds: Item | undefined, key: string): Item | undefined => seq(ds, key)[0];
const numbers = (v: unknown): number[] | undefined => {
  const a = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
  const out = a.map(Number);
  return out.length > 0 && out.every(Number.isFinite) ? out : undefined;
};
const text = (v: unknown): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() ? s.trim() : typeof s === 'number' ? String(s) : undefined;
};
const meaning = (ds: Item | undefined) => text(ds?.['CodeMeaning']);

function parse(file: string, bytes: Uint8Array): NaturalDataset & { _syntax: string } {
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const dict = data.DicomMessage.readFile(buffer);
    const ds = data.DicomMetaDictionary.naturalizeDataset(dict.dict);
    const meta = data.DicomMetaDictionary.naturalizeDataset(dict.meta);
    return Object.assign(ds, { _syntax: text(meta['TransferSyntaxUID']) ?? '' });
  } catch (e) {
    throw new InputError(file, `not a readable DICOM file (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Reads and checks a SEG file; throws InputError (one line naming the file) for anything it cannot use. */
export async function readSeg(file: string): Promise<SegObject> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    throw new InputError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const ds = parse(file, bytes);
  const bad = (reason: string) => new InputError(file, reason);
  const sopClass = text(ds['SOPClassUID']);
  if (sopClass !== SEGMENTATION_SOP_CLASS) {
    throw bad(`not a DICOM Segmentation (SOP class ${sopClass ?? 'missing'})`);
  }
  if (!NATIVE_SYNTAXES.has(ds._syntax)) {
    throw bad(`compressed pixel data (transfer syntax ${ds._syntax}) is not supported in a SEG`);
  }
  const type = text(ds['SegmentationType']);
  if (type !== 'BINARY' && type !== 'FRACTIONAL')
    throw bad(`SegmentationType ${type ?? 'missing'} is not supported`);
  const rows = Number(ds['Rows']);
  const columns = Number(ds['Columns']);
  const count = Number(ds['NumberOfFrames'] ?? 1);
  if (!(rows > 0 && columns > 0 && Number.isInteger(count) && count > 0)) {
    throw bad('Rows, Columns or NumberOfFrames missing or invalid');
  }
  const bitsAllocated = Number(ds['BitsAllocated']);
  if ((type === 'BINARY' && bitsAllocated !== 1) || (type === 'FRACTIONAL' && bitsAllocated !== 8)) {
    throw bad(`${type} with BitsAllocated ${bitsAllocated} is not valid`);
  }
  const maxFractional = type === 'FRACTIONAL' ? Number(ds['MaximumFractionalValue']) : 1;
  if (!(maxFractional >= 1 && maxFractional <= 255)) throw bad('MaximumFractionalValue missing or invalid');

  const segments: SegSegment[] = seq(ds, 'SegmentSequence').map((s) => {
    const seg: SegSegment = {
      number: Number(s['SegmentNumber']),
      label: text(s['SegmentLabel']) ?? `Segment ${String(s['SegmentNumber'])}`,
    };
    const lab = numbers(s['RecommendedDisplayCIELabValue']);
    if (lab?.length === 3) seg.color = dicomLabToHex(lab);
    const category = meaning(first(s, 'SegmentedPropertyCategoryCodeSequence'));
    const segType = meaning(first(s, 'SegmentedPropertyTypeCodeSequence'));
    if (category) seg.category = category;
    if (segType) seg.type = segType;
    return seg;
  });
  if (segments.length === 0) throw bad('no segments (SegmentSequence is empty)');
  const numbersSeen = new Set(segments.map((s) => s.number));
  if (numbersSeen.size !== segments.length || [...numbersSeen].some((n) => !Number.isInteger(n) || n < 1)) {
    throw bad('SegmentNumber values are missing or repeated');
  }

  const shared = first(ds, 'SharedFunctionalGroupsSequence');
  const perFrame = seq(ds, 'PerFrameFunctionalGroupsSequence');
  if (perFrame.length !== count) throw bad(`${perFrame.length} per-frame groups for ${count} frames`);
  const frames: SegFrame[] = perFrame.map((f, n) => {
    const group = (key: string) => first(f, key) ?? first(shared, key);
    const segment = Number(group('SegmentIdentificationSequence')?.['ReferencedSegmentNumber'] ?? NaN);
    if (!numbersSeen.has(segment)) throw bad(`frame ${n + 1} names no segment of the SegmentSequence`);
    const ipp = numbers(group('PlanePositionSequence')?.['ImagePositionPatient']);
    const iop = numbers(group('PlaneOrientationSequence')?.['ImageOrientationPatient']);
    const spacing = numbers(group('PixelMeasuresSequence')?.['PixelSpacing']);
    if (ipp?.length !== 3) throw bad(`frame ${n + 1} has no ImagePositionPatient: it cannot be placed`);
    if (iop?.length !== 6) throw bad(`frame ${n + 1} has no ImageOrientationPatient: it cannot be placed`);
    if (spacing?.length !== 2) throw bad(`frame ${n + 1} has no PixelSpacing: it cannot be placed`);
    const sources = seq(f, 'DerivationImageSequence').flatMap((d) =>
      seq(d, 'SourceImageSequence')
        .map((s) => text(s['ReferencedSOPInstanceUID']))
        .filter((u): u is string => u !== undefined),
    );
    return {
      segment,
      ipp: [ipp[0]!, ipp[1]!, ipp[2]!],
      iop,
      pixelSpacing: [spacing[0]!, spacing[1]!],
      sources,
    };
  });

  const pixelBytes = pixelDataOf(ds['PixelData']);
  const frameSize = rows * columns;
  const needed = type === 'BINARY' ? Math.ceil((count * frameSize) / 8) : count * frameSize;
  if (!pixelBytes || pixelBytes.length < needed) {
    throw bad(`pixel data holds ${pixelBytes?.length ?? 0} bytes; ${count} frames need ${needed}`);
  }
  const framePixels = (n: number): Uint8Array => {
    const out = new Uint8Array(frameSize);
    if (type === 'FRACTIONAL') {
      out.set(pixelBytes.subarray(n * frameSize, (n + 1) * frameSize));
      return out;
    }
    let bit = n * frameSize;
    for (let p = 0; p < frameSize; p++, bit++) out[p] = (pixelBytes[bit >> 3]! >> (bit & 7)) & 1;
    return out;
  };

  const obj: SegObject = {
    file,
    type,
    maxFractional,
    rows,
    columns,
    referencedSeries: seq(ds, 'ReferencedSeriesSequence')
      .map((s) => text(s['SeriesInstanceUID']))
      .filter((u): u is string => u !== undefined),
    segments,
    frames,
    framePixels,
  };
  const study = text(ds['StudyInstanceUID']);
  const frameOfReference = text(ds['FrameOfReferenceUID']);
  if (study) obj.studyInstanceUID = study;
  if (frameOfReference) obj.frameOfReferenceUID = frameOfReference;
  return obj;
}

/** dcmjs gives native pixel data as one ArrayBuffer (or typed array) in an array. */
function pixelDataOf(v: unknown): Uint8Array | undefined {
  const parts = Array.isArray(v) ? v : [v];
  const chunks = parts
    .map((p) =>
      p instanceof ArrayBuffer
        ? new Uint8Array(p)
        : ArrayBuffer.isView(p)
          ? new Uint8Array(p.buffer, p.byteOffset, p.byteLength)
          : undefined,
    )
    .filter((c): c is Uint8Array => c !== undefined);
  if (chunks.length === 0) return undefined;
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

// The bytes of one frame of a parsed file's Pixel Data, before decoding: a slice of the native data, or the
// frame's fragments of encapsulated (compressed) data. Offsets are into dataSet.byteArray, which for a
// deflated file is the inflated data set, not the file's bytes.
import { type DataSet, dicomParser } from './dicom-parser';
import { nativeLength } from './series';
import { TAG } from './tags';
import type { PixelCodec } from './transfer-syntax';
import type { PixelFormat } from './types';

export class PixelDataError extends Error {
  override readonly name = 'PixelDataError';
}

export function frameBytes(
  ds: DataSet,
  codec: PixelCodec,
  pixel: PixelFormat,
  frames: number,
  frame: number,
): Uint8Array {
  const el = ds.elements[TAG.PixelData];
  if (!el) throw new PixelDataError('no Pixel Data element');
  const bytes = ds.byteArray;
  if (codec === 'native') {
    if (el.encapsulatedPixelData)
      throw new PixelDataError('pixel data is encapsulated but the syntax is uncompressed');
    const perFrame = nativeLength(pixel, 1);
    if (el.length < nativeLength(pixel, frames)) {
      throw new PixelDataError(`pixel data has ${el.length} bytes, ${nativeLength(pixel, frames)} expected`);
    }
    const start = el.dataOffset + frame * perFrame;
    if (start + perFrame > bytes.length)
      throw new PixelDataError('the file is truncated inside its pixel data');
    return bytes.subarray(start, start + perFrame);
  }
  const fragments = el.fragments;
  if (!el.encapsulatedPixelData || !fragments) {
    throw new PixelDataError('the transfer syntax is compressed but the pixel data is not encapsulated');
  }
  if (fragments.length === 0) throw new PixelDataError('encapsulated pixel data has no fragments');
  for (const f of fragments) {
    if (f.position + f.length > bytes.length)
      throw new PixelDataError('the file is truncated inside its pixel data');
  }
  try {
    if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
    const bot = el.basicOffsetTable ?? [];
    if (bot.length === frames) return dicomParser.readEncapsulatedImageFrame(ds, el, frame);
    if (fragments.length === frames)
      return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frame, 1);
    if (codec.startsWith('jpeg')) {
      const table = dicomParser.createJPEGBasicOffsetTable(ds, el);
      if (table.length === frames) return dicomParser.readEncapsulatedImageFrame(ds, el, frame, table);
    }
  } catch (e) {
    throw new PixelDataError(`cannot split the encapsulated pixel data into frames (${String(e)})`);
  }
  throw new PixelDataError(
    `cannot split ${fragments.length} fragments into ${frames} frames (no basic offset table)`,
  );
}

// Decodes one compressed frame, whatever its codec, to the layout of native little-endian pixel data:
// rows x columns samples (row order, i fastest) of bitsAllocated / 8 bytes each, raw stored bits
// (sign and BitsStored are applied afterwards, as for native data).
import type { PixelCodec, TransferSyntax } from '../transfer-syntax';
import { describeSyntax } from '../transfer-syntax';
import { decodeJpegLossless } from './jpeg-lossless';
import { jpegFrameHeader } from './jpeg-markers';
import { decodeRle } from './rle';
import { type CodecName, decodeWithWasm } from './wasm-codecs';

export interface FrameSpec {
  rows: number;
  columns: number;
  bitsAllocated: number;
  samplesPerPixel: number;
}

/** Raised when a frame's encoding is valid but not supported (e.g. 12-bit JPEG): the message names it. */
export class UnsupportedEncodingError extends Error {
  override readonly name = 'UnsupportedEncodingError';
}

/** Widens 1-byte samples to `target` bytes (zero-extended: the raw bits, sign is applied later). */
function widen(bytes: Uint8Array, from: number, target: number, count: number): Uint8Array {
  if (from === target) return bytes;
  if (from > target)
    throw new Error(`decoded ${8 * from}-bit samples do not fit BitsAllocated ${8 * target}`);
  const out = new Uint8Array(count * target);
  for (let i = 0; i < count; i++) {
    for (let b = 0; b < from; b++) out[i * target + b] = bytes[i * from + b]!;
  }
  return out;
}

function check(spec: FrameSpec, columns: number, rows: number, components: number): void {
  if (columns !== spec.columns || rows !== spec.rows || components !== spec.samplesPerPixel) {
    throw new Error(
      `the compressed frame is ${columns}x${rows}x${components}, the header says ` +
        `${spec.columns}x${spec.rows}x${spec.samplesPerPixel}`,
    );
  }
}

async function decodeWasm(name: CodecName, frame: Uint8Array, spec: FrameSpec): Promise<Uint8Array> {
  const { info, bytes } = await decodeWithWasm(name, frame);
  check(spec, info.width, info.height, info.componentCount);
  const count = spec.rows * spec.columns * spec.samplesPerPixel;
  const from = info.bitsPerSample <= 8 ? 1 : info.bitsPerSample <= 16 ? 2 : 4;
  if (bytes.length < count * from)
    throw new Error(`decoder returned ${bytes.length} bytes, ${count * from} expected`);
  return widen(bytes.subarray(0, count * from), from, Math.ceil(spec.bitsAllocated / 8), count);
}

export async function decodeFrame(
  codec: PixelCodec,
  ts: TransferSyntax,
  frame: Uint8Array,
  spec: FrameSpec,
): Promise<Uint8Array> {
  const bytesPerSample = Math.ceil(spec.bitsAllocated / 8);
  const count = spec.rows * spec.columns * spec.samplesPerPixel;
  switch (codec) {
    case 'native':
    case 'encapsulated-native':
      return frame;
    case 'rle':
      return decodeRle(frame, spec.rows, spec.columns, spec.bitsAllocated, spec.samplesPerPixel);
    case 'jpeg-lossless': {
      if (bytesPerSample > 2)
        throw new UnsupportedEncodingError(`JPEG lossless with BitsAllocated ${spec.bitsAllocated}`);
      const d = decodeJpegLossless(frame, bytesPerSample);
      check(spec, d.columns, d.rows, d.components);
      if (d.bytes.length < count * bytesPerSample) throw new Error('JPEG lossless stream ended early');
      return d.bytes.subarray(0, count * bytesPerSample);
    }
    case 'jpeg-baseline': {
      const sof = jpegFrameHeader(frame);
      if (!sof) throw new Error('no JPEG frame header in the pixel data');
      if (sof.precision !== 8) {
        throw new UnsupportedEncodingError(
          `${sof.precision}-bit JPEG (${describeSyntax(ts)}) is not supported: only 8-bit JPEG can be decoded`,
        );
      }
      return decodeWasm('libjpeg-turbo', frame, spec);
    }
    case 'jpeg-ls':
      return decodeWasm('charls', frame, spec);
    case 'jpeg2000':
      return decodeWasm('openjpeg', frame, spec);
  }
}

// JPEG Lossless (process 14, any predictor selection value; SV1 is 1.2.840.10008.1.2.4.70) through the pure-JS
// `jpeg-lossless-decoder-js` (CommonJS, no types: the part used is declared here).
import { createRequire } from 'node:module';
import { jpegFrameHeader } from './jpeg-markers';

interface LosslessDecoder {
  /** Decodes the JPEG stream at buffer[offset, offset+length) to numBytes-per-sample values (native order). */
  decode(
    buffer: ArrayBufferLike,
    offset: number,
    length: number,
    numBytes?: number,
  ): Uint8Array | Uint16Array;
}

const requireCjs = createRequire(import.meta.url);
const { Decoder } = requireCjs('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };

/** Decodes one frame to little-endian samples of `bytesPerSample` (1 or 2) bytes; throws Error on failure. */
export function decodeJpegLossless(
  frame: Uint8Array,
  bytesPerSample: number,
): { bytes: Uint8Array; columns: number; rows: number; components: number } {
  const sof = jpegFrameHeader(frame);
  if (!sof) throw new Error('no JPEG frame header in the pixel data');
  if (sof.marker !== 0xffc3) {
    throw new Error(
      `JPEG process with marker ${sof.marker.toString(16)} is not lossless (SOF3) as the syntax says`,
    );
  }
  if (sof.precision > 8 * bytesPerSample) {
    throw new Error(`${sof.precision}-bit JPEG lossless stream in ${8 * bytesPerSample}-bit pixels`);
  }
  const out = new Decoder().decode(frame.buffer, frame.byteOffset, frame.byteLength, bytesPerSample);
  return {
    bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
    columns: sof.columns,
    rows: sof.rows,
    components: sof.components,
  };
}

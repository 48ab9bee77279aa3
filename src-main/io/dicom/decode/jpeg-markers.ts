// Reads the frame header (SOFn) of a JPEG stream: which process encoded it and at what precision, so that a
// stream is sent to the decoder that can handle it (or refused) instead of being decoded into garbage.

export interface JpegFrameHeader {
  /** The SOF marker: 0xffc0 baseline, 0xffc1 extended, 0xffc2 progressive, 0xffc3 lossless, ... */
  marker: number;
  /** Bits per sample (8 or 12 for DCT processes, 2..16 for lossless). */
  precision: number;
  rows: number;
  columns: number;
  components: number;
}

/** The first frame header of a JPEG stream, or undefined when none is found (not JPEG, or corrupt). */
export function jpegFrameHeader(bytes: Uint8Array): JpegFrameHeader | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let p = 2;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return undefined;
    const m = bytes[p + 1]!;
    if (m === 0xff) {
      p++; // fill byte
      continue;
    }
    const marker = 0xff00 | m;
    const len = (bytes[p + 2]! << 8) | bytes[p + 3]!;
    const isSof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSof) {
      if (p + 10 > bytes.length) return undefined;
      return {
        marker,
        precision: bytes[p + 4]!,
        rows: (bytes[p + 5]! << 8) | bytes[p + 6]!,
        columns: (bytes[p + 7]! << 8) | bytes[p + 8]!,
        components: bytes[p + 9]!,
      };
    }
    if (m === 0xda || m === 0xd9) return undefined; // scan or end before any frame header
    p += 2 + len;
  }
  return undefined;
}

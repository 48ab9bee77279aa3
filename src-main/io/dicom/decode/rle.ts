// DICOM RLE Lossless (PS3.5 Annex G). A frame is a 64-byte header (uint32 LE: segment count, then 15 segment
// offsets from the frame start) followed by PackBits-compressed segments. Each segment holds one byte plane
// of one sample: for 16-bit greyscale, segment 0 = most significant bytes, segment 1 = least significant,
// each rows x columns bytes in row order.
// PackBits: a control byte n (int8); 0..127: copy the next n+1 bytes; -127..-1: repeat the next byte 1-n
// times; -128: no operation.

export class RleError extends Error {
  override readonly name = 'RleError';
}

function unpackBits(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  outStart: number,
  outStride: number,
  count: number,
): void {
  let p = start;
  let o = 0;
  while (o < count && p < end) {
    const n = (src[p++]! << 24) >> 24; // sign-extend the control byte
    if (n >= 0) {
      const len = n + 1;
      if (p + len > end) throw new RleError('literal run past the end of its segment');
      for (let i = 0; i < len && o < count; i++) out[outStart + outStride * o++] = src[p + i]!;
      p += len;
    } else if (n !== -128) {
      if (p >= end) throw new RleError('repeat run past the end of its segment');
      const v = src[p++]!;
      const len = 1 - n;
      for (let i = 0; i < len && o < count; i++) out[outStart + outStride * o++] = v;
    }
  }
  if (o < count) throw new RleError(`segment decodes to ${o} bytes, ${count} expected`);
}

/**
 * Decodes one RLE frame to interleaved little-endian samples:
 * rows * columns * samplesPerPixel * bytesPerSample bytes (bytesPerSample = bitsAllocated / 8).
 */
export function decodeRle(
  frame: Uint8Array,
  rows: number,
  columns: number,
  bitsAllocated: number,
  samplesPerPixel: number,
): Uint8Array {
  if (frame.length < 64) throw new RleError('frame shorter than the 64-byte RLE header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const nSegments = view.getUint32(0, true);
  const bytesPerSample = Math.ceil(bitsAllocated / 8);
  const expected = bytesPerSample * samplesPerPixel;
  if (nSegments !== expected) {
    throw new RleError(
      `${nSegments} RLE segments, ${expected} expected for ${bitsAllocated}-bit x ${samplesPerPixel}`,
    );
  }
  const offsets: number[] = [];
  for (let i = 0; i < nSegments; i++) offsets.push(view.getUint32(4 + 4 * i, true));
  const pixels = rows * columns;
  const stride = bytesPerSample * samplesPerPixel;
  const out = new Uint8Array(pixels * stride);
  for (let seg = 0; seg < nSegments; seg++) {
    const start = offsets[seg]!;
    const end = seg + 1 < nSegments ? offsets[seg + 1]! : frame.length;
    if (start < 64 || start > end || end > frame.length)
      throw new RleError(`bad offset for RLE segment ${seg}`);
    const sample = Math.floor(seg / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (seg % bytesPerSample); // segment 0 = most significant
    unpackBits(frame, start, end, out, sample * bytesPerSample + byteInSample, stride, pixels);
  }
  return out;
}

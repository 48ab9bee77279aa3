// The web host's message encoding: JSON, plus typed arrays carried as raw bytes (the Electron host needs
// none of this: IPC's structured clone carries typed arrays itself).
//
// A message without typed arrays is sent as a JSON text frame. A message with typed arrays anywhere in it
// is sent as one binary frame:
//   bytes 0..3   u32 little-endian: length L of the JSON part
//   bytes 4..    L bytes of UTF-8 JSON, where each typed array is replaced by
//                { "$bin": n, "type": "<constructor name>", "length": <elements> }
//   then         zero padding to a multiple of 8, and the arrays' bytes, each starting at a multiple of 8
//                (so Float64Array views need no copy), in order n = 0, 1, 2, …
// Pure TypeScript: used by the renderer (browser) and the web host (Node) alike.

type TypedArray =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const CONSTRUCTORS = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;

type TypeName = keyof typeof CONSTRUCTORS;

function typeNameOf(v: unknown): TypeName | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  const name = v.constructor.name as TypeName;
  return name in CONSTRUCTORS ? name : null;
}

const align8 = (n: number) => (n + 7) & ~7;

export function encodeWire(message: unknown): string | Uint8Array {
  const parts: TypedArray[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    const type = typeNameOf(value);
    if (type === null) return value;
    parts.push(value as TypedArray);
    return { $bin: parts.length - 1, type, length: (value as TypedArray).length };
  });
  if (parts.length === 0) return json;
  const jsonBytes = new TextEncoder().encode(json);
  let size = align8(4 + jsonBytes.length);
  const offsets = parts.map((p) => {
    const at = size;
    size = align8(size + p.byteLength);
    return at;
  });
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, jsonBytes.length, true);
  out.set(jsonBytes, 4);
  parts.forEach((p, n) => out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), offsets[n]!));
  return out;
}

export class WireError extends Error {
  override readonly name = 'WireError';
}

/** Decodes a text or binary frame. Binary parts become views on the frame's buffer (no copy). */
export function decodeWire(frame: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof frame === 'string') return JSON.parse(frame);
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.byteLength < 4) throw new WireError('binary frame too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > bytes.byteLength) throw new WireError('binary frame: JSON part runs past the end');
  const json = new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength));
  // Views must start at an aligned address: copy the frame once if it is not 8-aligned in its buffer.
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  let cursor = align8(4 + jsonLength);
  let expected = 0;
  return JSON.parse(json, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || !('$bin' in value)) return value;
    const { $bin, type, length } = value as { $bin: unknown; type: unknown; length: unknown };
    if ($bin !== expected || typeof type !== 'string' || !(type in CONSTRUCTORS)) {
      throw new WireError('binary frame: malformed array reference');
    }
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
      throw new WireError('binary frame: malformed array length');
    }
    const Ctor = CONSTRUCTORS[type as TypeName];
    const byteLength = length * Ctor.BYTES_PER_ELEMENT;
    if (cursor + byteLength > base.byteLength) throw new WireError('binary frame: array runs past the end');
    const arr = new Ctor(base.buffer as ArrayBuffer, base.byteOffset + cursor, length);
    cursor = align8(cursor + byteLength);
    expected++;
    return arr;
  });
}

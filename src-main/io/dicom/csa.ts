// Siemens CSA header (private element (0029,xx10) "SIEMENS CSA HEADER"): a little-endian binary list of named
// fields whatever the file's transfer syntax. Only what the mosaic reader needs is used
// (NumberOfImagesInMosaic, SliceNormalVector). Layout as documented by nibabel's csareader:
//   CSA2: "SV10", 4 unused bytes, uint32 tag count, uint32 (77); CSA1: uint32 tag count, uint32 (77).
//   Each tag: name[64] (NUL-terminated), int32 VM, VR[4], int32 SyngoDT, int32 item count, int32 (77 or 205);
//   each item: 4 int32 (item length = second for CSA2; first minus the first tag's item count for CSA1),
//   then the item's bytes (a NUL-terminated string), padded to 4 bytes.

export type CsaHeader = Map<string, string[]>;

/** Parsed fields, or undefined when the bytes are not a CSA header (never throws). */
export function parseCsaHeader(bytes: Uint8Array): CsaHeader | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.byteLength;
  if (len < 16) return undefined;
  const csa2 = bytes[0] === 0x53 && bytes[1] === 0x56 && bytes[2] === 0x31 && bytes[3] === 0x30; // "SV10"
  let p = csa2 ? 8 : 0;
  const nTags = view.getUint32(p, true);
  p += 8;
  if (nTags < 1 || nTags > 1000) return undefined;
  const out: CsaHeader = new Map();
  let firstTagItems: number | undefined;
  const readString = (at: number, n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) {
      const c = bytes[at + i]!;
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  };
  for (let t = 0; t < nTags; t++) {
    if (p + 84 > len) return out;
    const name = readString(p, 64);
    const nItems = view.getInt32(p + 76, true);
    p += 84;
    if (nItems < 0 || nItems > 10000) return out;
    firstTagItems ??= nItems;
    const values: string[] = [];
    for (let i = 0; i < nItems; i++) {
      if (p + 16 > len) return out;
      const itemLen = csa2 ? view.getInt32(p + 4, true) : view.getInt32(p, true) - firstTagItems;
      p += 16;
      if (itemLen < 0 || p + itemLen > len) return out;
      values.push(readString(p, itemLen).trim());
      p += Math.ceil(itemLen / 4) * 4;
    }
    out.set(
      name,
      values.filter((v) => v !== ''),
    );
  }
  return out;
}

/** The numeric values of a field (empty when absent or not numeric). */
export function csaNumbers(csa: CsaHeader, name: string): number[] {
  const values = csa.get(name) ?? [];
  const nums = values.map((v) => Number(v));
  return nums.every((n) => Number.isFinite(n)) ? nums : [];
}

// Parses the bytes of one DICOM file (Part 10 with its 128-byte preamble and "DICM", or a bare data set
// without meta header, as old scanners wrote) into a dicom-parser DataSet.
//
// Header-only parsing stops at the Pixel Data element (7FE0,0010): the element's offset and length are known,
// its value is not read. Given only the first bytes of a file, parsing fails when the header is longer than
// those bytes; the caller then reads the whole file and parses again.
import { inflateRawSync } from 'node:zlib';
import { MAX_BUFFER_BYTES } from '../limits';
import { resourceFailureOf } from '../resource-failure';
import { type DataSet, dicomParser, parserErrorMessage } from './dicom-parser';
import { TAG } from './tags';

/** The bytes are not DICOM at all (no "DICM" marker and no plausible bare data set). */
export class NotDicomError extends Error {
  override readonly name = 'NotDicomError';
}

/** The bytes look like DICOM but could not be parsed (truncated, corrupt, or too few bytes given). */
export class DicomParseError extends Error {
  override readonly name = 'DicomParseError';
}

export interface ParsedDicom {
  dataSet: DataSet;
  transferSyntaxUID: string;
  /** True for a Part 10 file; false for a bare data set (transfer syntax guessed from its first bytes). */
  part10: boolean;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const VRS = new Set(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);

function isPart10(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

/**
 * Transfer syntax of a bare data set, guessed from its first element, which in practice is in group 0008
 * (Specific Character Set, Image Type, SOP Class UID...). Undefined: not a data set we recognise.
 */
function guessBareSyntax(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const groupLE = bytes[0]! | (bytes[1]! << 8);
  const elementLE = bytes[2]! | (bytes[3]! << 8);
  const groupBE = (bytes[0]! << 8) | bytes[1]!;
  const elementBE = (bytes[2]! << 8) | bytes[3]!;
  const vr = String.fromCharCode(bytes[4]!, bytes[5]!);
  if (groupLE === 0x0008 && elementLE < 0x0100) return VRS.has(vr) ? EXPLICIT_LE : IMPLICIT_LE;
  if (groupBE === 0x0008 && elementBE < 0x0100 && VRS.has(vr)) return EXPLICIT_BE;
  return undefined;
}

/** Inflates a Deflated Explicit VR Little Endian data set (raw deflate after the meta group). */
function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength: MAX_BUFFER_BYTES });
  const out = new Uint8Array(position + inflated.length);
  out.set(bytes.subarray(0, position), 0);
  out.set(inflated, position);
  return out;
}

/**
 * Parses `bytes` (the whole file, or its first bytes when `headerOnly`).
 * Throws NotDicomError when the bytes are not DICOM, DicomParseError when they cannot be parsed.
 */
export function parseDicomBytes(bytes: Uint8Array, headerOnly: boolean): ParsedDicom {
  const part10 = isPart10(bytes);
  const bareSyntax = part10 ? undefined : guessBareSyntax(bytes);
  if (!part10 && !bareSyntax) throw new NotDicomError('not a DICOM file');
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      ...(headerOnly ? { untilTag: TAG.PixelData } : {}),
      ...(bareSyntax ? { TransferSyntaxUID: bareSyntax } : {}),
      // The typings say void; dicom-parser uses the returned bytes (meta header + inflated data set).
      inflater: inflater as unknown as (arr: Uint8Array, position: number) => void,
    });
  } catch (e) {
    // Out of memory (inflating a deflated data set) is no parse error: the caller reports it as such.
    if (resourceFailureOf(e)) throw e;
    // A bare data set that fails may simply be cut short (a header prefix): let the caller retry with the
    // whole file, which for a file that is not DICOM at all then fails the same way.
    throw new DicomParseError(`${part10 ? '' : 'no DICOM preamble; '}${parserErrorMessage(e)}`);
  }
  const transferSyntaxUID = part10 ? (dataSet.string(TAG.TransferSyntaxUID) ?? '') : bareSyntax!;
  if (part10 && !transferSyntaxUID) throw new DicomParseError('the file meta header has no transfer syntax');
  return { dataSet, transferSyntaxUID: transferSyntaxUID.replace(/\0/g, '').trim(), part10 };
}

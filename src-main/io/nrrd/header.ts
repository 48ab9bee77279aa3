// The NRRD header (http://teem.sourceforge.net/nrrd/format.html): located in the file, parsed by nrrd-js,
// then checked here to the subset Concord reads. Every refusal is one InputError line naming the file.
//
// What nrrd-js 0.2.1 does and does not do, and so what this module adds:
//  - it parses the field lines and key/value pairs (types, encodings, vectors, spaces normalised): used;
//  - it finds the header's end by scanning the whole buffer and builds the header string with
//    String.fromCharCode.apply over it, which overflows the stack on a large file that is not NRRD: so the
//    header is located here first, within MAX_HEADER_BYTES, and only those bytes are handed to it;
//  - it decodes only inline raw/ascii payloads (not gzip, not detached data files) and reports problems
//    with console.warn rather than errors: so it is handed the header alone (with an empty "data file: LIST"
//    line, which it accepts as "data elsewhere"), its warnings are caught and the fatal ones refused here,
//    and the payload is read by read.ts for every encoding alike;
//  - its quoted-string parser (the 'space units', 'units' and 'labels' fields) reads an undeclared variable
//    and throws a ReferenceError on any such line (ITK and teem write "space units"): those lines are taken
//    out before it parses and 'space units' is parsed here.
import nrrd, { type NrrdFields } from 'nrrd-js';
import { InputError } from '../../core/errors';
import type { ScalarType } from '../../core/volume/types';

/** Largest header read (a Slicer segmentation with a few hundred segments has a header of ~100 KB). */
export const MAX_HEADER_BYTES = 1 << 20;

const MAGIC = /^NRRD000[1-5]$/;

/** NRRD type names (as nrrd-js normalises them) -> Concord's scalar types; int64/uint64/block are refused. */
const TYPES: Record<string, ScalarType> = {
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  float: 'float32',
  double: 'float64',
};

export type NrrdEncoding = 'raw' | 'gzip' | 'ascii';

export interface NrrdHeader {
  /** Bytes of the header, including the blank line that ends it when the data follow inline. */
  headerBytes: number;
  scalarType: ScalarType;
  /** Sizes along each axis, fastest first (axis 0 varies fastest in the payload). */
  sizes: number[];
  kinds: (string | null)[];
  encoding: NrrdEncoding;
  /** Byte order of multi-byte samples ('little' when the samples are single bytes). */
  littleEndian: boolean;
  /** The data file named by the header, as written, or undefined when the data follow the header. */
  dataFile: string | undefined;
  lineSkip: number;
  byteSkip: number;
  space: string | undefined;
  spaceDirections: (number[] | null)[] | undefined;
  spaceOrigin: number[] | undefined;
  spaceUnits: string[] | undefined;
  spacings: number[] | undefined;
  /** The key/value pairs (`key:=value`), e.g. Slicer's Segment<N>_Name. */
  keys: Record<string, string>;
}

/** Where the header ends: the byte after the first empty line, or undefined when there is none. */
function headerEnd(bytes: Uint8Array): number | undefined {
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] !== 10) continue;
    if (bytes[i - 1] === 10 || (bytes[i - 1] === 13 && i >= 2 && bytes[i - 2] === 10)) return i + 1;
  }
  return undefined;
}

/** Runs nrrd-js's parser, turning its console warnings into a list (fatal ones are refused by the caller). */
function parseFields(text: string): { fields: NrrdFields; warnings: string[] } {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    return { fields: nrrd.parse(Buffer.from(text, 'latin1')), warnings };
  } finally {
    console.warn = warn;
  }
}

/**
 * Parses the header at the start of `head` (the first bytes of the file, up to MAX_HEADER_BYTES or the whole
 * file when shorter). `wholeFile` says whether `head` is the whole file (a detached header needs no blank line).
 */
export function parseNrrdHeader(file: string, head: Uint8Array, wholeFile: boolean): NrrdHeader {
  const bad = (why: string) => new InputError(file, `bad NRRD header: ${why}`);
  const firstLine = Buffer.from(head.subarray(0, 8)).toString('latin1');
  if (!MAGIC.test(firstLine)) throw new InputError(file, 'not an NRRD file (no NRRD000N magic)');
  let end = headerEnd(head);
  if (end === undefined) {
    if (!wholeFile) throw bad(`no end of header within its first ${MAX_HEADER_BYTES} bytes`);
    end = head.length;
  }
  let text = Buffer.from(head.subarray(0, end)).toString('latin1');
  const lines = text.split(/\r?\n/);
  const namesDataFile = lines.some((l) => /^data ?file:/i.test(l));
  // nrrd-js cannot parse quoted-string fields (see above): they are kept from it; space units are read here.
  const quoted = /^(space units|units|labels):/i;
  const unitsLine = lines.find((l) => /^space units:/i.test(l));
  const spaceUnits = unitsLine
    ? [...unitsLine.slice(unitsLine.indexOf(':') + 1).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!)
    : undefined;
  text = lines.filter((l) => !quoted.test(l)).join('\n');
  const { fields, warnings } = parseFieldsSafely(
    text.replace(/\s+$/, '') + (namesDataFile ? '\n' : '\ndata file: LIST\n'),
    bad,
  );
  const fatal = warnings.find((w) =>
    /^Unrecognized (line|NRRD type|NRRD encoding|space|NRRD endianness)/.test(w),
  );
  if (fatal) throw bad(fatal.replace(/^Unrecognized /, 'unrecognised '));

  const type = TYPES[String(fields.type)];
  if (!type) throw bad(`type '${String(fields.type)}' is not read by Concord (int8..uint32, float, double)`);
  const encoding = String(fields.encoding);
  if (encoding !== 'raw' && encoding !== 'gzip' && encoding !== 'ascii') {
    throw bad(`encoding '${encoding}' is not read by Concord (raw, gzip, ascii)`);
  }
  const sizes = fields.sizes ?? [];
  if (!sizes.every((s) => Number.isInteger(s) && s >= 1))
    throw bad(`sizes '${sizes.join(' ')}' are not whole numbers >= 1`);
  let dataFile: string | undefined;
  if (namesDataFile) {
    if (typeof fields.dataFile !== 'string') {
      throw bad('data split over several files (a LIST or a numbered pattern) is not read by Concord');
    }
    dataFile = fields.dataFile;
  }
  const lineSkip = fields.lineSkip ?? 0;
  const byteSkip = fields.byteSkip ?? 0;
  if (!Number.isInteger(lineSkip) || lineSkip < 0)
    throw bad(`line skip ${lineSkip} is not a whole number >= 0`);
  if (!Number.isInteger(byteSkip) || byteSkip < -1)
    throw bad(`byte skip ${byteSkip} is not -1 or a whole number >= 0`);
  if (byteSkip === -1 && encoding !== 'raw') throw bad('byte skip -1 is only meaningful for raw data');
  const endian = fields.endian;
  if (endian !== undefined && endian !== 'little' && endian !== 'big')
    throw bad(`endian '${String(endian)}'`);
  return {
    headerBytes: end,
    scalarType: type,
    sizes,
    kinds: fields.kinds ?? sizes.map(() => null),
    encoding,
    littleEndian: endian !== 'big',
    dataFile,
    lineSkip,
    byteSkip,
    space: fields.space,
    spaceDirections: fields.spaceDirections,
    spaceOrigin: fields.spaceOrigin,
    spaceUnits,
    spacings: fields.spacings,
    keys: fields.keys,
  };
}

function parseFieldsSafely(text: string, bad: (why: string) => InputError) {
  try {
    return parseFields(text);
  } catch (e) {
    // nrrd-js throws plain Errors ("Sizes missing from NRRD file!"): the reason, without the exclamation.
    throw bad((e as Error).message.replace(/!$/, '').replace(/ from NRRD file| in an NRRD file/i, ''));
  }
}

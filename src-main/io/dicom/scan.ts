// Finds DICOM image series under files and folders, reading headers only: each file's first bytes are parsed
// up to the Pixel Data element (the whole file only when its header is longer than that, or it is deflated).
// Files that are not DICOM images are listed with the reason, never silently dropped.
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { maxVoxelsOf } from '../limits';
import { InputError } from '../../core/errors';
import { listFiles } from '../list-files';
import { openRegularFile } from '../regular-file';
import { resourceErrorOf } from '../resource-failure';
import type { ReadOptions } from '../read-options';
import { mapLimit } from './concurrency';
import { headerOf } from './header';
import { DicomParseError, NotDicomError, parseDicomBytes } from './parse';
import { buildSeries } from './series';
import { SEG_SOP_CLASS, SOP_CLASS_NAMES, TAG } from './tags';
import { transferSyntax } from './transfer-syntax';
import type { DicomHeader, DicomScan, SkippedFile } from './types';

/** Bytes read first from each file: enough for the header of nearly every image. */
const HEADER_PREFIX_BYTES = 128 * 1024;
/** Files read at once. */
export const FILE_CONCURRENCY = 16;

type HeaderResult = { header: DicomHeader; size: number } | { skipped: string };

/** Reads and parses one file's header; a file that is not a DICOM image gives the reason instead. */
export async function readHeader(file: string, opts: ReadOptions = {}): Promise<HeaderResult> {
  let handle: FileHandle | undefined;
  let size: number;
  let parsed: ReturnType<typeof parseDicomBytes>;
  try {
    handle = await openRegularFile(file);
    size = (await handle.stat()).size;
    const first = Math.min(size, HEADER_PREFIX_BYTES);
    let bytes = new Uint8Array(first);
    await handle.read(bytes, 0, first, 0);
    let prefixParsed: ReturnType<typeof parseDicomBytes> | undefined;
    try {
      prefixParsed = parseDicomBytes(bytes, true);
    } catch (e) {
      if (!(e instanceof DicomParseError) || first === size) throw e;
    }
    // The prefix is enough only when parsing reached the Pixel Data element (or the prefix is the whole file):
    // a prefix ending between elements, or inside an undefined-length sequence, parses "successfully" short.
    if (prefixParsed && (first === size || prefixParsed.dataSet.elements[TAG.PixelData])) {
      parsed = prefixParsed;
    } else {
      bytes = new Uint8Array(size);
      await handle.read(bytes, 0, size, 0);
      parsed = parseDicomBytes(bytes, true);
    }
  } catch (e) {
    // Out of memory or of open files is no property of the file: the scan stops and says so (never a skip).
    const resource = resourceErrorOf(e, file, 'reading the DICOM header');
    if (resource) throw resource;
    if (e instanceof InputError) return { skipped: e.reason };
    if (e instanceof NotDicomError) return { skipped: 'not a DICOM file' };
    if (e instanceof DicomParseError) return { skipped: `corrupt or truncated DICOM (${e.message})` };
    const code = (e as NodeJS.ErrnoException).code;
    return { skipped: `cannot read the file${code ? ` (${code})` : ''}` };
  } finally {
    await handle?.close();
  }
  // Pixel data offsets of a deflated file refer to the inflated data set, not to the file.
  if (transferSyntax(parsed.transferSyntaxUID).deflated) size = parsed.dataSet.byteArray.length;
  const header = headerOf(parsed.dataSet, file, parsed.transferSyntaxUID, opts);
  const sopName = header.sopClassUID ? SOP_CLASS_NAMES[header.sopClassUID] : undefined;
  if (header.sopClassUID === SEG_SOP_CLASS || header.modality === 'SEG') {
    return { skipped: 'DICOM SEG not imported as a volume (a segmentation object, not an image series)' };
  }
  if (header.floatPixelData) return { skipped: 'Float Pixel Data (7FE0,0008/0009) is not supported' };
  if (!header.pixelData) {
    const what = sopName ?? (header.modality ? `modality ${header.modality}` : 'no image');
    return { skipped: `DICOM without pixel data (${what})` };
  }
  if (!header.pixel) return { skipped: 'DICOM pixel data without Rows, Columns or BitsAllocated' };
  const zero = [header.pixel.rows === 0 && 'Rows', header.pixel.columns === 0 && 'Columns'].filter(Boolean);
  if (zero.length > 0) {
    return {
      skipped: `${zero.join(' and ')} ${zero.length > 1 ? 'are' : 'is'} 0: an image needs at least one row and one column`,
    };
  }
  return { header, size };
}

/**
 * Scans files and folders (recursively) for DICOM image series; a series over the voxel limit (opts.maxVoxels)
 * is listed with that problem.
 * Progress: one step per file. Cancellation: throws CancelledError.
 */
export async function scanDicom(paths: string[], opts: ReadOptions = {}): Promise<DicomScan> {
  const maxVoxels = maxVoxelsOf(opts);
  const { files, skipped: notFiles } = await listFiles(paths, opts.signal);
  let done = 0;
  const results = await mapLimit(
    files,
    FILE_CONCURRENCY,
    async (file) => {
      const r = await readHeader(file, opts);
      done++;
      opts.onProgress?.(done / files.length, path.basename(file));
      return r;
    },
    opts.signal,
    'DICOM scan',
  );
  const headers: DicomHeader[] = [];
  const sizes = new Map<string, number>();
  const skipped: SkippedFile[] = [...notFiles];
  results.forEach((r, i) => {
    if ('skipped' in r) skipped.push({ path: files[i]!, reason: r.skipped });
    else {
      headers.push(r.header);
      sizes.set(r.header.file, r.size);
    }
  });
  return { series: buildSeries(headers, sizes, maxVoxels), skipped };
}

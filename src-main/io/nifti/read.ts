// readNifti / readNiftiHeader: NIfTI-1, NIfTI-2 (single .nii or .hdr/.img pairs, any of them gzipped) and
// Analyze 7.5 pairs (SPM2 flavour, read as nibabel reads them), either byte order.
//
// Order of work, so that bad input fails before memory is committed and never yields a partial volume:
// header -> sizes, datatype, affine, scaling checked -> voxel limit (before a byte of a gzip file is inflated
// past the header) -> data file located and its size checked (uncompressed) -> assertAllocatable -> one ArrayBuffer of the on-disk voxel bytes, filled in place by the (inflating)
// reader -> byte swap in place -> typed view. The NIfTI RAS affine becomes Concord's LPS affine here, once.

import type { Mat4, Vec3 } from '../../core/geometry/affine';
import { flipRasLps } from '../../core/geometry/affine';
import { InputError } from '../../core/errors';
import type { ImageVolume, Rescale, ScalarType } from '../../core/volume/types';
import { assertAllocatable, assertVoxelLimit, maxVoxelsOf } from '../limits';
import type { ReadOptions } from '../read-options';
import { classified, resourceErrorOf } from '../resource-failure';
import { openByteSource, throwIfAborted, TruncatedError, type ByteSource } from './byte-source';
import { descriptionOf, headerFileFor, imageFileFor, spmMatFileFor } from './files';
import { bestAffineRAS, effectiveCode, type AffineSource } from './geometry';
import { parseHeader, probeHeader, type HeaderFormat, type RawHeader } from './header';
import { layoutOf, type Layout } from './layout';
import { rescaleOf } from './scaling';
import { decodeVoxels, HOST_LITTLE_ENDIAN, swapBytesInPlace } from './voxels';

/** What the header alone says (readNiftiHeader); no voxel is read. */
export interface NiftiHeaderInfo {
  format: HeaderFormat;
  /** The header file, and for pairs the image file expected next to it (which may be missing). */
  files: string[];
  littleEndian: boolean;
  dims: Vec3;
  frames: number;
  /** On-disk datatype code and name ('int16', 'uint64', ...). */
  datatype: { code: number; name: string };
  /** In-memory type readNifti gives; undefined for int64/uint64, which depends on the values (int32 or float64). */
  scalarType: ScalarType | undefined;
  /** pixdim[0..7] as stored (pixdim[1..3]: voxel size, normally mm). */
  pixdim: number[];
  /** Row-major 4x4 mapping (i, j, k, 1) to LPS mm. */
  affineLPS: Mat4;
  /** Which header fields the affine came from (nibabel's choice, see geometry.ts). */
  affineSource: AffineSource;
  rescale: Rescale;
  qformCode: number;
  sformCode: number;
  voxOffset: number;
  /** The header's `descrip` text. */
  descrip: string;
}

interface ParsedHeader {
  raw: RawHeader;
  headerBytes: number;
  layout: Layout;
  affineRAS: Mat4;
  affineSource: AffineSource;
  rescale: Rescale;
}

/**
 * Reads and checks the header at the start of `source`; every failure is an InputError naming `file`.
 * Analyze headers (no NIfTI magic) are accepted only from a .hdr file: anything else without the magic is
 * not an image we know (a DICOM preamble can look like a 348-byte header).
 */
async function readHeader(source: ByteSource, file: string): Promise<ParsedHeader> {
  const prefix = await source.readExact(4, 'the header').catch((e: unknown) => {
    throw e instanceof TruncatedError
      ? new InputError(file, 'not a NIfTI or Analyze file (too short for a header)')
      : e;
  });
  const probe = probeHeader(prefix);
  if (!probe) {
    throw new InputError(
      file,
      'not a NIfTI or Analyze file (sizeof_hdr is neither 348 nor 540 in either byte order)',
    );
  }
  const rest = await source.readExact(probe.bytes - 4, 'the header').catch((e: unknown) => {
    throw e instanceof TruncatedError
      ? new InputError(file, `file is truncated inside the ${probe.bytes}-byte header`)
      : e;
  });
  const block = new Uint8Array(probe.bytes);
  block.set(prefix, 0);
  block.set(rest, 4);
  const parsed = parseHeader(block);
  if (!parsed.ok) throw new InputError(file, parsed.reason);
  const raw = parsed.header;
  if (raw.format === 'analyze' && !/\.hdr(\.gz)?$/i.test(file)) {
    throw new InputError(
      file,
      'not a NIfTI file (no NIfTI magic; Analyze 7.5 is read only as a .hdr/.img pair)',
    );
  }
  const layout = layoutOf(raw, probe.bytes);
  if (!layout.ok) throw new InputError(file, layout.reason);
  const affine = bestAffineRAS(raw);
  if (!affine.ok) throw new InputError(file, affine.reason);
  const rescale = rescaleOf(raw);
  if (!rescale.ok) throw new InputError(file, rescale.reason);
  return {
    raw,
    headerBytes: probe.bytes,
    layout: layout.layout,
    affineRAS: affine.affine,
    affineSource: affine.source,
    rescale: rescale.rescale,
  };
}

/** Opens the header file for `file` (an .img names its .hdr) and reads the header. */
async function openHeader(
  file: string,
): Promise<{ headerFile: string; source: ByteSource; header: ParsedHeader }> {
  const headerFile = await headerFileFor(file);
  if (!headerFile) throw new InputError(file, 'no header found next to this image file (expected a .hdr)');
  const source = await openByteSource(headerFile);
  try {
    const header = await readHeader(source, headerFile);
    return { headerFile, source, header };
  } catch (e) {
    await source.close();
    throw e;
  }
}

/** Reads only the header (cheap: at most the first 540 decompressed bytes). */
export async function readNiftiHeader(file: string): Promise<NiftiHeaderInfo> {
  try {
    return await readHeaderInfo(file);
  } catch (e) {
    throw classified(e, file, 'reading the header');
  }
}

async function readHeaderInfo(file: string): Promise<NiftiHeaderInfo> {
  const { headerFile, source, header } = await openHeader(file);
  await source.close();
  const { raw, layout } = header;
  const files = [headerFile];
  if (!raw.singleFile) files.push((await imageFileFor(headerFile)).expected);
  return {
    format: raw.format,
    files,
    littleEndian: raw.littleEndian,
    dims: layout.dims,
    frames: layout.frames,
    datatype: { code: layout.type.code, name: layout.type.name },
    scalarType: layout.type.scalarType,
    pixdim: raw.pixdim.slice(),
    affineLPS: flipRasLps(header.affineRAS),
    affineSource: header.affineSource,
    rescale: header.rescale,
    qformCode: effectiveCode(raw.qformCode),
    sformCode: effectiveCode(raw.sformCode),
    voxOffset: layout.voxOffset,
    descrip: raw.descrip,
  };
}

/** Calls onProgress with the fraction of voxel bytes read, at most about once per percent. */
function progressSink(
  total: number,
  onProgress: ReadOptions['onProgress'],
): ((done: number) => void) | undefined {
  if (!onProgress) return undefined;
  let last = 0;
  return (done) => {
    const f = total > 0 ? done / total : 1;
    if (f - last >= 0.01 || (f === 1 && last < 1)) {
      last = f;
      onProgress(f, 'reading voxels');
    }
  };
}

/**
 * Reads a NIfTI / Analyze image. Throws InputError naming the file for bad input, ResourceError when memory (or
 * another resource of the machine) ran out, CancelledError when opts.signal is aborted.
 */
export async function readNifti(file: string, opts: ReadOptions = {}): Promise<ImageVolume> {
  try {
    return await readImage(file, opts);
  } catch (e) {
    throw classified(e, file, 'reading the image');
  }
}

async function readImage(file: string, opts: ReadOptions): Promise<ImageVolume> {
  const { signal, onProgress } = opts;
  throwIfAborted(signal);
  const { headerFile, source: headerSource, header } = await openHeader(file);
  const { raw, layout } = header;
  const files = [headerFile];
  let source = headerSource;
  let buffer: ArrayBuffer;
  try {
    // From the header alone: a gzip bomb claiming a huge grid is refused here, before it is inflated.
    assertVoxelLimit(
      headerFile,
      layout.frames > 1 ? [...layout.dims, layout.frames] : layout.dims,
      maxVoxelsOf(opts),
    );
    if (raw.format === 'analyze') {
      const mat = await spmMatFileFor(headerFile);
      if (mat) {
        throw new InputError(
          headerFile,
          `an SPM .mat file (${mat}) overrides this Analyze header's orientation; Concord does not read .mat files (convert the image to NIfTI)`,
        );
      }
    }
    if (raw.singleFile) {
      if (source.size !== undefined && layout.voxOffset > source.size) {
        throw new InputError(
          headerFile,
          `vox_offset ${layout.voxOffset} is beyond the end of the file (${source.size} bytes)`,
        );
      }
      await source.skip(layout.voxOffset - header.headerBytes, 'the header extensions');
    } else {
      const image = await imageFileFor(headerFile);
      if (!image.found) {
        throw new InputError(
          headerFile,
          `the image file ${image.expected} is missing (a header alone holds no voxels)`,
        );
      }
      await source.close();
      source = await openByteSource(image.found);
      files.push(image.found);
      if (source.size !== undefined && layout.voxOffset > source.size) {
        throw new InputError(
          image.found,
          `vox_offset ${layout.voxOffset} is beyond the end of the file (${source.size} bytes)`,
        );
      }
      await source.skip(layout.voxOffset, 'the bytes before vox_offset');
    }
    const dataFile = files[files.length - 1]!;
    assertAllocatable(layout.dataBytes, dataFile);
    if (source.size !== undefined && source.size < layout.voxOffset + layout.dataBytes) {
      throw new InputError(
        dataFile,
        `file is truncated: the header needs ${layout.dataBytes} bytes of voxels from byte ${layout.voxOffset}, the file has ${source.size} bytes`,
      );
    }
    try {
      buffer = new ArrayBuffer(layout.dataBytes);
    } catch (e) {
      throw (
        resourceErrorOf(e, dataFile, `allocating the voxel data (${layout.dataBytes} bytes)`) ??
        new InputError(dataFile, `cannot allocate the voxel data (${layout.dataBytes} bytes)`)
      );
    }
    await source.fill(
      new Uint8Array(buffer),
      'the voxel data',
      progressSink(layout.dataBytes, onProgress),
      signal,
    );
    if (source.compressed && (await source.hasMore())) {
      throw new InputError(
        dataFile,
        'the gzip data holds more bytes than the header describes (damaged header?)',
      );
    }
  } finally {
    await source.close();
  }
  if (raw.littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(new Uint8Array(buffer), layout.type.bytes);
  const { scalarType, data } = decodeVoxels(buffer, layout.type, layout.voxelCount);
  return {
    geometry: { dims: layout.dims, affineLPS: flipRasLps(header.affineRAS) },
    scalarType,
    data,
    frames: layout.frames,
    rescale: header.rescale,
    source: { format: 'nifti', files, description: descriptionOf(headerFile) },
  };
}

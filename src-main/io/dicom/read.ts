// Reads DICOM image series into ImageVolumes.
//
// Layout of the result: voxel (i, j, k) = column i, row j of the k-th slice in sorted order (increasing position
// along rowDir x colDir), at data[i + j*nx + k*nx*ny]; affineLPS maps (i, j, k) to LPS mm (see geometry.ts).
// Values: stored values with the series' RescaleSlope/Intercept in `rescale` when every slice shares them;
// otherwise float32 physical values (stored * slope + intercept) with an identity rescale.
// MONOCHROME1 images keep their stored values (source.dicom.photometricInterpretation says how to display).
import path from 'node:path';
import { CancelledError, InputError } from '../../core/errors';
import {
  BYTES_PER_SCALAR,
  type DicomInstanceRef,
  type ImageVolume,
  type PatientIdentity,
  type Rescale,
  type ScalarType,
  type VolumeSource,
  type VoxelArray,
  allocateVoxels,
} from '../../core/volume/types';
import { assertAllocatable, emptyImageProblem, maxVoxelsOf, voxelLimitProblem } from '../limits';
import type { ReadOptions } from '../read-options';
import { readRegularFile } from '../regular-file';
import { classified, resourceErrorOf } from '../resource-failure';
import { mapLimit } from './concurrency';
import { UnsupportedEncodingError, decodeFrame } from './decode/frame';
import { headerOf } from './header';
import { unpackMosaic } from './mosaic';
import { DicomParseError, NotDicomError, parseDicomBytes } from './parse';
import { PixelDataError, frameBytes } from './pixels';
import { FILE_CONCURRENCY, scanDicom } from './scan';
import { describeSyntax, transferSyntax } from './transfer-syntax';
import type { DicomScan, DicomSeries, PixelFormat } from './types';
import { storedType, writePhysical, writeStored } from './values';

function sameRescale(a: Rescale, b: Rescale): boolean {
  return a.slope === b.slope && a.intercept === b.intercept;
}

function samePixel(a: PixelFormat, b: PixelFormat | undefined): boolean {
  return (
    b !== undefined &&
    a.rows === b.rows &&
    a.columns === b.columns &&
    a.bitsAllocated === b.bitsAllocated &&
    a.bitsStored === b.bitsStored &&
    a.pixelRepresentation === b.pixelRepresentation &&
    a.samplesPerPixel === b.samplesPerPixel
  );
}

/** One file's slices: where each frame goes in the volume. */
interface Placement {
  k: number;
  frame: number;
  rescale: Rescale;
}

async function readWholeFile(file: string): Promise<Uint8Array> {
  try {
    return await readRegularFile(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw (
      resourceErrorOf(e, file, 'reading the file') ??
      new InputError(file, `cannot read the file${code ? ` (${code})` : ''}`)
    );
  }
}

/**
 * Reads one series found by scanDicom. Throws InputError (naming the series' folder) when the series has
 * problems or a file cannot be decoded, ResourceError when memory (or another resource of the machine) ran out,
 * CancelledError when opts.signal is aborted.
 * Progress: one step per file.
 */
export async function readDicomSeries(series: DicomSeries, opts: ReadOptions = {}): Promise<ImageVolume> {
  try {
    return await readSeries(series, opts);
  } catch (e) {
    throw classified(e, series.folder, `reading ${series.name}`);
  }
}

async function readSeries(series: DicomSeries, opts: ReadOptions): Promise<ImageVolume> {
  const where = series.folder;
  if (series.problems.length > 0 || !series.affineLPS || !series.pixel) {
    throw new InputError(where, `${series.name}: ${series.problems.join('; ') || 'no usable geometry'}`);
  }
  const pixel = series.pixel;
  const [nx, ny, nz] = series.dims;
  const planeSize = nx * ny;
  const first = series.slices[0]!.rescale;
  const uniform = series.slices.every((s) => sameRescale(s.rescale, first));
  const scalarType: ScalarType = uniform ? storedType(pixel) : 'float32';
  const total = nx * ny * nz;
  const sizeProblem = emptyImageProblem(series.dims) ?? voxelLimitProblem(series.dims, maxVoxelsOf(opts));
  if (sizeProblem) throw new InputError(where, `${series.name}: ${sizeProblem}`);
  assertAllocatable(
    total * BYTES_PER_SCALAR[scalarType],
    where,
    `${series.name} (${nx}x${ny}x${nz} ${scalarType})`,
  );
  const data = allocateVoxels(scalarType, total);
  const stored = storedType(pixel);

  const byFile = new Map<string, Placement[]>();
  series.slices.forEach((s, k) => {
    const list = byFile.get(s.file) ?? [];
    list.push({ k, frame: s.frame, rescale: s.rescale });
    byFile.set(s.file, list);
  });
  const files = [...byFile.keys()];
  let patient: PatientIdentity | undefined;
  let done = 0;

  await mapLimit(
    files,
    FILE_CONCURRENCY,
    async (file, index) => {
      const bytes = await readWholeFile(file);
      if (opts.signal?.aborted) throw new CancelledError('DICOM import');
      let parsed;
      try {
        parsed = parseDicomBytes(bytes, false);
      } catch (e) {
        if (e instanceof NotDicomError)
          throw new InputError(file, 'not a DICOM file (changed since it was scanned?)');
        if (e instanceof DicomParseError)
          throw new InputError(file, `corrupt or truncated DICOM (${e.message})`);
        throw e;
      }
      const ts = transferSyntax(parsed.transferSyntaxUID);
      if (!ts.codec) throw new InputError(file, `transfer syntax ${describeSyntax(ts)} is not supported`);
      const header = headerOf(parsed.dataSet, file, parsed.transferSyntaxUID, {
        keepPatientIdentity: opts.keepPatientIdentity === true && index === 0,
      });
      if (index === 0 && header.patient) patient = header.patient;
      if (!samePixel(pixel, header.pixel))
        throw new InputError(file, 'pixel format changed since the folder was scanned');
      const spec = {
        rows: pixel.rows,
        columns: pixel.columns,
        bitsAllocated: pixel.bitsAllocated,
        samplesPerPixel: pixel.samplesPerPixel,
      };
      const count = pixel.rows * pixel.columns;
      for (const place of byFile.get(file)!) {
        let decoded: Uint8Array;
        try {
          const raw = frameBytes(parsed.dataSet, ts.codec, pixel, header.numberOfFrames, place.frame);
          decoded = await decodeFrame(ts.codec, ts, raw, spec);
        } catch (e) {
          if (e instanceof PixelDataError || e instanceof UnsupportedEncodingError)
            throw new InputError(file, e.message);
          const msg = e instanceof Error ? e.message : String(e);
          throw (
            resourceErrorOf(e, file, `decoding the pixel data (${describeSyntax(ts)})`) ??
            new InputError(file, `cannot decode the pixel data (${describeSyntax(ts)}): ${msg}`)
          );
        }
        const bigEndian = ts.bigEndian === true && ts.codec === 'native';
        try {
          if (series.mosaic) {
            const mosaic = allocateVoxels(stored, count);
            writeStored(decoded, pixel, bigEndian, mosaic, count);
            unpackMosaic(mosaic, pixel.columns, series.mosaic, data);
          } else if (uniform) {
            writeStored(
              decoded,
              pixel,
              bigEndian,
              data.subarray(place.k * planeSize, (place.k + 1) * planeSize),
              count,
            );
          } else {
            const tmp = allocateVoxels(stored, count);
            writeStored(decoded, pixel, bigEndian, tmp, count);
            const out = (data as Float32Array).subarray(place.k * planeSize, (place.k + 1) * planeSize);
            writePhysical(tmp, place.rescale.slope, place.rescale.intercept, out);
          }
        } catch (e) {
          throw (
            resourceErrorOf(e, file, 'storing the decoded pixels') ??
            new InputError(file, e instanceof Error ? e.message : String(e))
          );
        }
      }
      done++;
      opts.onProgress?.(done / files.length, path.basename(file));
    },
    opts.signal,
  );

  return {
    geometry: { dims: [nx, ny, nz], affineLPS: series.affineLPS.slice() },
    scalarType,
    data: data as VoxelArray,
    frames: 1,
    rescale: uniform ? { ...first } : { slope: 1, intercept: 0 },
    source: sourceOf(series, patient),
  };
}

function sourceOf(series: DicomSeries, patient: PatientIdentity | undefined): VolumeSource {
  const source: VolumeSource = {
    format: 'dicom',
    files: series.files.slice(),
    description: series.description,
    dicom: {
      seriesInstanceUID: series.uid,
      seriesDescription: series.description,
      transferSyntaxUID: series.transferSyntaxUIDs.join('\\'),
    },
  };
  const dicom = source.dicom!;
  if (series.modality !== undefined) source.modality = series.modality;
  if (series.studyInstanceUID !== undefined) dicom.studyInstanceUID = series.studyInstanceUID;
  if (series.studyDate !== undefined) dicom.studyDate = series.studyDate;
  if (series.seriesNumber !== undefined) dicom.seriesNumber = series.seriesNumber;
  if (series.frameOfReferenceUID !== undefined) dicom.frameOfReferenceUID = series.frameOfReferenceUID;
  if (series.patientPosition !== undefined) dicom.patientPosition = series.patientPosition;
  const instances = instancesOf(series);
  if (instances) dicom.instances = instances;
  if (series.pixel) dicom.photometricInterpretation = series.pixel.photometric;
  if (series.notes.length > 0) dicom.notes = series.notes.slice();
  if (patient) source.patient = patient;
  return source;
}

/** Per slice k, the image it came from; undefined when a slice's file has no SOP class or instance UID. */
function instancesOf(series: DicomSeries): DicomInstanceRef[] | undefined {
  // A file holding several slices of this series (enhanced multi-frame) is referenced frame by frame;
  // a mosaic is one single-frame image holding every slice, referenced as a whole.
  const perFile = new Map<string, number>();
  for (const s of series.slices) perFile.set(s.file, (perFile.get(s.file) ?? 0) + 1);
  const out: DicomInstanceRef[] = [];
  for (const s of series.slices) {
    if (s.sopInstanceUID === undefined || s.sopClassUID === undefined) return undefined;
    const ref: DicomInstanceRef = { sopClassUID: s.sopClassUID, sopInstanceUID: s.sopInstanceUID };
    if ((perFile.get(s.file) ?? 0) > 1) ref.frame = s.frame + 1;
    out.push(ref);
  }
  return out;
}

export interface ReadDicomResult {
  volumes: ImageVolume[];
  /** One line per file or series not imported, with the reason. */
  skipped: string[];
  /** The same, as what was refused (a file's path, or a series' label) and why. */
  refused: RefusedInput[];
}

/** A file (or a series, by its label) that was not imported, and why, in one line. */
export interface RefusedInput {
  file: string;
  reason: string;
}

/** The files and series of a scan that will not be imported, with the reason. */
export function refusedOfScan(scan: DicomScan): RefusedInput[] {
  return [
    ...scan.skipped.map((s) => ({ file: s.path, reason: s.reason })),
    ...scan.series
      .filter((s) => s.problems.length > 0)
      .map((s) => ({ file: s.label, reason: s.problems.join('; ') })),
  ];
}

/**
 * Scans `paths` (files and folders, recursively) and reads every readable series. Does not throw for files or
 * series that cannot be imported: they are listed in `skipped`. Throws InputError for a path that does not
 * exist, CancelledError on cancel. Progress: the scan counts for a quarter, reading for the rest.
 */
export async function readDicom(paths: string[], opts: ReadOptions = {}): Promise<ReadDicomResult> {
  const scan = await scanDicom(paths, {
    ...opts,
    onProgress: (f, detail) => opts.onProgress?.(0.25 * f, detail),
  });
  const refused = refusedOfScan(scan);
  const readable = scan.series.filter((s) => s.problems.length === 0);
  const totalFiles = readable.reduce((n, s) => n + s.files.length, 0) || 1;
  let filesDone = 0;
  const volumes: ImageVolume[] = [];
  for (const series of readable) {
    if (opts.signal?.aborted) throw new CancelledError('DICOM import');
    try {
      volumes.push(
        await readDicomSeries(series, {
          ...opts,
          onProgress: (f, detail) =>
            opts.onProgress?.(0.25 + (0.75 * (filesDone + f * series.files.length)) / totalFiles, detail),
        }),
      );
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      refused.push({
        file: series.label,
        reason: `${e.file && e.file !== series.folder ? `${path.basename(e.file)}: ` : ''}${e.reason}`,
      });
    }
    filesDone += series.files.length;
  }
  opts.onProgress?.(1);
  return { volumes, skipped: refused.map((r) => `${r.file}: ${r.reason}`), refused };
}

export { scanDicom };
export type { DicomScan, DicomSeries } from './types';

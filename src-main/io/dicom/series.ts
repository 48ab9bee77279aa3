// Groups image headers into series and works out, for each, whether and how it can be read as a volume:
// grouping by SeriesInstanceUID, splitting a "series" that mixes image sizes or orientations (reported),
// sorting slices along the normal, checking the stack, and building the affine. Nothing here reads pixels.
import path from 'node:path';
import type { Vec3 } from '../../core/geometry/affine';
import { MAX_BUFFER_BYTES, voxelLimitProblem } from '../limits';
import { checkStack, dot, normalise, sameOrientation, seriesAffine, sliceNormal } from './geometry';
import type { DicomHeader, DicomSeries, DicomSlice, PixelFormat, PlaneInfo } from './types';
import { mosaicLayout, mosaicOrigin } from './mosaic';
import { describeSyntax, transferSyntax } from './transfer-syntax';

/** One image plane before sorting: a frame of a file with its geometry. */
interface Plane {
  header: DicomHeader;
  frame: number;
  info: PlaneInfo;
}

function folderOf(files: string[]): string {
  const dirs = [...new Set(files.map((f) => path.dirname(f)))];
  if (dirs.length === 1) return dirs[0]!;
  // Common parent of several folders.
  const split = dirs.map((d) => d.split(path.sep));
  const common: string[] = [];
  for (let i = 0; split.every((s) => i < s.length && s[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  return common.join(path.sep) || path.sep;
}

function samePixelFormat(a: PixelFormat, b: PixelFormat): boolean {
  return (
    a.bitsAllocated === b.bitsAllocated &&
    a.bitsStored === b.bitsStored &&
    a.highBit === b.highBit &&
    a.pixelRepresentation === b.pixelRepresentation &&
    a.samplesPerPixel === b.samplesPerPixel &&
    a.photometric === b.photometric
  );
}

function describeFormat(p: PixelFormat): string {
  return (
    `BitsAllocated ${p.bitsAllocated}, BitsStored ${p.bitsStored}, ` +
    `PixelRepresentation ${p.pixelRepresentation}, ${p.photometric}`
  );
}

function fmtBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** Stored bytes per voxel of the volume a pixel format gives (float32 when rescale varies: also 4 bytes). */
export function bytesPerVoxel(p: PixelFormat): number {
  return Math.max(1, Math.ceil(p.bitsAllocated / 8));
}

/**
 * Expected byte length of native (uncompressed) pixel data for one file.
 */
export function nativeLength(p: PixelFormat, frames: number): number {
  return Math.ceil((p.rows * p.columns * frames * p.samplesPerPixel * p.bitsAllocated) / 8);
}

/** Pixel-encoding problems of one file that no grouping can fix. */
function fileProblems(h: DicomHeader, fileSize: number): string[] {
  const out: string[] = [];
  const p = h.pixel!;
  const ts = transferSyntax(h.transferSyntaxUID);
  if (!ts.codec)
    out.push(`transfer syntax ${describeSyntax(ts)} is not supported: ${ts.refusal ?? 'no decoder'}`);
  // JPEG Extended with more than 8 bits stored is 12-bit process 4: the bundled libjpeg-turbo is 8-bit only.
  // (The decoder checks the stream's own precision too, for files whose header understates it.)
  if (ts.codec === 'jpeg-baseline' && p.bitsStored > 8) {
    out.push(
      `transfer syntax ${describeSyntax(ts)} with ${p.bitsStored}-bit data (12-bit JPEG) is not supported: ` +
        'only 8-bit JPEG can be decoded',
    );
  }
  if (ts.codec === 'native' && h.pixelData && !h.pixelData.encapsulated) {
    const expected = nativeLength(p, h.numberOfFrames);
    const { offset, length } = h.pixelData;
    if (length < expected) {
      out.push(
        `${path.basename(h.file)}: pixel data has ${length} bytes, ${expected} expected (truncated or corrupt)`,
      );
    } else if (offset + expected > fileSize) {
      out.push(
        `${path.basename(h.file)}: file is truncated (pixel data needs ${offset + expected} bytes, ` +
          `the file has ${fileSize})`,
      );
    }
  }
  return out;
}

/** Clusters planes by image size and orientation (planes without orientation form their own cluster). */
function clusterPlanes(planes: Plane[]): Plane[][] {
  const clusters: { rows: number; cols: number; iop?: number[]; planes: Plane[] }[] = [];
  for (const pl of planes) {
    const { rows, columns } = pl.header.pixel!;
    const iop = pl.info.iop;
    let c = clusters.find(
      (k) =>
        k.rows === rows &&
        k.cols === columns &&
        (k.iop === undefined ? iop === undefined : iop !== undefined && sameOrientation(k.iop, iop)),
    );
    if (!c) {
      c = { rows, cols: columns, planes: [] };
      if (iop) c.iop = iop;
      clusters.push(c);
    }
    c.planes.push(pl);
  }
  return clusters.map((c) => c.planes);
}

interface SeriesIdentity {
  /** SeriesInstanceUID ('' when absent). */
  uid: string;
  /** Unique grouping key (the UID, or the folder for files without one). */
  key: string;
}

/** Builds a DicomSeries (sorted, checked, with affine when readable) from the planes of one part. */
function buildPart(
  id: SeriesIdentity,
  planes: Plane[],
  part: DicomSeries['part'],
  extraProblems: string[],
  extraNotes: string[],
  fileSizes: Map<string, number>,
): DicomSeries {
  const first = planes[0]!.header;
  const pixel = first.pixel!;
  const files = [...new Set(planes.map((p) => p.header.file))];
  const folder = folderOf(files);
  // Without a SeriesDescription, "CT series 3000566" says more than a folder named "dicom" would.
  const description =
    first.seriesDescription ??
    (first.seriesNumber !== undefined
      ? `${first.modality ?? 'DICOM'} series ${first.seriesNumber}`
      : path.basename(folder));
  // Messages name the series by its description or, without one, by its folder.
  const name =
    `series "${first.seriesDescription ?? path.basename(folder)}"` +
    (first.seriesNumber !== undefined ? ` #${first.seriesNumber}` : '') +
    (part ? ` part ${part.index}/${part.count}` : '');
  const label = `${name} in ${folder}`;
  const problems = [...extraProblems];
  const notes = [...extraNotes];
  const headers = [...new Set(planes.map((p) => p.header))];

  // Encoding: every file must share the pixel format; each transfer syntax must be decodable.
  const odd = headers.find((h) => !samePixelFormat(h.pixel!, pixel));
  if (odd) {
    problems.push(
      `slices differ in pixel format (${describeFormat(pixel)} in ${path.basename(first.file)}, ` +
        `${describeFormat(odd.pixel!)} in ${path.basename(odd.file)})`,
    );
  }
  if (pixel.samplesPerPixel !== 1 || !/^MONOCHROME[12]$/.test(pixel.photometric)) {
    problems.push(
      `colour image (PhotometricInterpretation ${pixel.photometric}, ${pixel.samplesPerPixel} samples per pixel) ` +
        'is not imported: Concord reads greyscale images only',
    );
  }
  if (![8, 16, 32].includes(pixel.bitsAllocated)) {
    problems.push(`BitsAllocated ${pixel.bitsAllocated} is not supported (8, 16 or 32)`);
  }
  if (
    pixel.bitsStored < 1 ||
    pixel.bitsStored > pixel.bitsAllocated ||
    pixel.highBit >= pixel.bitsAllocated
  ) {
    problems.push(`inconsistent BitsStored ${pixel.bitsStored} / HighBit ${pixel.highBit}`);
  }
  for (const h of headers) {
    for (const msg of fileProblems(h, fileSizes.get(h.file) ?? Infinity))
      if (!problems.includes(msg)) problems.push(msg);
    for (const msg of h.invalid) {
      const m = `${path.basename(h.file)}: ${msg}`;
      if (problems.length < 20) problems.push(m);
    }
  }
  const syntaxes = [...new Set(headers.map((h) => h.transferSyntaxUID))];
  for (const uid of syntaxes) {
    const ts = transferSyntax(uid);
    if (ts.lossy)
      notes.push(`lossy compression (${describeSyntax(ts)}): values may differ from the original`);
  }
  if (pixel.photometric === 'MONOCHROME1') {
    notes.push(
      'MONOCHROME1: higher values are darker; stored values kept, the display must invert the grey scale',
    );
  }

  // Geometry.
  const series: DicomSeries = {
    key: id.key + (part ? `#${part.index}` : ''),
    uid: id.uid,
    description,
    name,
    label,
    folder,
    files,
    dims: [pixel.columns, pixel.rows, planes.length],
    problems,
    notes,
    slices: [],
    pixel,
    transferSyntaxUIDs: syntaxes,
  };
  if (part) series.part = part;
  if (first.modality !== undefined) series.modality = first.modality;
  if (first.seriesNumber !== undefined) series.seriesNumber = first.seriesNumber;
  if (first.studyInstanceUID !== undefined) series.studyInstanceUID = first.studyInstanceUID;
  if (first.studyDate !== undefined) series.studyDate = first.studyDate;
  if (first.frameOfReferenceUID !== undefined) series.frameOfReferenceUID = first.frameOfReferenceUID;
  if (first.patientPosition !== undefined) series.patientPosition = first.patientPosition;
  if (first.patient !== undefined) series.patient = first.patient;

  const multiNoGeometry = headers.find((h) => h.numberOfFrames > 1 && !h.perFrameGeometry && !h.mosaic);
  if (multiNoGeometry) {
    problems.push(
      `${path.basename(multiNoGeometry.file)}: multi-frame image (${multiNoGeometry.numberOfFrames} frames) ` +
        'without per-frame positions: frames cannot be placed in space (cine, projections or time series)',
    );
  }
  if (first.mosaic) return finishMosaic(series, planes, problems, notes);

  const spacingFrom = first.planes[0]?.pixelSpacing;
  const pixelSpacing: [number, number] = spacingFrom ?? [1, 1];
  if (!spacingFrom) notes.push('no PixelSpacing: 1 mm assumed in-plane');
  else if (first.pixelSpacingSource === 'ImagerPixelSpacing') {
    notes.push('in-plane spacing from ImagerPixelSpacing (measured at the detector, not in the patient)');
  }
  const spacingDiffers = planes.find((p) => {
    const s = p.info.pixelSpacing ?? [1, 1];
    return (
      Math.abs(s[0] - pixelSpacing[0]) > 1e-4 * pixelSpacing[0] ||
      Math.abs(s[1] - pixelSpacing[1]) > 1e-4 * pixelSpacing[1]
    );
  });
  if (spacingDiffers) {
    problems.push(
      `slices differ in PixelSpacing (${pixelSpacing.join('\\')} and ${(spacingDiffers.info.pixelSpacing ?? [1, 1]).join('\\')})`,
    );
  }

  const withoutGeometry = planes.filter((p) => !p.info.ipp || !p.info.iop);
  let ordered: Plane[] = planes;
  if (withoutGeometry.length > 0) {
    if (planes.length > 1) {
      problems.push(
        `${withoutGeometry.length} of ${planes.length} slices have no ImagePositionPatient/ImageOrientationPatient: ` +
          'slices cannot be ordered',
      );
    } else {
      notes.push(
        'no ImagePositionPatient/ImageOrientationPatient: identity orientation and origin 0 assumed',
      );
    }
  }
  const iop = planes[0]!.info.iop ?? [1, 0, 0, 0, 1, 0];
  const normal = sliceNormal(iop);
  if (withoutGeometry.length === 0) {
    // Sort by position along the normal; equal positions keep InstanceNumber order (for the messages).
    ordered = [...planes].sort(
      (a, b) =>
        dot(a.info.ipp!, normal) - dot(b.info.ipp!, normal) ||
        (a.header.instanceNumber ?? 0) - (b.header.instanceNumber ?? 0) ||
        a.frame - b.frame,
    );
  }
  let step: number | undefined;
  if (ordered.length === 1) {
    const p = ordered[0]!;
    const thickness = p.info.sliceThickness;
    const between = p.header.spacingBetweenSlices;
    step = thickness && thickness > 0 ? thickness : between && between > 0 ? between : 1;
    if (!(thickness && thickness > 0) && !(between && between > 0)) {
      notes.push('single slice without SliceThickness or SpacingBetweenSlices: 1 mm assumed along k');
    }
  } else if (withoutGeometry.length === 0) {
    const stack = checkStack(
      ordered.map((p) => p.info.ipp!),
      normal,
      Math.min(pixelSpacing[0], pixelSpacing[1]),
    );
    problems.push(...stack.problems);
    step = stack.step;
  }

  series.slices = ordered.map((p) => slice(p));
  series.files = [...new Set(ordered.map((p) => p.header.file))];
  if (problems.length === 0 && step !== undefined) {
    series.affineLPS = seriesAffine(iop, pixelSpacing, normal, step, ordered[0]!.info.ipp ?? [0, 0, 0]);
  }
  return series;
}

function slice(p: Plane): DicomSlice {
  const s: DicomSlice = { file: p.header.file, frame: p.frame, rescale: p.info.rescale };
  if (p.info.ipp) s.ipp = p.info.ipp;
  if (p.header.sopInstanceUID !== undefined) s.sopInstanceUID = p.header.sopInstanceUID;
  if (p.header.sopClassUID !== undefined) s.sopClassUID = p.header.sopClassUID;
  return s;
}

/** A Siemens mosaic: one file, its tiles are the slices. */
function finishMosaic(
  series: DicomSeries,
  planes: Plane[],
  problems: string[],
  notes: string[],
): DicomSeries {
  const h = planes[0]!.header;
  const pixel = h.pixel!;
  const info = planes[0]!.info;
  series.slices = [slice(planes[0]!)];
  if (planes.length > 1) {
    problems.push(
      `${planes.length} Siemens mosaic images in one series (a time series or repeated volume): ` +
        'import one file at a time',
    );
    return series;
  }
  const layout = mosaicLayout(pixel, h.mosaic!.images);
  if (typeof layout === 'string') {
    problems.push(layout);
    return series;
  }
  series.mosaic = layout;
  series.dims = [layout.tileColumns, layout.tileRows, layout.images];
  if (!info.ipp || !info.iop) {
    problems.push(
      'Siemens mosaic without ImagePositionPatient/ImageOrientationPatient: slices cannot be placed',
    );
    return series;
  }
  const pixelSpacing = info.pixelSpacing ?? [1, 1];
  if (!info.pixelSpacing) notes.push('no PixelSpacing: 1 mm assumed in-plane');
  const crossNormal = sliceNormal(info.iop);
  const csaNormal = h.mosaic!.sliceNormal ? normalise(h.mosaic!.sliceNormal) : undefined;
  if (csaNormal && Math.abs(Math.abs(dot(csaNormal, crossNormal)) - 1) > 1e-3) {
    problems.push('Siemens mosaic: CSA SliceNormalVector is not perpendicular to the image plane');
    return series;
  }
  const normal: Vec3 = csaNormal ?? crossNormal;
  const between = h.spacingBetweenSlices;
  const thickness = info.sliceThickness;
  const step = between && between > 0 ? between : thickness && thickness > 0 ? thickness : 1;
  if (!(between && between > 0))
    notes.push(`mosaic without SpacingBetweenSlices: slice step ${step} mm assumed`);
  notes.push(
    `Siemens mosaic of ${layout.images} slices unpacked (${layout.tilesPerRow}x${layout.tilesPerRow} tiles)`,
  );
  if (problems.length === 0) {
    const origin = mosaicOrigin(info.ipp, info.iop, pixelSpacing, pixel, layout);
    series.affineLPS = seriesAffine(info.iop, pixelSpacing, normal, step, origin);
  }
  return series;
}

/**
 * The size problem of a series, if any: over the voxel limit, else too big for one buffer. Decided from the
 * headers, before anything is allocated; put first among the problems and the series left without an affine.
 */
function checkSize(s: DicomSeries, maxVoxels: number): void {
  const [nx, ny, nz] = s.dims;
  let problem = voxelLimitProblem(s.dims, maxVoxels);
  // A mosaic is decoded whole (rows x columns) before its tiles are unpacked: that image counts too.
  if (!problem && s.mosaic && s.pixel)
    problem = voxelLimitProblem([s.pixel.columns, s.pixel.rows, 1], maxVoxels);
  const bytes = nx * ny * nz * (s.pixel ? bytesPerVoxel(s.pixel) : 1);
  if (!problem && bytes > MAX_BUFFER_BYTES) {
    problem = `${nx}x${ny}x${nz} voxels would need ${fmtBytes(bytes)}, more than one buffer can hold (4 GiB)`;
  }
  if (!problem) return;
  s.problems.unshift(problem);
  delete s.affineLPS;
}

/**
 * Builds the series of a scan from image headers (files with pixel data and a pixel format).
 * `fileSizes` (bytes) lets truncated files be detected without reading their pixel data; a series of more than
 * `maxVoxels` voxels gets that as its first problem (it is not read).
 */
export function buildSeries(
  headers: DicomHeader[],
  fileSizes: Map<string, number>,
  maxVoxels: number,
): DicomSeries[] {
  const byUid = new Map<string, DicomHeader[]>();
  for (const h of headers) {
    const uid = h.seriesInstanceUID ?? `(no SeriesInstanceUID) ${path.dirname(h.file)}`;
    const list = byUid.get(uid) ?? [];
    list.push(h);
    byUid.set(uid, list);
  }
  const out: DicomSeries[] = [];
  for (const [key, list] of byUid) {
    const id: SeriesIdentity = { uid: list[0]!.seriesInstanceUID ?? '', key };
    const planes: Plane[] = [];
    for (const h of list) {
      if (h.perFrameGeometry) h.planes.forEach((info, frame) => planes.push({ header: h, frame, info }));
      else planes.push({ header: h, frame: 0, info: h.planes[0]! });
    }
    const clusters = clusterPlanes(planes);
    if (clusters.length === 1) {
      out.push(buildPart(id, planes, undefined, [], [], fileSizes));
      continue;
    }
    const sizes = new Set(clusters.map((c) => `${c[0]!.header.pixel!.columns}x${c[0]!.header.pixel!.rows}`));
    const what =
      sizes.size > 1
        ? `${sizes.size} image sizes and ${clusters.length} size/orientation groups`
        : `${clusters.length} orientations`;
    if (clusters.every((c) => c.length === 1)) {
      // Every slice has its own orientation (radial slices, a tri-planar localizer): there is nothing to stack.
      const s = buildPart(id, planes.slice(0, 1), undefined, [], [], fileSizes);
      s.files = [...new Set(planes.map((p) => p.header.file))];
      s.dims = [s.dims[0], s.dims[1], planes.length];
      s.slices = planes.map((p) => slice(p));
      delete s.affineLPS;
      s.problems.unshift(
        `${planes.length} slices with ${what} (radial or localizer images): not stacked into a volume`,
      );
      out.push(s);
      continue;
    }
    clusters.forEach((c, i) => {
      const part = { index: i + 1, count: clusters.length };
      const splitNote = `the series mixes ${what}; split into ${clusters.length} parts, this is part ${i + 1}`;
      const problems =
        c.length === 1
          ? [`single slice of a series that mixes ${what} (localizer?): not imported alone`]
          : [];
      out.push(buildPart(id, c, part, problems, [splitNote], fileSizes));
    });
  }
  for (const s of out) checkSize(s, maxVoxels);
  return out;
}

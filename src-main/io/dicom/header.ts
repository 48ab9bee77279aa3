// Extracts what the reader needs from a parsed data set into a plain DicomHeader (no dicom-parser objects),
// so that scans can be kept, compared and sent across threads.
import type { Vec3 } from '../../core/geometry/affine';
import type { Rescale } from '../../core/volume/types';
import { csaNumbers, parseCsaHeader } from './csa';
import type { DataSet } from './dicom-parser';
import { TAG, privateTag } from './tags';
import type { DicomHeader, PixelFormat, PlaneInfo } from './types';

/** Numbers of a multi-valued decimal/integer string; undefined when absent, empty or not all numeric. */
export function dsNumbers(ds: DataSet, tag: string): number[] | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const s = ds.string(tag);
  if (s === undefined || s.trim() === '') return undefined;
  const parts = s.split('\\').map((p) => p.trim());
  if (parts.some((p) => p === '')) return undefined;
  const nums = parts.map(Number);
  return nums.every(Number.isFinite) ? nums : undefined;
}

function dsNumber(ds: DataSet, tag: string): number | undefined {
  const n = dsNumbers(ds, tag);
  return n && n.length >= 1 ? n[0] : undefined;
}

function str(ds: DataSet, tag: string): string | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const s = ds.string(tag)?.replace(/\0/g, '').trim();
  return s === '' ? undefined : s;
}

function us(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2) return undefined;
  return ds.uint16(tag);
}

/** First item's data set of a sequence element, if any. */
function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/** Checks an ImageOrientationPatient: two unit (to 1%) orthogonal vectors; returns them renormalised. */
function orientation(iop: number[] | undefined, invalid: string[]): number[] | undefined {
  if (!iop) return undefined;
  if (iop.length !== 6) {
    invalid.push(`ImageOrientationPatient has ${iop.length} values instead of 6`);
    return undefined;
  }
  const r = iop.slice(0, 3);
  const c = iop.slice(3, 6);
  const nr = Math.hypot(r[0]!, r[1]!, r[2]!);
  const nc = Math.hypot(c[0]!, c[1]!, c[2]!);
  const dot = (r[0]! * c[0]! + r[1]! * c[1]! + r[2]! * c[2]!) / (nr * nc || 1);
  if (Math.abs(nr - 1) > 0.01 || Math.abs(nc - 1) > 0.01 || Math.abs(dot) > 0.01) {
    invalid.push(`ImageOrientationPatient (${iop.join('\\')}) is not two orthogonal unit vectors`);
    return undefined;
  }
  return [...r.map((v) => v / nr), ...c.map((v) => v / nc)];
}

function position(ipp: number[] | undefined, invalid: string[]): Vec3 | undefined {
  if (!ipp) return undefined;
  if (ipp.length !== 3) {
    invalid.push(`ImagePositionPatient has ${ipp.length} values instead of 3`);
    return undefined;
  }
  return [ipp[0]!, ipp[1]!, ipp[2]!];
}

function spacing(ps: number[] | undefined, name: string, invalid: string[]): [number, number] | undefined {
  if (!ps) return undefined;
  if (ps.length !== 2 || !(ps[0]! > 0) || !(ps[1]! > 0)) {
    invalid.push(`${name} (${ps.join('\\')}) is not two positive numbers`);
    return undefined;
  }
  return [ps[0]!, ps[1]!];
}

function rescaleOf(ds: DataSet | undefined, fallback: Rescale, invalid: string[]): Rescale {
  if (!ds) return fallback;
  const slope = dsNumber(ds, TAG.RescaleSlope);
  const intercept = dsNumber(ds, TAG.RescaleIntercept);
  if (slope === undefined && intercept === undefined) return fallback;
  if (slope !== undefined && slope === 0) invalid.push('RescaleSlope is 0');
  return { slope: slope ?? 1, intercept: intercept ?? 0 };
}

function pixelFormat(ds: DataSet): PixelFormat | undefined {
  const rows = us(ds, TAG.Rows);
  const columns = us(ds, TAG.Columns);
  const bitsAllocated = us(ds, TAG.BitsAllocated);
  if (rows === undefined || columns === undefined || bitsAllocated === undefined) return undefined;
  const bitsStored = us(ds, TAG.BitsStored) ?? bitsAllocated;
  return {
    rows,
    columns,
    samplesPerPixel: us(ds, TAG.SamplesPerPixel) ?? 1,
    photometric: str(ds, TAG.PhotometricInterpretation) ?? 'MONOCHROME2',
    bitsAllocated,
    bitsStored,
    highBit: us(ds, TAG.HighBit) ?? bitsStored - 1,
    pixelRepresentation: us(ds, TAG.PixelRepresentation) ?? 0,
  };
}

/**
 * Geometry of each frame of an enhanced multi-frame file, from the per-frame functional groups (falling back
 * on the shared groups). Undefined when the file has no per-frame plane positions.
 */
function perFramePlanes(
  ds: DataSet,
  frames: number,
  topRescale: Rescale,
  invalid: string[],
): PlaneInfo[] | undefined {
  const perFrame = ds.elements[TAG.PerFrameFunctionalGroupsSequence]?.items;
  if (!perFrame || perFrame.length === 0) return undefined;
  if (!perFrame.some((it) => firstItem(it.dataSet, TAG.PlanePositionSequence))) return undefined;
  if (perFrame.length !== frames) {
    invalid.push(`PerFrameFunctionalGroupsSequence has ${perFrame.length} items for ${frames} frames`);
    return undefined;
  }
  const shared = firstItem(ds, TAG.SharedFunctionalGroupsSequence);
  const sharedIop = orientation(
    dsNumbers(firstItem(shared, TAG.PlaneOrientationSequence) ?? ds, TAG.ImageOrientationPatient),
    invalid,
  );
  const sharedMeasures = firstItem(shared, TAG.PixelMeasuresSequence);
  const sharedSpacing = sharedMeasures
    ? spacing(dsNumbers(sharedMeasures, TAG.PixelSpacing), 'PixelSpacing', invalid)
    : undefined;
  const sharedThickness = sharedMeasures ? dsNumber(sharedMeasures, TAG.SliceThickness) : undefined;
  const sharedRescale = rescaleOf(
    firstItem(shared, TAG.PixelValueTransformationSequence),
    topRescale,
    invalid,
  );
  return perFrame.map((item) => {
    const f = item.dataSet;
    const pos = firstItem(f, TAG.PlanePositionSequence);
    const ori = firstItem(f, TAG.PlaneOrientationSequence);
    const meas = firstItem(f, TAG.PixelMeasuresSequence);
    const iop = ori ? orientation(dsNumbers(ori, TAG.ImageOrientationPatient), invalid) : sharedIop;
    const ps = meas ? spacing(dsNumbers(meas, TAG.PixelSpacing), 'PixelSpacing', invalid) : undefined;
    const plane: PlaneInfo = {
      rescale: rescaleOf(firstItem(f, TAG.PixelValueTransformationSequence), sharedRescale, invalid),
    };
    const ipp = pos ? position(dsNumbers(pos, TAG.ImagePositionPatient), invalid) : undefined;
    if (ipp) plane.ipp = ipp;
    if (iop) plane.iop = iop;
    const pixelSpacing = ps ?? sharedSpacing;
    if (pixelSpacing) plane.pixelSpacing = pixelSpacing;
    const thickness = (meas ? dsNumber(meas, TAG.SliceThickness) : undefined) ?? sharedThickness;
    if (thickness !== undefined) plane.sliceThickness = thickness;
    return plane;
  });
}

/** Siemens mosaic: number of tiles (CSA NumberOfImagesInMosaic, else (0019,xx0A)) and the CSA slice normal. */
function mosaicInfo(ds: DataSet, imageType: string[]): DicomHeader['mosaic'] {
  if (!imageType.includes('MOSAIC')) return undefined;
  const read = (t: string) => str(ds, t);
  let images: number | undefined;
  let sliceNormal: Vec3 | undefined;
  const csaTag = privateTag(ds.elements, read, 0x0029, 'SIEMENS CSA HEADER', 0x10);
  const csaEl = csaTag ? ds.elements[csaTag] : undefined;
  if (csaEl && csaEl.dataOffset + csaEl.length <= ds.byteArray.length) {
    const csa = parseCsaHeader(ds.byteArray.subarray(csaEl.dataOffset, csaEl.dataOffset + csaEl.length));
    if (csa) {
      const n = csaNumbers(csa, 'NumberOfImagesInMosaic');
      if (n.length === 1 && n[0]! > 0) images = n[0];
      const v = csaNumbers(csa, 'SliceNormalVector');
      if (v.length === 3) sliceNormal = [v[0]!, v[1]!, v[2]!];
    }
  }
  if (images === undefined) {
    const tag = privateTag(ds.elements, read, 0x0019, 'SIEMENS MR HEADER', 0x0a);
    const n = tag ? us(ds, tag) : undefined;
    if (n !== undefined && n > 0) images = n;
  }
  if (images === undefined) return { images: 0 };
  return sliceNormal ? { images, sliceNormal } : { images };
}

export function headerOf(
  ds: DataSet,
  file: string,
  transferSyntaxUID: string,
  opts: { keepPatientIdentity?: boolean },
): DicomHeader {
  const invalid: string[] = [];
  const imageType = (str(ds, TAG.ImageType) ?? '').split('\\').map((s) => s.trim().toUpperCase());
  const framesRaw = dsNumber(ds, TAG.NumberOfFrames);
  const numberOfFrames =
    framesRaw !== undefined && Number.isInteger(framesRaw) && framesRaw >= 1 ? framesRaw : 1;
  if (framesRaw !== undefined && numberOfFrames !== framesRaw) invalid.push(`NumberOfFrames is ${framesRaw}`);

  const topRescale = rescaleOf(ds, { slope: 1, intercept: 0 }, invalid);
  const pixelSpacing = spacing(dsNumbers(ds, TAG.PixelSpacing), 'PixelSpacing', invalid);
  const imagerSpacing = pixelSpacing
    ? undefined
    : spacing(dsNumbers(ds, TAG.ImagerPixelSpacing), 'ImagerPixelSpacing', invalid);
  const top: PlaneInfo = { rescale: topRescale };
  const ipp = position(dsNumbers(ds, TAG.ImagePositionPatient), invalid);
  const iop = orientation(dsNumbers(ds, TAG.ImageOrientationPatient), invalid);
  if (ipp) top.ipp = ipp;
  if (iop) top.iop = iop;
  if (pixelSpacing ?? imagerSpacing) top.pixelSpacing = (pixelSpacing ?? imagerSpacing)!;
  const thickness = dsNumber(ds, TAG.SliceThickness);
  if (thickness !== undefined) top.sliceThickness = thickness;

  const perFrame = numberOfFrames > 1 ? perFramePlanes(ds, numberOfFrames, topRescale, invalid) : undefined;
  const pixelEl = ds.elements[TAG.PixelData];
  const header: DicomHeader = {
    file,
    transferSyntaxUID,
    imageType,
    numberOfFrames,
    planes: perFrame ?? [top],
    perFrameGeometry: perFrame !== undefined,
    invalid,
  };
  const set = <K extends keyof DicomHeader>(k: K, v: DicomHeader[K] | undefined) => {
    if (v !== undefined) header[k] = v;
  };
  set('sopClassUID', str(ds, TAG.SOPClassUID) ?? str(ds, TAG.MediaStorageSOPClassUID));
  set('sopInstanceUID', str(ds, TAG.SOPInstanceUID));
  set('frameOfReferenceUID', str(ds, TAG.FrameOfReferenceUID));
  set('modality', str(ds, TAG.Modality));
  set('studyInstanceUID', str(ds, TAG.StudyInstanceUID));
  set('seriesInstanceUID', str(ds, TAG.SeriesInstanceUID));
  set('seriesNumber', dsNumber(ds, TAG.SeriesNumber));
  set('seriesDescription', str(ds, TAG.SeriesDescription));
  set('studyDate', str(ds, TAG.StudyDate));
  set('instanceNumber', dsNumber(ds, TAG.InstanceNumber));
  set('patientPosition', str(ds, TAG.PatientPosition));
  set('pixel', pixelFormat(ds));
  set('spacingBetweenSlices', dsNumber(ds, TAG.SpacingBetweenSlices));
  set('pixelSpacingSource', pixelSpacing ? 'PixelSpacing' : imagerSpacing ? 'ImagerPixelSpacing' : undefined);
  set('mosaic', mosaicInfo(ds, imageType));
  if (pixelEl) {
    header.pixelData = {
      offset: pixelEl.dataOffset,
      length: pixelEl.length,
      encapsulated: pixelEl.encapsulatedPixelData === true || pixelEl.hadUndefinedLength === true,
    };
  }
  if (!pixelEl && (ds.elements[TAG.FloatPixelData] || ds.elements[TAG.DoubleFloatPixelData])) {
    header.floatPixelData = true;
  }
  if (opts.keepPatientIdentity) {
    const patient: NonNullable<DicomHeader['patient']> = {};
    const name = str(ds, TAG.PatientName);
    const id = str(ds, TAG.PatientID);
    const birthDate = str(ds, TAG.PatientBirthDate);
    if (name !== undefined) patient.name = name;
    if (id !== undefined) patient.id = id;
    if (birthDate !== undefined) patient.birthDate = birthDate;
    header.patient = patient;
  }
  return header;
}

// A label map as a DICOM Segmentation (PS3.3 A.51): BINARY, one segment per label, one frame per (segment,
// slice) holding any voxel of that label (empty frames omitted), written with dcmjs (Explicit VR Little
// Endian). Frames reference the source image of their slice (Derivation Image / Source Image Sequence) and
// the series as a whole (Referenced Series Sequence); geometry is the volume's own: per-frame Plane Position,
// shared Plane Orientation and Pixel Measures, the source Frame of Reference UID.
//
// Frames: LPS mm. Mask index layout: i + j*nx + k*nx*ny (i fastest); i is the image column, j the row, k the
// slice, so frame pixel (row j, column i) of slice k is mask voxel (i, j, k), and the frame's
// ImagePositionPatient is the affine applied to (0, 0, k). BINARY pixels are packed 8 to a byte, least
// significant bit first, frames following one another without padding (PS3.5 8.1.1).
import { randomBytes } from 'node:crypto';
import { data, type NaturalDataset } from './dcmjs-data';
import type { Mat4, Vec3 } from '../../core/geometry/affine';
import { axisVector, norm, transformPoint } from '../../core/geometry/affine';
import type { DicomInstanceRef, PatientIdentity, VolumeGeometry } from '../../core/volume/types';
import { hexToDicomLab } from './colour';
import type { SegmentCodes } from './seg-codes';

export const SEGMENTATION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Concord's UID root for implementation and dimension organisation: 2.25 (a UUID as an integer). */
const IMPLEMENTATION_CLASS_UID = '2.25.147096231457623316848049129846312410583';

/** The source series a SEG refers to, as recorded when the volume was imported. */
export interface SegSourceSeries {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  /** Source image of each slice k (length = the volume's k dimension). */
  instances: DicomInstanceRef[];
  patient?: PatientIdentity;
}

export interface SegSegmentInput {
  /** Label value in the mask (1..255). */
  value: number;
  name: string;
  /** '#rrggbb' */
  color: string;
  codes: SegmentCodes;
  /** MANUAL for an annotator's drawing; SEMIAUTOMATIC (with the method's name) for merged or adjudicated masks. */
  algorithm: { type: 'MANUAL' } | { type: 'SEMIAUTOMATIC' | 'AUTOMATIC'; name: string };
}

export interface SegWriteInput {
  labels: Uint8Array;
  geometry: VolumeGeometry;
  source: SegSourceSeries;
  /** Segments to write, in segment-number order (numbers 1..n); labels present in the mask but not here are an error. */
  segments: SegSegmentInput[];
  seriesDescription: string;
  /** Who made the segmentation (a person's name in DICOM PN form, or empty). */
  creator: string;
  contentDescription: string;
  softwareVersion: string;
  /** For tests: fixed UIDs and time; default new UIDs and now. */
  uids?: { series: string; instance: string };
  now?: Date;
}

export interface SegWriteResult {
  bytes: Uint8Array;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  frames: number;
  segments: { number: number; value: number; name: string; frames: number }[];
}

/** A new UID under 2.25 (PS3.5 B.2): a random 128-bit integer in decimal. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;
}

/** A DS value in at most 16 characters (PS3.5 Table 6.2-1). */
export function ds(x: number): string {
  for (let p = 15; p > 0; p--) {
    const s = String(Number(x.toPrecision(p)));
    if (s.length <= 16) return s;
  }
  return '0';
}

const unit = (v: Vec3): Vec3 => {
  const n = norm(v);
  return [v[0] / n, v[1] / n, v[2] / n];
};

/** Image plane attributes of the grid: IOP, PixelSpacing (row spacing, column spacing), slice step (mm). */
export function planeOf(affine: Mat4): { iop: number[]; pixelSpacing: [number, number]; step: number } {
  const col = axisVector(affine, 0);
  const row = axisVector(affine, 1);
  return {
    iop: [...unit(col), ...unit(row)],
    pixelSpacing: [norm(row), norm(col)],
    step: norm(axisVector(affine, 2)),
  };
}

const code = (c: { value: string; scheme: string; meaning: string }) => ({
  CodeValue: c.value,
  CodingSchemeDesignator: c.scheme,
  CodeMeaning: c.meaning,
});

function dicomDateTime(d: Date): { date: string; time: string } {
  const iso = d.toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}

export function writeSeg(input: SegWriteInput): SegWriteResult {
  const [nx, ny, nz] = input.geometry.dims;
  const sliceSize = nx * ny;
  if (input.source.instances.length !== nz) {
    throw new Error(`${input.source.instances.length} source images for ${nz} slices`);
  }
  const numberOf = new Map<number, number>();
  input.segments.forEach((s, n) => numberOf.set(s.value, n + 1));

  // Which (segment, slice) pairs hold voxels: one pass over the mask.
  const present = new Uint8Array(256 * nz);
  for (let k = 0; k < nz; k++) {
    const base = k * sliceSize;
    for (let p = 0; p < sliceSize; p++) {
      const v = input.labels[base + p]!;
      if (v !== 0) present[v * nz + k] = 1;
    }
  }
  for (let v = 1; v < 256; v++) {
    if (numberOf.has(v)) continue;
    for (let k = 0; k < nz; k++) {
      if (present[v * nz + k]) throw new Error(`label ${v} is in the mask but has no segment`);
    }
  }

  // Frames: by segment, then by slice (k ascending).
  const frames: { segment: number; value: number; k: number }[] = [];
  for (const s of input.segments) {
    for (let k = 0; k < nz; k++) {
      if (present[s.value * nz + k]) frames.push({ segment: numberOf.get(s.value)!, value: s.value, k });
    }
  }
  const bits = new Uint8Array(Math.ceil((frames.length * sliceSize) / 8 / 2) * 2);
  frames.forEach((f, n) => {
    const base = f.k * sliceSize;
    let bit = n * sliceSize;
    for (let p = 0; p < sliceSize; p++, bit++) {
      if (input.labels[base + p] === f.value) bits[bit >> 3]! |= 1 << (bit & 7);
    }
  });

  const plane = planeOf(input.geometry.affineLPS);
  const src = input.source;
  const uids = input.uids ?? { series: newUid(), instance: newUid() };
  const dimensionOrganization = newUid();
  const { date, time } = dicomDateTime(input.now ?? new Date());
  const patient = src.patient ?? {};
  const perFrame = frames.map((f) => {
    const ref = src.instances[f.k]!;
    const sourceImage: Record<string, unknown> = {
      ReferencedSOPClassUID: ref.sopClassUID,
      ReferencedSOPInstanceUID: ref.sopInstanceUID,
      PurposeOfReferenceCodeSequence: [
        {
          CodeValue: '121322',
          CodingSchemeDesignator: 'DCM',
          CodeMeaning: 'Source image for image processing operation',
        },
      ],
    };
    if (ref.frame !== undefined) sourceImage['ReferencedFrameNumber'] = ref.frame;
    return {
      DerivationImageSequence: [
        {
          SourceImageSequence: [sourceImage],
          DerivationCodeSequence: [
            { CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' },
          ],
        },
      ],
      FrameContentSequence: [{ DimensionIndexValues: [f.segment, f.k + 1] }],
      PlanePositionSequence: [
        { ImagePositionPatient: transformPoint(input.geometry.affineLPS, [0, 0, f.k]).map(ds) },
      ],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.segment }],
    };
  });
  const referenced = new Map<string, string>();
  for (const r of src.instances) referenced.set(r.sopInstanceUID, r.sopClassUID);

  const dataset: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['DERIVED', 'PRIMARY'],
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    SOPClassUID: SEGMENTATION_SOP_CLASS,
    SOPInstanceUID: uids.instance,
    StudyDate: '',
    SeriesDate: date,
    ContentDate: date,
    StudyTime: '',
    SeriesTime: time,
    ContentTime: time,
    AccessionNumber: '',
    Modality: 'SEG',
    Manufacturer: 'Concord',
    ReferringPhysicianName: '',
    SeriesDescription: input.seriesDescription.slice(0, 64),
    ManufacturerModelName: 'Concord',
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: src.seriesInstanceUID,
        ReferencedInstanceSequence: [...referenced].map(([instance, cls]) => ({
          ReferencedSOPClassUID: cls,
          ReferencedSOPInstanceUID: instance,
        })),
      },
    ],
    PatientName: patient.name ?? '',
    PatientID: patient.id ?? '',
    PatientBirthDate: patient.birthDate ?? '',
    PatientSex: '',
    DeviceSerialNumber: '1',
    SoftwareVersions: input.softwareVersion,
    StudyInstanceUID: src.studyInstanceUID,
    SeriesInstanceUID: uids.series,
    StudyID: '',
    SeriesNumber: 1000,
    InstanceNumber: 1,
    FrameOfReferenceUID: src.frameOfReferenceUID,
    PositionReferenceIndicator: '',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganization }],
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: dimensionOrganization,
        DimensionIndexPointer: 0x0062000b, // ReferencedSegmentNumber
        FunctionalGroupPointer: 0x0062000a, // SegmentIdentificationSequence
        DimensionDescriptionLabel: 'ReferencedSegmentNumber',
      },
      {
        DimensionOrganizationUID: dimensionOrganization,
        DimensionIndexPointer: 0x00200032, // ImagePositionPatient
        FunctionalGroupPointer: 0x00209113, // PlanePositionSequence
        DimensionDescriptionLabel: 'ImagePositionPatient',
      },
    ],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: frames.length,
    Rows: ny,
    Columns: nx,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    ContentLabel: 'CONCORD_SEG',
    ContentDescription: input.contentDescription.slice(0, 64),
    ContentCreatorName: input.creator,
    SegmentSequence: input.segments.map((s, n) => ({
      SegmentedPropertyCategoryCodeSequence: [code(s.codes.category)],
      SegmentNumber: n + 1,
      SegmentLabel: s.name.slice(0, 64),
      SegmentAlgorithmType: s.algorithm.type,
      ...(s.algorithm.type === 'MANUAL' ? {} : { SegmentAlgorithmName: s.algorithm.name.slice(0, 64) }),
      RecommendedDisplayCIELabValue: hexToDicomLab(s.color),
      SegmentedPropertyTypeCodeSequence: [code(s.codes.type)],
    })),
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: plane.iop.map(ds) }],
        PixelMeasuresSequence: [
          {
            SliceThickness: ds(plane.step),
            SpacingBetweenSlices: ds(plane.step),
            PixelSpacing: plane.pixelSpacing.map(ds),
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: perFrame,
    PixelData: [bits.buffer],
    _vrMap: { PixelData: 'OB' },
  };

  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SEGMENTATION_SOP_CLASS,
    MediaStorageSOPInstanceUID: uids.instance,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: `CONCORD_${input.softwareVersion}`.slice(0, 16),
  };
  const dict = new data.DicomDict(data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = data.DicomMetaDictionary.denaturalizeDataset(dataset);
  const bytes = new Uint8Array(dict.write());
  const perSegment = input.segments.map((s, n) => ({
    number: n + 1,
    value: s.value,
    name: s.name,
    frames: frames.filter((f) => f.segment === n + 1).length,
  }));
  return {
    bytes,
    sopInstanceUID: uids.instance,
    seriesInstanceUID: uids.series,
    frames: frames.length,
    segments: perSegment,
  };
}

// DICOM tags used by the reader, in dicom-parser's key format 'xGGGGEEEE' (lower-case hex).
export const TAG = {
  MediaStorageSOPClassUID: 'x00020002',
  TransferSyntaxUID: 'x00020010',
  ImageType: 'x00080008',
  SOPClassUID: 'x00080016',
  SOPInstanceUID: 'x00080018',
  Modality: 'x00080060',
  SeriesDescription: 'x0008103e',
  StudyDate: 'x00080020',
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  PatientBirthDate: 'x00100030',
  SliceThickness: 'x00180050',
  SpacingBetweenSlices: 'x00180088',
  ImagerPixelSpacing: 'x00181164',
  PatientPosition: 'x00185100',
  StudyInstanceUID: 'x0020000d',
  FrameOfReferenceUID: 'x00200052',
  SeriesInstanceUID: 'x0020000e',
  SeriesNumber: 'x00200011',
  AcquisitionNumber: 'x00200012',
  InstanceNumber: 'x00200013',
  ImagePositionPatient: 'x00200032',
  ImageOrientationPatient: 'x00200037',
  SamplesPerPixel: 'x00280002',
  PhotometricInterpretation: 'x00280004',
  NumberOfFrames: 'x00280008',
  Rows: 'x00280010',
  Columns: 'x00280011',
  PixelSpacing: 'x00280030',
  BitsAllocated: 'x00280100',
  BitsStored: 'x00280101',
  HighBit: 'x00280102',
  PixelRepresentation: 'x00280103',
  RescaleIntercept: 'x00281052',
  RescaleSlope: 'x00281053',
  // Enhanced (multi-frame) functional groups.
  SharedFunctionalGroupsSequence: 'x52009229',
  PerFrameFunctionalGroupsSequence: 'x52009230',
  PixelMeasuresSequence: 'x00289110',
  PlanePositionSequence: 'x00209113',
  PlaneOrientationSequence: 'x00209116',
  PixelValueTransformationSequence: 'x00289145',
  FloatPixelData: 'x7fe00008',
  DoubleFloatPixelData: 'x7fe00009',
  PixelData: 'x7fe00010',
} as const;

/** SOP classes recognised by name in skip messages. */
export const SOP_CLASS_NAMES: Record<string, string> = {
  '1.2.840.10008.1.3.10': 'DICOMDIR (media directory)',
  '1.2.840.10008.5.1.4.1.1.66.4': 'DICOM SEG',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan',
  '1.2.840.10008.5.1.4.1.1.481.2': 'RT Dose',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF',
  '1.2.840.10008.5.1.4.1.1.66': 'Raw Data',
};

export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

/**
 * The tag of private element `element` (low byte, e.g. 0x0a) in the block that `creator` reserved in `group`
 * (e.g. group 0x0019, creator 'SIEMENS MR HEADER' -> 'x0019100a' when the creator sits at (0019,0010)).
 */
export function privateTag(
  elements: Record<string, unknown>,
  readString: (tag: string) => string | undefined,
  group: number,
  creator: string,
  element: number,
): string | undefined {
  const g = group.toString(16).padStart(4, '0');
  for (let block = 0x10; block <= 0xff; block++) {
    const creatorTag = `x${g}00${block.toString(16).padStart(2, '0')}`;
    if (!(creatorTag in elements)) continue;
    if (readString(creatorTag)?.trim() === creator) {
      return `x${g}${block.toString(16).padStart(2, '0')}${element.toString(16).padStart(2, '0')}`;
    }
  }
  return undefined;
}

// Coded meanings of a segment (DICOM SEG's Segmented Property Category and Type, PS3.3 C.8.20.2): SNOMED CT
// codes (scheme 'SCT', as PS3.16 CID 7150/7151/7159 use them) picked from the label's name by keyword. A name
// that matches none gets the generic "Tissue" / "Tissue" pair that dcmqi and 3D Slicer also use for
// unclassified segments.

export interface CodedConcept {
  value: string;
  scheme: 'SCT';
  meaning: string;
}

export interface SegmentCodes {
  category: CodedConcept;
  type: CodedConcept;
}

const sct = (value: string, meaning: string): CodedConcept => ({ value, scheme: 'SCT', meaning });

const ALTERED = sct('49755003', 'Morphologically Altered Structure');
const ANATOMY = sct('123037004', 'Anatomical Structure');
const TISSUE = sct('85756007', 'Tissue');

/** Keyword (matched as a whole word, case-insensitive, in the label's name) -> category and type. First wins. */
export const SEGMENT_CODE_TABLE: { keywords: string[]; codes: SegmentCodes }[] = [
  { keywords: ['nodule', 'nodules'], codes: { category: ALTERED, type: sct('27925004', 'Nodule') } },
  { keywords: ['mass', 'masses'], codes: { category: ALTERED, type: sct('4147007', 'Mass') } },
  {
    keywords: ['tumor', 'tumour', 'tumors', 'tumours', 'neoplasm', 'cancer'],
    codes: { category: ALTERED, type: sct('108369006', 'Neoplasm') },
  },
  { keywords: ['lesion', 'lesions'], codes: { category: ALTERED, type: sct('52988006', 'Lesion') } },
  { keywords: ['liver'], codes: { category: ANATOMY, type: sct('10200004', 'Liver') } },
  { keywords: ['lung', 'lungs'], codes: { category: ANATOMY, type: sct('39607008', 'Lung') } },
  { keywords: ['heart'], codes: { category: ANATOMY, type: sct('80891009', 'Heart') } },
  { keywords: ['spinal cord', 'cord'], codes: { category: ANATOMY, type: sct('2748008', 'Spinal cord') } },
  { keywords: ['kidney', 'kidneys'], codes: { category: ANATOMY, type: sct('64033007', 'Kidney') } },
];

/** The generic pair for names the table does not know. */
export const GENERIC_SEGMENT_CODES: SegmentCodes = { category: TISSUE, type: TISSUE };

/** Category and type for a label named `name`. */
export function segmentCodesFor(name: string): SegmentCodes {
  const text = name.toLowerCase();
  for (const row of SEGMENT_CODE_TABLE) {
    if (row.keywords.some((k) => new RegExp(`(^|[^a-z])${k}([^a-z]|$)`).test(text))) return row.codes;
  }
  return GENERIC_SEGMENT_CODES;
}

// The Basic Profile as applied to a volume's source: UID replacement (consistent per key, different across
// keys, valid 2.25 UUID-derived UIDs), dates removed or shifted per patient, no free text or file names.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { VolumeSource } from '../volume/types';
import {
  applyConfidentialityProfile,
  casePseudonym,
  isSubjectPseudonym,
  subjectPseudonym,
  dateShiftDays,
  MAX_SHIFT_DAYS,
  replacementUid,
  shiftDate,
  staffPseudonym,
  type KeyedHash,
} from './confidentiality-profile';

const keyed =
  (secret: string): KeyedHash =>
  (text) =>
    createHmac('sha256', secret).update(text).digest();
const A = keyed('workspace A');
const B = keyed('workspace B');

const STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.298806137288633453246975630178';
const SERIES = '1.3.6.1.4.1.14519.5.2.1.6279.6001.179049373636438705059720603192';
const FRAME = '1.3.6.1.4.1.14519.5.2.1.6279.6001.229925374658226729607867499499';
const source: VolumeSource = {
  format: 'dicom',
  files: ['/data/LIDC-IDRI-0001/dicom/1.dcm', '/data/LIDC-IDRI-0001/dicom/2.dcm'],
  description: 'Chest for Dr Smith',
  modality: 'CT',
  patient: { name: 'Doe^Jane', id: 'LIDC-IDRI-0001', birthDate: '19500101' },
  dicom: {
    studyInstanceUID: STUDY,
    seriesInstanceUID: SERIES,
    frameOfReferenceUID: FRAME,
    studyDate: '20000101',
    seriesNumber: 3000566,
    seriesDescription: 'Chest for Dr Smith',
    patientPosition: 'FFS',
    instances: [
      { sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUID: `${SERIES}.1` },
      { sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUID: `${SERIES}.2` },
    ],
  },
};

describe('the Basic Application Level Confidentiality Profile', () => {
  it('replaces a UID by the same 2.25 UUID-derived UID under one key, another under another key', () => {
    const a = replacementUid(A, STUDY);
    expect(a).toBe(replacementUid(A, STUDY));
    expect(a).not.toBe(replacementUid(B, STUDY));
    expect(a).not.toBe(replacementUid(A, SERIES));
    expect(a).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(a.length).toBeLessThanOrEqual(64);
    // The 128-bit value is a UUID of version 8 and the RFC variant (PS3.5 B.2).
    const hex = BigInt(a.slice(5)).toString(16).padStart(32, '0');
    expect(hex[12]).toBe('8');
    expect(['8', '9', 'a', 'b']).toContain(hex[16]);
  });

  it('shifts dates by the same days for one patient, within ten years back, and refuses non-dates', () => {
    const d = dateShiftDays(A, 'id LIDC-IDRI-0001');
    expect(d).toBe(dateShiftDays(A, 'id LIDC-IDRI-0001'));
    expect(d).toBeLessThanOrEqual(-1);
    expect(d).toBeGreaterThanOrEqual(-MAX_SHIFT_DAYS);
    expect(shiftDate('20000301', -1)).toBe('20000229');
    expect(shiftDate('20000101', -365)).toBe('19990101');
    expect(shiftDate('20001332', -1)).toBeUndefined();
    expect(shiftDate('2000-01-01', -1)).toBeUndefined();
    const days = new Set(Array.from({ length: 20 }, (_, i) => dateShiftDays(A, `id P${i}`)));
    expect(days.size).toBeGreaterThan(15);
  });

  it('keeps no name, ID, birth date, free text, file name or original UID, and removes dates by default', () => {
    const {
      source: out,
      uids,
      dateShiftDays: shift,
    } = applyConfidentialityProfile(source, {
      hash: A,
      dates: 'remove',
      patientKey: 'id LIDC-IDRI-0001',
    });
    const text = JSON.stringify(out);
    for (const gone of [
      'Doe',
      'LIDC-IDRI-0001',
      '19500101',
      'Smith',
      '20000101',
      '/data',
      STUDY,
      SERIES,
      FRAME,
    ])
      expect(text).not.toContain(gone);
    expect(out.files).toEqual([]);
    expect(out.description).toBe('CT series 3000566');
    expect(out.patient).toBeUndefined();
    expect(out.dicom!.studyDate).toBeUndefined();
    expect(shift).toBeNull();
    expect(out.dicom!.studyInstanceUID).toBe(replacementUid(A, STUDY));
    expect(out.dicom!.instances!.map((i) => i.sopInstanceUID)).toEqual([
      replacementUid(A, `${SERIES}.1`),
      replacementUid(A, `${SERIES}.2`),
    ]);
    // What describes the image is kept.
    expect(out.dicom!.instances![0]!.sopClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect([out.modality, out.dicom!.patientPosition, out.dicom!.seriesNumber]).toEqual([
      'CT',
      'FFS',
      3000566,
    ]);
    expect(uids.size).toBe(5);
    expect(uids.get(FRAME)).toBe(out.dicom!.frameOfReferenceUID);
    // The input is left as it was.
    expect(source.dicom!.studyInstanceUID).toBe(STUDY);
  });

  it("shifts the study date by the patient's days when asked", () => {
    const r = applyConfidentialityProfile(source, { hash: A, dates: 'shift', patientKey: 'id X' });
    expect(r.dateShiftDays).toBe(dateShiftDays(A, 'id X'));
    expect(r.source.dicom!.studyDate).toBe(shiftDate('20000101', r.dateShiftDays!));
    expect(r.source.dicom!.studyDate).not.toBe('20000101');
  });

  it('names a case by a keyed pseudonym', () => {
    expect(casePseudonym(A, 'LIDC-IDRI-0001')).toMatch(/^Case [0-9a-f]{8}$/);
    expect(casePseudonym(A, 'LIDC-IDRI-0001')).toBe(casePseudonym(A, 'LIDC-IDRI-0001'));
    expect(casePseudonym(A, 'LIDC-IDRI-0001')).not.toBe(casePseudonym(B, 'LIDC-IDRI-0001'));
  });

  it("names a case's subject by a keyed pseudonym, apart from the case's", () => {
    expect(subjectPseudonym(A, 'id X')).toMatch(/^Subject [0-9a-f]{8}$/);
    expect(subjectPseudonym(A, 'id X')).toBe(subjectPseudonym(A, 'id X'));
    expect(subjectPseudonym(A, 'id X')).not.toBe(subjectPseudonym(B, 'id X'));
    expect(subjectPseudonym(A, 'id X').slice(8)).not.toBe(casePseudonym(A, 'id X').slice(5));
  });

  it("tells a subject pseudonym handed back from a name, by the pseudonym's form", () => {
    expect(isSubjectPseudonym(subjectPseudonym(A, 'id X'))).toBe(true);
    for (const name of ['P1', 'Subject P1', 'Subject 3F2A1B9C', 'Subject 3f2a1b9c0', ' Subject 3f2a1b9c'])
      expect(isSubjectPseudonym(name)).toBe(false);
  });

  it('names staff by their role and a keyed pseudonym, never by their name', () => {
    const p = staffPseudonym(A, 'profile 1234', 'annotator');
    expect(p).toMatch(/^Annotator [0-9a-f]{8}$/);
    expect(staffPseudonym(A, 'profile 1234', 'annotator')).toBe(p);
    expect(staffPseudonym(B, 'profile 1234', 'annotator')).not.toBe(p);
    expect(staffPseudonym(A, 'profile 1234', 'reviewer')).toMatch(/^Reviewer /);
  });
});

// DICOM PS3.15 Annex E, the Basic Application Level Confidentiality Profile, applied to what Concord keeps of
// a source image (VolumeSource): the only DICOM attributes Concord stores are the ones below, so the profile
// here is the action for each of them.
//
//   attribute (Annex E action)                     | research project
//   -----------------------------------------------+-------------------------------------------------------
//   Patient's Name, Patient ID, Birth Date (Z/X)   | never stored (the import drops them)
//   Study/Series/SOP Instance, Frame of Reference  | replaced (U): 2.25.<128-bit> from a keyed hash of the
//     UIDs                                         |   original, so one UID gets the same replacement
//                                                  |   everywhere in a workspace, and different ones across
//                                                  |   workspaces (different keys)
//   Study Date (Z, or shifted under the Retain     | removed, or shifted by a whole number of days that is
//     Longitudinal Temporal Information option)    |   the same for every study of one patient
//   Series Description (X, free text)              | removed; the volume is described as "<modality> series
//                                                  |   <number>"
//   file names and folders (not DICOM, but often   | removed
//     the patient's ID)                            |
//   SOP Class, Transfer Syntax, Modality, Series   | kept: they describe the image, not the patient
//     Number, Patient Position, Photometric Interp.|
//
// Pixel data are not examined: text burned into the pixels is outside the Basic Profile's guarantee (its
// "Clean Pixel Data" option), and stays the user's responsibility.
//
// Pure: the keyed hash (HMAC-SHA256 with a workspace secret) is passed in by the caller.
import type { DicomSource, VolumeSource } from '../volume/types';

/** A keyed hash of `text` (at least 16 bytes): HMAC-SHA256 with the workspace's de-identification secret. */
export type KeyedHash = (text: string) => Uint8Array;

export type DatePolicy = 'remove' | 'shift';

/** The longest date shift, in days (about ten years); shifts are 1..MAX_SHIFT_DAYS days into the past. */
export const MAX_SHIFT_DAYS = 3650;

/**
 * The replacement of a UID: "2.25." followed by the decimal value of a UUID (PS3.5 B.2) made of the first 16
 * bytes of the keyed hash of the original, with the version (8: custom) and variant bits of RFC 9562 set.
 * At most 44 characters, well within a UI's 64.
 */
export function replacementUid(hash: KeyedHash, uid: string): string {
  const h = hash(`uid\n${uid}`).slice(0, 16);
  if (h.length < 16) throw new Error('the keyed hash must give at least 16 bytes');
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  let n = 0n;
  for (const b of h) n = (n << 8n) | BigInt(b);
  return `2.25.${n.toString(10)}`;
}

/** The number of days (negative: into the past) every date of one patient moves by. */
export function dateShiftDays(hash: KeyedHash, patientKey: string): number {
  const h = hash(`date shift\n${patientKey}`);
  const n = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
  return -(1 + (n % MAX_SHIFT_DAYS));
}

/** A DA value (YYYYMMDD) moved by `days`; undefined when it is not a valid date (then it is removed). */
export function shiftDate(da: string, days: number): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  const shifted = new Date(t + days * 86_400_000);
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  return `${pad(shifted.getUTCFullYear(), 4)}${pad(shifted.getUTCMonth() + 1, 2)}${pad(shifted.getUTCDate(), 2)}`;
}

/** The first 4 bytes of a keyed hash as 8 hex digits: a pseudonym's tail. */
function hex8(h: Uint8Array): string {
  return Array.from(h.slice(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A pseudonym for a case: "Case " and 8 hex digits of the keyed hash of what identifies it at the source. */
export function casePseudonym(hash: KeyedHash, seed: string): string {
  const h = hash(`case\n${seed}`);
  return `Case ${hex8(h)}`;
}

/**
 * A pseudonym for the person a case images (a case's subject, migration 012): "Subject " and 8 hex digits of
 * the keyed hash of what identifies them at the source (their Patient ID, or the subject a manifest names).
 */
export function subjectPseudonym(hash: KeyedHash, seed: string): string {
  const h = hash(`subject\n${seed}`);
  return `Subject ${hex8(h)}`;
}

/** Whether a subject has subjectPseudonym's form: a pseudonym handed back, not a name to be replaced. */
export function isSubjectPseudonym(subject: string): boolean {
  return /^Subject [0-9a-f]{8}$/.test(subject);
}

/**
 * A pseudonym for a member of staff (a Concord profile, an author): their role and 8 hex digits of the keyed
 * hash of what identifies them (a profile's stable id), e.g. "Annotator 3f2a1b9c". Staff names are identifiers
 * under the profile (Operators' Name, Physician(s) Reading Study: Annex E action X/Z).
 */
export function staffPseudonym(hash: KeyedHash, seed: string, role: string): string {
  const h = hash(`staff\n${seed}`);
  const word = role.charAt(0).toUpperCase() + role.slice(1);
  return `${word} ${hex8(h)}`;
}

export interface ProfileOptions {
  hash: KeyedHash;
  dates: DatePolicy;
  /** What identifies the patient at the source (Patient ID, else the case's source name): the date shift's key. */
  patientKey: string;
}

export interface ProfileResult {
  source: VolumeSource;
  /** Original UID -> its replacement, for a mapping file kept only when the user asks. */
  uids: Map<string, string>;
  /** Days the dates moved by (shift), or null when they were removed. */
  dateShiftDays: number | null;
}

/** The description of a de-identified volume: its modality and series number, no free text. */
export function neutralDescription(source: VolumeSource): string {
  const what =
    source.modality ?? (source.format === 'dicom' ? 'DICOM' : source.format === 'png' ? 'PNG' : 'NIfTI');
  const n = source.dicom?.seriesNumber;
  return n !== undefined ? `${what} series ${n}` : `${what} image`;
}

/** Applies the profile (table above) to a volume's source; the input is left unchanged. */
export function applyConfidentialityProfile(source: VolumeSource, opts: ProfileOptions): ProfileResult {
  const uids = new Map<string, string>();
  const replace = (uid: string | undefined): string | undefined => {
    if (uid === undefined || uid === '') return uid;
    let r = uids.get(uid);
    if (r === undefined) {
      r = replacementUid(opts.hash, uid);
      uids.set(uid, r);
    }
    return r;
  };
  const out: VolumeSource = { format: source.format, files: [], description: neutralDescription(source) };
  if (source.modality !== undefined) out.modality = source.modality;
  let shift: number | null = null;
  if (source.dicom) {
    const d = source.dicom;
    const dicom: DicomSource = {};
    const study = replace(d.studyInstanceUID);
    const series = replace(d.seriesInstanceUID);
    const frame = replace(d.frameOfReferenceUID);
    if (study !== undefined) dicom.studyInstanceUID = study;
    if (series !== undefined) dicom.seriesInstanceUID = series;
    if (frame !== undefined) dicom.frameOfReferenceUID = frame;
    if (d.studyDate !== undefined && opts.dates === 'shift') {
      shift = dateShiftDays(opts.hash, opts.patientKey);
      const moved = shiftDate(d.studyDate, shift);
      if (moved !== undefined) dicom.studyDate = moved;
    }
    if (d.seriesNumber !== undefined) dicom.seriesNumber = d.seriesNumber;
    if (d.patientPosition !== undefined) dicom.patientPosition = d.patientPosition;
    if (d.transferSyntaxUID !== undefined) dicom.transferSyntaxUID = d.transferSyntaxUID;
    if (d.photometricInterpretation !== undefined)
      dicom.photometricInterpretation = d.photometricInterpretation;
    // The reader's own remarks (compression, assumed spacing): Concord's words, no source text.
    if (d.notes !== undefined) dicom.notes = d.notes.slice();
    if (d.instances !== undefined) {
      dicom.instances = d.instances.map((i) => ({
        sopClassUID: i.sopClassUID,
        sopInstanceUID: replace(i.sopInstanceUID)!,
        ...(i.frame !== undefined ? { frame: i.frame } : {}),
      }));
    }
    out.dicom = dicom;
  }
  return { source: out, uids, dateShiftDays: shift };
}

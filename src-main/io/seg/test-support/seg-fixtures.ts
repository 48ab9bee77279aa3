// Test helpers for DICOM SEG: the dcmqi 3-slice CT and its label maps (resources/test-data/dcmqi_ct3slice_seg),
// a minimal reader of its gzip NRRD label maps, dciodvfy, a pydicom read-back, and edits of a SEG's data set
// (to make FRACTIONAL, off-grid or foreign-series SEGs from a valid one).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { data, type NaturalDataset } from '../dcmjs-data';
import { testData } from '../../../test-support/tmp';

export const SEG_DATA = testData('dcmqi_ct3slice_seg', 'data', 'segmentations');
export const CT_DIR = path.join(SEG_DATA, 'ct-3slice');
/** partial_overlaps.dcm and the NRRD label maps (copied apart from data/segmentations: see COPIED-dicom.md). */
export const SEG_TESTS = testData('dcmqi_ct3slice_seg', 'data', 'seg-tests');

/**
 * A gzip NRRD label map of the dcmqi data: its values as bytes in file order, which is Concord's index order
 * (i fastest), after checking that the file is what the test data README says (short, 3D, LPS, axis-aligned
 * spacing, origin of the CT's first slice).
 */
export function readDcmqiNrrd(name: string): { labels: Uint8Array; origin: number[]; sizes: number[] } {
  const bytes = fs.readFileSync(path.join(SEG_TESTS, name));
  const end = bytes.indexOf('\n\n');
  const header = bytes.subarray(0, end).toString('latin1');
  const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(header)?.[1]?.trim();
  if (
    field('type') !== 'short' ||
    field('encoding') !== 'gzip' ||
    field('space') !== 'left-posterior-superior'
  ) {
    throw new Error(`${name}: unexpected NRRD header`);
  }
  const sizes = field('sizes')!.split(/\s+/).map(Number);
  const origin = field('space origin')!.replace(/[()]/g, '').split(',').map(Number);
  const raw = gunzipSync(bytes.subarray(end + 2));
  const values = new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
  return { labels: Uint8Array.from(values), origin, sizes };
}

/** dciodvfy's verdict: its error and warning lines. */
export function dciodvfy(file: string): { errors: string[]; warnings: string[] } {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  const lines = `${r.stdout}\n${r.stderr}`.split('\n');
  return {
    errors: lines.filter((l) => /^Error/.test(l)),
    warnings: lines.filter((l) => /^Warning/.test(l)),
  };
}

/**
 * pydicom's reading of a SEG placed on the CT's grid: for each frame, the slice whose ImagePositionPatient
 * equals the frame's (the CT files read by pydicom too, sorted along the slice normal) gets the frame's segment
 * number where pydicom's pixel_array is 1. Returns the label map in Concord's index order (i fastest).
 */
export function pydicomSegOnCt(seg: string, ctDir: string): Uint8Array {
  const script = `
import sys, glob, numpy as np, pydicom
seg = pydicom.dcmread(sys.argv[1])
cts = [pydicom.dcmread(f) for f in sorted(glob.glob(sys.argv[2] + '/*.dcm'))]
iop = np.array(cts[0].ImageOrientationPatient, dtype=float)
normal = np.cross(iop[:3], iop[3:])
cts.sort(key=lambda d: float(np.dot(normal, np.array(d.ImagePositionPatient, dtype=float))))
pos = [np.array(d.ImagePositionPatient, dtype=float) for d in cts]
frames = seg.pixel_array.reshape(int(seg.NumberOfFrames), seg.Rows, seg.Columns)
out = np.zeros((len(cts), seg.Rows, seg.Columns), dtype=np.uint8)
for n, f in enumerate(seg.PerFrameFunctionalGroupsSequence):
    p = np.array(f.PlanePositionSequence[0].ImagePositionPatient, dtype=float)
    k = [i for i, q in enumerate(pos) if np.abs(q - p).max() < 1e-3]
    assert len(k) == 1, 'frame %d is on no CT slice' % n
    number = f.SegmentIdentificationSequence[0].ReferencedSegmentNumber
    out[k[0]][frames[n] == 1] = number
sys.stdout.buffer.write(out.tobytes())
`;
  const bytes = execFileSync('/usr/bin/python3', ['-c', script, seg, ctDir], { maxBuffer: 1 << 28 });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Reads a SEG (or any Part 10 file) as a naturalized data set, edits it, writes it to `out`. */
export function editDicom(file: string, out: string, edit: (ds: NaturalDataset) => void): void {
  const b = fs.readFileSync(file);
  const dict = data.DicomMessage.readFile(
    b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
  );
  const ds = data.DicomMetaDictionary.naturalizeDataset(dict.dict);
  edit(ds);
  dict.dict = data.DicomMetaDictionary.denaturalizeDataset(ds);
  fs.writeFileSync(out, new Uint8Array(dict.write()));
}

/** A Part 10 file's data set, naturalized (attribute keywords as keys). */
export function readDicomDataset(file: string): NaturalDataset {
  const b = fs.readFileSync(file);
  const dict = data.DicomMessage.readFile(
    b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
  );
  return data.DicomMetaDictionary.naturalizeDataset(dict.dict);
}

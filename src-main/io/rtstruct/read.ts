// Reads an RTSTRUCT (RT Structure Set Storage, PS3.3 A.19) into its ROIs and their closed planar contours,
// with dicom-parser (the same parser as the image reader, io/dicom/parse.ts).
//
// Kept: the Frame of Reference and the image series the structure set references (3006,0010 → 3006,0012 →
// 3006,0014 → 0020,000E), each ROI's number, name and display colour (3006,0020 / 3006,0039), and every
// CLOSED_PLANAR contour's points as LPS millimetres (ContourData, 3006,0050: x\y\z triplets, patient
// coordinates, which DICOM defines as LPS). POINT and OPEN_* contours enclose nothing and are counted, not
// rasterised. Nothing else is read (no patient data).
import fs from 'node:fs/promises';
import type { Vec3 } from '../../core/geometry/affine';
import { InputError } from '../../core/errors';
import type { DataSet } from '../dicom/dicom-parser';
import { parseDicomBytes } from '../dicom/parse';
import { MAX_BUFFER_BYTES } from '../limits';

export const RT_STRUCTURE_SET_STORAGE = '1.2.840.10008.5.1.4.1.1.481.3';

export interface RtContour {
  /** Vertices in LPS mm, in order; the polygon closes from the last back to the first. */
  points: Vec3[];
}

export interface RtRoi {
  number: number;
  name: string;
  /** '#rrggbb', or null when the file gives no display colour. */
  color: string | null;
  contours: RtContour[];
  /** Contours that are not CLOSED_PLANAR (points, open polylines). */
  skippedContours: number;
}

export interface RtStructureSet {
  sopInstanceUID: string;
  frameOfReferenceUID: string | null;
  /** SeriesInstanceUIDs of the images the contours were drawn on. */
  referencedSeries: string[];
  rois: RtRoi[];
}

function items(ds: DataSet, tag: string): DataSet[] {
  return (ds.elements[tag]?.items ?? []).map((i) => i.dataSet).filter((d): d is DataSet => d !== undefined);
}

function str(ds: DataSet, tag: string): string | undefined {
  const v = ds.string(tag);
  return v === undefined ? undefined : v.trim();
}

function colorOf(ds: DataSet, file: string): string | null {
  const text = str(ds, 'x3006002a');
  if (!text) return null;
  const rgb = text.split('\\').map((v) => Number(v));
  if (rgb.length !== 3 || rgb.some((v) => !Number.isInteger(v) || v < 0 || v > 255))
    throw new InputError(file, `ROI Display Color '${text}' is not three integers 0..255`);
  return '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
}

function contourPoints(ds: DataSet, file: string, roi: string): Vec3[] {
  const text = str(ds, 'x30060050') ?? '';
  const values = text.length ? text.split('\\').map((v) => Number(v)) : [];
  const declared = ds.intString('x30060046');
  if (values.length % 3 !== 0 || values.some((v) => !Number.isFinite(v)))
    throw new InputError(file, `ROI '${roi}': Contour Data is not a list of x\\y\\z numbers`);
  const points: Vec3[] = [];
  for (let n = 0; n < values.length; n += 3) points.push([values[n]!, values[n + 1]!, values[n + 2]!]);
  if (declared !== undefined && declared !== points.length)
    throw new InputError(
      file,
      `ROI '${roi}': ${points.length} contour points where the file declares ${declared}`,
    );
  return points;
}

/** Parses an RTSTRUCT's bytes; refuses (one line naming `file`) anything that is not one. */
export function parseRtStruct(bytes: Uint8Array, file: string): RtStructureSet {
  let ds: DataSet;
  try {
    ds = parseDicomBytes(bytes, false).dataSet;
  } catch (e) {
    throw new InputError(file, `not a readable DICOM file (${(e as Error).message})`);
  }
  const sopClass = str(ds, 'x00080016');
  if (sopClass !== RT_STRUCTURE_SET_STORAGE || str(ds, 'x00080060') !== 'RTSTRUCT') {
    throw new InputError(
      file,
      `not an RTSTRUCT (SOP class ${sopClass ?? 'missing'}, modality ${str(ds, 'x00080060') ?? 'missing'})`,
    );
  }
  const referencedSeries = new Set<string>();
  let frameOfReferenceUID: string | null = null;
  for (const fr of items(ds, 'x30060010')) {
    frameOfReferenceUID ??= str(fr, 'x00200052') ?? null;
    for (const study of items(fr, 'x30060012'))
      for (const series of items(study, 'x30060014')) {
        const uid = str(series, 'x0020000e');
        if (uid) referencedSeries.add(uid);
      }
  }
  const names = new Map<number, string>();
  for (const r of items(ds, 'x30060020')) {
    const n = r.intString('x30060022');
    if (n !== undefined) names.set(n, str(r, 'x30060026') || `ROI ${n}`);
  }
  const rois: RtRoi[] = [];
  for (const rc of items(ds, 'x30060039')) {
    const number = rc.intString('x30060084');
    if (number === undefined) throw new InputError(file, 'an ROI Contour item has no Referenced ROI Number');
    const name = names.get(number) ?? `ROI ${number}`;
    const contours: RtContour[] = [];
    let skipped = 0;
    for (const c of items(rc, 'x30060040')) {
      if (str(c, 'x30060042') !== 'CLOSED_PLANAR') {
        skipped++;
        continue;
      }
      const points = contourPoints(c, file, name);
      if (points.length < 3) {
        skipped++;
        continue;
      }
      contours.push({ points });
    }
    rois.push({ number, name, color: colorOf(rc, file), contours, skippedContours: skipped });
  }
  if (rois.length === 0) throw new InputError(file, 'the RTSTRUCT has no ROI contours');
  return {
    sopInstanceUID: str(ds, 'x00080018') ?? '',
    frameOfReferenceUID,
    referencedSeries: [...referencedSeries],
    rois,
  };
}

export async function readRtStruct(file: string): Promise<RtStructureSet> {
  const st = await fs.stat(file).catch(() => null);
  if (!st?.isFile()) throw new InputError(file, 'no such file');
  if (st.size > MAX_BUFFER_BYTES) throw new InputError(file, `${st.size} bytes: too large for an RTSTRUCT`);
  return parseRtStruct(new Uint8Array(await fs.readFile(file)), file);
}

/** Whether the file holds the RT Structure Set Storage SOP class UID in its first 64 KiB (a cheap look, before
 *  the SEG and NIfTI readers are tried). */
export async function looksLikeRtStruct(file: string): Promise<boolean> {
  let h: fs.FileHandle | undefined;
  try {
    h = await fs.open(file, 'r');
    const buf = new Uint8Array(64 * 1024);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    const text = Buffer.from(buf.subarray(0, bytesRead)).toString('latin1');
    // The SOP class UID as a whole value (UI values end with NUL padding or the next element).
    return new RegExp(`${RT_STRUCTURE_SET_STORAGE.replace(/\./g, '\\.')}(?![0-9.])`).test(text);
  } catch {
    return false;
  } finally {
    await h?.close();
  }
}

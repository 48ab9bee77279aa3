// A DICOM SEG as a label map on a volume: read, check that it was made on the volume's series, choose each
// segment's label value in the project (core/mask/segment-values.ts), and place its frames on the volume's
// grid (seg-grid.ts). Used by `masks import` and by manifest imports alike.
import fs from 'node:fs/promises';
import { InputError } from '../../core/errors';
import { segmentValues, type SegmentValue } from '../../core/mask/segment-values';
import type { DicomSource, VolumeGeometry } from '../../core/volume/types';
import { checkSegSource, DEFAULT_FRACTIONAL_THRESHOLD, segOnGrid } from './seg-grid';
import { readSeg } from './seg-read';

export interface SegMaskRequest {
  geometry: VolumeGeometry;
  dicom: DicomSource | undefined;
  /** How messages name the volume, e.g. "volume 3". */
  volumeName: string;
  /** The project's labels (value, name) as they are now. */
  projectLabels: { value: number; name: string }[];
  /** FRACTIONAL SEGs: fraction of MaximumFractionalValue from which a voxel is in a segment. */
  threshold?: number;
  /** Segment numbers to import; default all. */
  segments?: number[];
  /** The forms a UID the SEG names may take in the workspace (checkSegSource); default: itself. */
  uidForms?: (uid: string) => string[];
}

export interface SegMask {
  labels: Uint8Array;
  type: 'BINARY' | 'FRACTIONAL';
  /** The threshold applied (FRACTIONAL only). */
  threshold?: number;
  segments: (SegmentValue & { voxels: number })[];
  /** Names and colours for labels the project does not have yet. */
  labelNames: Map<number, { name: string; color?: string }>;
}

/** True when the file has a DICOM Part 10 preamble ("DICM" at byte 128). */
export async function isDicomFile(file: string): Promise<boolean> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const b = Buffer.alloc(4);
    const { bytesRead } = await handle.read(b, 0, 4, 128);
    return bytesRead === 4 && b.toString('latin1') === 'DICM';
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

export async function readSegMask(file: string, req: SegMaskRequest): Promise<SegMask> {
  const seg = await readSeg(file);
  checkSegSource(seg, req.dicom, req.volumeName, req.uidForms);
  let chosen = seg.segments;
  if (req.segments) {
    const missing = req.segments.filter((n) => !seg.segments.some((s) => s.number === n));
    if (missing.length > 0) {
      throw new InputError(
        file,
        `has no segment ${missing.join(', ')} (it has ${seg.segments.map((s) => s.number).join(', ')})`,
      );
    }
    chosen = seg.segments.filter((s) => req.segments!.includes(s.number));
  }
  const values = segmentValues(
    chosen.map((s) => ({ number: s.number, name: s.label, ...(s.color ? { color: s.color } : {}) })),
    req.projectLabels,
  );
  const threshold = req.threshold ?? DEFAULT_FRACTIONAL_THRESHOLD;
  const placed = segOnGrid(seg, req.geometry, {
    values: new Map(values.map((v) => [v.number, v.value])),
    threshold,
  });
  const labelNames = new Map<number, { name: string; color?: string }>();
  for (const v of values) {
    if (v.isNew) labelNames.set(v.value, { name: v.name, ...(v.color ? { color: v.color } : {}) });
  }
  return {
    labels: placed.labels,
    type: seg.type,
    ...(seg.type === 'FRACTIONAL' ? { threshold } : {}),
    segments: values.map((v) => ({ ...v, voxels: placed.voxels.get(v.number) ?? 0 })),
    labelNames,
  };
}

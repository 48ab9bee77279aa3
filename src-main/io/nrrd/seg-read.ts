// A label map from NRRD for the mask import: a plain label map (one value per voxel, the values are the
// labels) or a 3D Slicer segmentation (.seg.nrrd, seg.ts), whose segments become labels with their names
// and colours.
//
// Slicer segments -> label values: each segment's _LabelValue when every segment has one and they differ
// (the usual single-layer file); otherwise (overlapping segments in several layers, each counting from 1)
// the segments are numbered 1, 2, ... in their file order. A voxel inside two segments is refused with the
// reason: a Concord mask holds one label per voxel. Layers are axis 0 of a 4D file (Slicer's layout), so
// sample (layer l, voxel p) is at data[l + layers*p].
import path from 'node:path';
import { InputError } from '../../core/errors';
import { labelsOf } from '../../core/mask/labels-of';
import type { VolumeGeometry } from '../../core/volume/types';
import type { ReadOptions } from '../read-options';
import { nrrdGeometry, spatialAxes } from './geometry';
import { readNrrdSamples } from './read';
import { parseSegments, type SegLabel, type SlicerSegment } from './seg';

export interface NrrdLabelMap {
  /** Label per voxel, i fastest, on `geometry`. */
  labels: Uint8Array;
  geometry: VolumeGeometry;
  /** The segments as labels (value, name, colour); [] for a plain label map or with `asLabel`. */
  segments: (SegLabel & { id: string })[];
  files: string[];
}

function segmentValues(file: string, segments: SlicerSegment[]): number[] {
  const given = segments.map((s) => s.labelValue);
  const distinct = new Set(given);
  const keep = given.every((v) => v !== undefined) && distinct.size === given.length;
  const values = keep ? (given as number[]) : segments.map((_, n) => n + 1);
  const bad = values.find((v) => !(Number.isInteger(v) && v >= 1 && v <= 255));
  if (bad !== undefined || values.length > 255) {
    throw new InputError(
      file,
      `${segments.length} segments with label values up to ${Math.max(...values)}: Concord masks hold labels 1..255`,
    );
  }
  return values;
}

export async function readNrrdLabelMap(
  file: string,
  opts: ReadOptions & { asLabel?: number } = {},
): Promise<NrrdLabelMap> {
  const s = await readNrrdSamples(file, opts);
  const axes = spatialAxes(s.header);
  const extra = s.header.sizes.map((_, a) => a).filter((a) => !axes.includes(a));
  if (extra.length > 1 || (extra.length === 1 && extra[0] !== 0)) {
    throw new InputError(
      file,
      `axes ${extra.join(', ')} are not spatial: a label map has one value per voxel (or Slicer's layers on axis 0)`,
    );
  }
  const layers = extra.length === 1 ? s.header.sizes[0]! : 1;
  const geometry = nrrdGeometry(file, s.header, axes);
  const segments = parseSegments(s.header.keys);
  const n = geometry.dims[0] * geometry.dims[1] * geometry.dims[2];
  if (segments.length === 0) {
    if (layers > 1)
      throw new InputError(file, `${layers} values per voxel and no Slicer segment keys: not a label map`);
    const converted = labelsOf(s.data, { slope: 1, intercept: 0 }, opts.asLabel);
    if (!converted.ok) throw new InputError(file, converted.reason);
    return { labels: converted.labels, geometry, segments: [], files: s.files };
  }
  const values = segmentValues(file, segments);
  const bySample = new Map<string, number>(); // "layer:value" -> segment index
  segments.forEach((g, i) => bySample.set(`${g.layer}:${g.labelValue ?? '*'}`, i));
  const labels = new Uint8Array(n);
  const owner = new Int16Array(n).fill(-1);
  let overlap: { a: number; b: number; count: number } | undefined;
  for (let p = 0; p < n; p++) {
    for (let l = 0; l < layers; l++) {
      const v = Number(s.data[l + layers * p]);
      if (v === 0) continue;
      const seg = bySample.get(`${l}:${v}`) ?? bySample.get(`${l}:*`);
      if (seg === undefined) {
        throw new InputError(
          file,
          `layer ${l} holds value ${v}, which no segment names (Segment<N>_LabelValue / _Layer)`,
        );
      }
      if (opts.asLabel !== undefined) labels[p] = opts.asLabel;
      else if (owner[p]! >= 0 && owner[p] !== seg) {
        if (!overlap) overlap = { a: owner[p]!, b: seg, count: 0 };
        if (overlap.a === owner[p] && overlap.b === seg) overlap.count++;
      } else {
        owner[p] = seg;
        labels[p] = values[seg]!;
      }
    }
  }
  if (overlap) {
    const [a, b] = [segments[overlap.a]!.name, segments[overlap.b]!.name];
    throw new InputError(
      file,
      `segments '${a}' and '${b}' overlap (${overlap.count} voxels): a Concord mask holds one label per voxel; import them from separate files (or with --label, as one label)`,
    );
  }
  return {
    labels,
    geometry,
    segments:
      opts.asLabel !== undefined
        ? []
        : segments.map((g, i) => ({
            value: values[i]!,
            name: g.name.slice(0, 100),
            color: g.color,
            id: g.id,
          })),
    files: s.files.map((f) => path.resolve(f)),
  };
}

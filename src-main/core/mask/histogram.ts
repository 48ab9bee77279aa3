// Voxel counts per label value (0..255) of a label array.

/** Voxel count of each label value 0..255 in `labels`. */
export function histogram(labels: Uint8Array): Float64Array {
  const counts = new Float64Array(256);
  for (let n = 0; n < labels.length; n++) counts[labels[n]!]!++;
  return counts;
}

/** Label value (as a string) -> voxel count, for the values 1..255 present. */
export function labelVoxels(counts: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let v = 1; v < 256; v++) if (counts[v]! > 0) out[String(v)] = counts[v]!;
  return out;
}

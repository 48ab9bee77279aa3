// Voxel counts per label value (0..255) of a label array.

/** counts[v] += number of voxels equal to v; returns counts (256 entries). */
export function addHistogram(labels: Uint8Array, counts = new Float64Array(256), sign = 1): Float64Array {
  const n = labels.length;
  let p = 0;
  // Masks are mostly background: whole 4-byte words of zeros are counted at once.
  if (labels.byteOffset % 4 === 0 && n >= 64) {
    const words = new Uint32Array(labels.buffer, labels.byteOffset, n >>> 2);
    let zeros = 0;
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) {
        zeros += 4;
        continue;
      }
      const b = w << 2;
      counts[labels[b]!]! += sign;
      counts[labels[b + 1]!]! += sign;
      counts[labels[b + 2]!]! += sign;
      counts[labels[b + 3]!]! += sign;
    }
    counts[0]! += sign * zeros;
    p = words.length << 2;
  }
  for (; p < n; p++) counts[labels[p]!]! += sign;
  return counts;
}

/** Label value (as a string) -> voxel count, for the values 1..255 present. */
export function labelVoxels(counts: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let v = 1; v < 256; v++) if (counts[v]! > 0) out[String(v)] = counts[v]!;
  return out;
}

export function countsFromLabelVoxels(voxels: Record<string, number>, total: number): Float64Array {
  const counts = new Float64Array(256);
  let labelled = 0;
  for (const [v, n] of Object.entries(voxels)) {
    counts[Number(v)] = n;
    labelled += n;
  }
  counts[0] = total - labelled;
  return counts;
}

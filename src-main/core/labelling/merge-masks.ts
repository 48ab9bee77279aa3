// A three-way merge of two branch tips of one annotation against the revision after which they forked
// (forks.ts: forkedAfter). Start from the base; every voxel that one tip changed takes that tip's label; a
// voxel both tips changed to the same label is no conflict; a voxel both changed to different labels is a
// conflict and takes the primary tip's label (the reviewer's choice), and is counted. A deletion (a label
// set back to 0 in one tip) is a change like any other, so it is kept. Pure: services/team/branches.ts reads
// the three masks and records the result as a new head.
//
// Index layout: Uint8Array labels in the volume's layout, voxel (i, j, k) at i + j*nx + k*nx*ny (i fastest);
// the merge is voxel by voxel, so the layout only has to be the same for all three.

export interface MergeResult {
  labels: Uint8Array;
  /** Voxels both tips changed to different labels (they took the primary tip's label). */
  conflicts: number;
  /** Voxels where the merge differs from the primary tip (what the other tip brought in). */
  fromSecondary: number;
}

/**
 * Merges `primary` and `secondary` (both continuing `base`; null base: an empty mask, when the tips share
 * no revision). All three must have the same length (voxels).
 */
export function mergeMasks(base: Uint8Array | null, primary: Uint8Array, secondary: Uint8Array): MergeResult {
  const n = primary.length;
  if (secondary.length !== n || (base !== null && base.length !== n)) {
    throw new Error(
      `the masks to merge differ in size: ${[base?.length ?? n, primary.length, secondary.length].join(', ')} voxels`,
    );
  }
  const labels = new Uint8Array(primary);
  let conflicts = 0;
  let fromSecondary = 0;
  for (let v = 0; v < n; v++) {
    const s = secondary[v]!;
    const p = labels[v]!;
    if (s === p) continue;
    const b = base === null ? 0 : base[v]!;
    if (s === b) continue; // only the primary changed this voxel (or neither): it is already the primary's
    if (p === b) {
      labels[v] = s; // only the secondary changed it
      fromSecondary++;
    } else conflicts++; // both changed it, differently: the primary's stays
  }
  return { labels, conflicts, fromSecondary };
}

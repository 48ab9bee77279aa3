// How each rater agrees with a reference mask (a consensus) for one label, voxel by voxel:
//   sensitivity = |R ∩ C| / |C|,   specificity = |¬R ∩ ¬C| / |¬C|
// with R the rater's voxels with the label and C the reference's; voxels the reference left undecided
// (value `excluded`) count on neither side. Null where a denominator is 0.
// This is the "each rater against the consensus" figure for a majority vote, which has no EM estimate;
// STAPLE reports its own estimated sensitivity and specificity instead.
export interface RaterAgreement {
  sensitivity: number | null;
  specificity: number | null;
}

export function raterAgreement(
  masks: Uint8Array[],
  reference: Uint8Array,
  label: number,
  excluded: number | null,
): RaterAgreement[] {
  return masks.map((m) => {
    let tp = 0;
    let pos = 0;
    let tn = 0;
    let neg = 0;
    for (let v = 0; v < reference.length; v++) {
      const c = reference[v]!;
      if (c === excluded) continue;
      const r = m[v] === label;
      if (c === label) {
        pos++;
        if (r) tp++;
      } else {
        neg++;
        if (!r) tn++;
      }
    }
    return { sensitivity: pos ? tp / pos : null, specificity: neg ? tn / neg : null };
  });
}

// Overlap coefficients of two masks for one label, from voxel counts.
//
//   Dice    = 2 |A ∩ B| / (|A| + |B|)
//   Jaccard = |A ∩ B| / |A ∪ B| = |A ∩ B| / (|A| + |B| - |A ∩ B|)
//
// Empty masks (ITK's LabelOverlapMeasuresImageFilter gives Dice = inf and Jaccard = DBL_MAX when both are
// empty): here two empty masks agree perfectly, Dice = Jaccard = 1; one empty and one not share nothing,
// Dice = Jaccard = 0. Both follow from the formulas' limits and keep every value in [0, 1].
import type { OverlapCounts } from './overlap-counts';

export function dice(c: OverlapCounts): number {
  const sum = c.a + c.b;
  return sum === 0 ? 1 : (2 * c.both) / sum;
}

export function jaccard(c: OverlapCounts): number {
  const union = c.a + c.b - c.both;
  return union === 0 ? 1 : c.both / union;
}

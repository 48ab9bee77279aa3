// Volumes of two masks for one label, in millilitres (voxel count x voxel volume, 1 mL = 1000 mm^3), and
// their differences. A is the reference the percentage is taken against.
//
//   volumeDifferenceMl      = V_B - V_A (signed; positive when B is larger)
//   absVolumeDifferenceMl   = |V_B - V_A|
//   volumeDifferencePercent = 100 (V_B - V_A) / V_A; null when A is empty (no reference volume)
//   volumeSimilarity        = 2 (V_A - V_B) / (V_A + V_B), ITK's LabelOverlapMeasures definition;
//                             null when both are empty (ITK returns DBL_MAX)
import type { OverlapCounts } from './overlap-counts';

export interface VolumeComparison {
  volumeA_ml: number;
  volumeB_ml: number;
  volumeDifferenceMl: number;
  absVolumeDifferenceMl: number;
  volumeDifferencePercent: number | null;
  volumeSimilarity: number | null;
}

export function compareVolumes(c: OverlapCounts, voxelMl: number): VolumeComparison {
  const va = c.a * voxelMl;
  const vb = c.b * voxelMl;
  return {
    volumeA_ml: va,
    volumeB_ml: vb,
    volumeDifferenceMl: vb - va,
    absVolumeDifferenceMl: Math.abs(vb - va),
    volumeDifferencePercent: c.a === 0 ? null : (100 * (c.b - c.a)) / c.a,
    volumeSimilarity: c.a + c.b === 0 ? null : (2 * (c.a - c.b)) / (c.a + c.b),
  };
}

// One-line definitions of every comparison figure, for the UI and exports to quote next to the numbers.
// The code that computes each figure states the same definition in its header comment; keep them in step.
export const METRIC_DEFINITIONS = {
  dice: 'Dice = 2|A∩B| / (|A|+|B|), voxels with the label; 1 when both masks are empty, 0 when one is.',
  jaccard: 'Jaccard = |A∩B| / |A∪B|; 1 when both masks are empty, 0 when one is.',
  volumeA_ml: 'Volume of A in mL: voxel count × voxel volume (1 mL = 1000 mm³).',
  volumeB_ml: 'Volume of B in mL: voxel count × voxel volume (1 mL = 1000 mm³).',
  volumeDifferenceMl: 'V_B − V_A in mL (positive when B is larger).',
  absVolumeDifferenceMl: '|V_B − V_A| in mL.',
  volumeDifferencePercent: '100 (V_B − V_A) / V_A; empty when A is empty.',
  volumeSimilarity: "2 (V_A − V_B) / (V_A + V_B), ITK's volume similarity; empty when both are empty.",
  hausdorff:
    "Hausdorff distance (mm) over all foreground voxel centres, as ITK's HausdorffDistanceImageFilter: the largest distance from a voxel of one mask to the nearest voxel of the other, both ways.",
  averageHausdorff:
    "ITK's average Hausdorff distance (mm): the mean distance from each mask's voxels to the other mask, averaged over both directions.",
  hd95: 'HD95 (mm): the larger of the two directed 95th percentiles (linear interpolation, as numpy) of distances from boundary voxels to the other boundary.',
  assd: 'Average symmetric surface distance (mm): the mean of both directions’ boundary-to-boundary distances, pooled.',
  surfaceDice:
    'Surface Dice at τ mm: the fraction of both masks’ boundary voxels within τ of the other boundary; 1 when both are empty, 0 when one is.',
  cohenKappa:
    "Cohen's kappa between two raters for the label, counted over the stated region (the label's bounding box in all raters, grown by a margin).",
  fleissKappa: "Fleiss' kappa over all raters, counted over the stated region.",
  boundary:
    'Boundary voxels: foreground voxels with a face-neighbour in the background; outside the image counts as background. Distances are exact Euclidean distances between voxel centres in mm.',
} as const;

export type MetricName = keyof typeof METRIC_DEFINITIONS;

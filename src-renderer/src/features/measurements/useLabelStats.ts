// Each label's volume (mL) and image statistics in the shown annotation (the own mask layer), recomputed
// 400 ms after its last change (a brush stroke changes it many times); one pass over the volume, a few
// hundred milliseconds at most for a 512×512×300 CT.
import { useEffect, useState } from 'react';
import type { MaskLayer } from '@core/labelling/mask-layer';
import type { LabelStats } from '@core/measure/statistics';
import { labelStatistics } from '@core/measure/statistics';
import type { VolumeMeta } from '@contract';
import type { VoxelArray } from '@core/volume/types';

const SETTLE_MS = 400;

export function useLabelStats(
  layer: MaskLayer | null,
  volume: { meta: VolumeMeta; voxels: VoxelArray } | null,
): LabelStats[] | null {
  // Kept with what it was computed for, so a new layer or volume shows nothing until its own figures.
  const [state, setState] = useState<{ of: unknown[]; stats: LabelStats[] } | null>(null);
  useEffect(() => {
    if (!layer || !volume) return;
    let timer = 0;
    const compute = () =>
      setState({
        of: [layer, volume],
        stats: labelStatistics(layer.mask, volume.voxels, volume.meta.rescale, volume.meta.affineLPS),
      });
    const schedule = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(compute, SETTLE_MS);
    };
    schedule();
    const off = layer.subscribe(schedule);
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [layer, volume]);
  return state && state.of[0] === layer && state.of[1] === volume ? state.stats : null;
}

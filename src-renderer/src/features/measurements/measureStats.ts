// The figures the measurements panel shows, from the voxels the viewer holds: each ellipse's statistics
// (core/measure/statistics.ts: voxels whose centre is inside the ellipse) and each label's volume and
// statistics in the shown annotation; and how they are written. Values are physical: HU for CT, the
// volume's own units otherwise.
import type { MeasurementInfo, VolumeMeta } from '@contract';
import type { VoxelArray } from '@core/volume/types';
import type { EllipseStats, RegionStats } from '@core/measure/statistics';
import { ellipseStatistics } from '@core/measure/statistics';

export function ellipseStatsOf(
  items: readonly MeasurementInfo[],
  meta: Pick<VolumeMeta, 'dims' | 'rescale' | 'affineLPS'>,
  voxels: VoxelArray,
): Map<number, EllipseStats> {
  const out = new Map<number, EllipseStats>();
  for (const m of items) {
    if (m.kind === 'ellipse')
      out.set(m.id, ellipseStatistics(voxels, meta.dims, meta.rescale, meta.affineLPS, m));
  }
  return out;
}

/** A value with one decimal (integers as they are), "–" for none. */
export function formatStat(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** "mean 40.2 ± 12.5 HU (min −3, max 88; n 52)" */
export function formatRegion(s: RegionStats, unit: string): string {
  if (s.count === 0) return 'no voxel centre inside';
  const u = unit ? ` ${unit}` : '';
  return `mean ${formatStat(s.mean)} ± ${formatStat(s.sd)}${u} (min ${formatStat(s.min)}, max ${formatStat(s.max)}; n ${s.count})`;
}

/** "12.34 mL" (three decimals below 1 mL). */
export function formatMl(ml: number): string {
  return `${ml.toFixed(ml < 1 ? 3 : 2)} mL`;
}

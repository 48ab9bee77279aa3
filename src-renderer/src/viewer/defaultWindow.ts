// The window/level a volume opens with: the mediastinum (soft-tissue) preset for CT, "auto"
// (1st–99th percentile, sampled, a few milliseconds even for 512×512×300) for everything else.

import type { VolumeMeta } from '@contract';
import type { VoxelArray } from '@core/volume/types';
import { voxelCount } from '@core/volume/types';
import { autoWindow } from './autoWindow';
import type { WindowSource } from './viewerState';
import type { WindowLevel } from './windowLevel';
import { presetByName } from './windowLevel';

/**
 * CT by its DICOM modality, or (a NIfTI has none) by values that look like Hounsfield units: air near
 * −1000 (scanners pad with −1024, −2048 or −3024) and a maximum at least that of soft tissue.
 */
export function looksLikeCT(meta: Pick<VolumeMeta, 'modality' | 'stats'>): boolean {
  const m = meta.modality?.toUpperCase() ?? null;
  if (m !== null) return m === 'CT';
  return meta.stats.min <= -900 && meta.stats.min >= -4000 && meta.stats.max >= 100;
}

export function defaultWindow(
  meta: Pick<VolumeMeta, 'modality' | 'stats' | 'dims' | 'rescale'>,
  voxels: VoxelArray,
): { wl: WindowLevel; source: WindowSource } {
  if (looksLikeCT(meta)) {
    const p = presetByName('mediastinum');
    return { wl: { window: p.window, level: p.level }, source: 'mediastinum' };
  }
  return { wl: autoWindow(voxels, voxelCount(meta.dims), meta.rescale), source: 'auto' };
}

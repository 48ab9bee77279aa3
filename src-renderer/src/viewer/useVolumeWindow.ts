// The window/level facts of one volume: its default window (CT opens in the mediastinum window, anything
// else in auto), its auto window (computed once, on first need: a sampled pass of a few ms), how far a
// window/level drag moves per pixel, the narrowest window, and the value range for the 3D transfer function.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { VoxelArray } from '@core/volume/types';
import { voxelCount } from '@core/volume/types';
import type { VolumeMeta } from '@contract';
import { autoWindow } from './autoWindow';
import { defaultWindow } from './defaultWindow';
import type { WindowSource } from './viewerState';
import type { WindowLevel } from './windowLevel';
import { dragSensitivity, minimumWindow } from './windowLevel';

const INTEGER_TYPES = new Set(['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32']);

export interface VolumeWindow {
  defaults: { wl: WindowLevel; source: WindowSource };
  getAuto(): WindowLevel;
  /** Physical units per CSS pixel of a window/level drag. */
  wlPerPixel: number;
  /** The narrowest window. */
  wlMin: number;
  /** [min, max] of the volume's physical values. */
  range: [number, number];
}

export function useVolumeWindow(meta: VolumeMeta, voxels: VoxelArray): VolumeWindow {
  const dims = meta.dims;
  const autoRef = useRef<WindowLevel | null>(null);
  const getAuto = useCallback((): WindowLevel => {
    autoRef.current ??= autoWindow(voxels, voxelCount(dims), meta.rescale);
    return autoRef.current;
  }, [voxels, dims, meta.rescale]);
  const [defaults] = useState(() => defaultWindow(meta, voxels));
  const integerData =
    INTEGER_TYPES.has(meta.scalarType) &&
    Number.isInteger(meta.rescale.slope) &&
    Number.isInteger(meta.rescale.intercept);
  const wlPerPixel = dragSensitivity(meta.stats.min, meta.stats.max, integerData);
  const wlMin = minimumWindow(meta.stats.min, meta.stats.max, meta.rescale.slope, integerData);
  const range = useMemo<[number, number]>(
    () => [meta.stats.min, meta.stats.max],
    [meta.stats.min, meta.stats.max],
  );
  return { defaults, getAuto, wlPerPixel, wlMin, range };
}

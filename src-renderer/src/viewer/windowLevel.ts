// Window/level maths, presets and the lookup tables that turn stored voxel values into grey levels.
//
// Window (W) and level (L) are in physical units (HU for CT): physical = stored*slope + intercept.
// The displayed grey is linear from 0 at L − W/2 to 255 at L + W/2, clamped outside.

import type { Rescale, ScalarType } from '@core/volume/types';

export interface WindowLevel {
  /** Width of the displayed range, physical units (> 0). */
  window: number;
  /** Centre of the displayed range, physical units. */
  level: number;
}

export type PresetName = 'lung' | 'mediastinum' | 'bone' | 'brain';

export interface Preset extends WindowLevel {
  name: PresetName;
  label: string;
  /** Keyboard shortcut (lower case). */
  key: string;
}

/** Standard CT windows, in HU. */
export const PRESETS: readonly Preset[] = [
  { name: 'lung', label: 'Lung', key: 'l', window: 1500, level: -600 },
  { name: 'mediastinum', label: 'Mediastinum', key: 'm', window: 350, level: 50 },
  { name: 'bone', label: 'Bone', key: 'b', window: 2000, level: 500 },
  { name: 'brain', label: 'Brain', key: 'n', window: 80, level: 40 },
];

export function presetByName(name: PresetName): Preset {
  return PRESETS.find((p) => p.name === name)!;
}

/** Physical range [low, high] shown from black to white. */
export function windowRange(wl: WindowLevel): [number, number] {
  return [wl.level - wl.window / 2, wl.level + wl.window / 2];
}

/** Grey level 0..255 of a physical value (rounded to nearest). */
export function greyOf(value: number, wl: WindowLevel): number {
  const low = wl.level - wl.window / 2;
  const g = ((value - low) / wl.window) * 255;
  if (!(g > 0)) return 0; // also NaN -> black
  if (g >= 255) return 255;
  return Math.round(g);
}

/**
 * New window/level after dragging by (dx, dy) CSS pixels from `start`: right widens the window, down raises
 * the level (darker image). `perPixel` is the physical change per pixel (see dragSensitivity).
 */
export function dragWindowLevel(
  start: WindowLevel,
  dx: number,
  dy: number,
  perPixel: number,
  minWindow: number,
): WindowLevel {
  return {
    window: Math.max(minWindow, start.window + dx * perPixel),
    level: start.level + dy * perPixel,
  };
}

/** Physical units per dragged pixel: about 1/512 of the data range, at least 1 for integer data. */
export function dragSensitivity(dataMin: number, dataMax: number, integer: boolean): number {
  const range = Math.max(0, dataMax - dataMin);
  const s = range / 512;
  if (integer) return Math.max(1, Math.round(s));
  return s > 0 ? s : 1e-3;
}

/** Smallest window allowed: one stored step for integer data, else a tiny fraction of the range. */
export function minimumWindow(dataMin: number, dataMax: number, slope: number, integer: boolean): number {
  if (integer) return Math.abs(slope) || 1;
  return Math.max(1e-6, (dataMax - dataMin) * 1e-6);
}

/** Packed RGBA (little-endian: 0xAABBGGRR as a Uint32) of an opaque grey. */
export function packGrey(g: number): number {
  return (0xff000000 | (g << 16) | (g << 8) | g) >>> 0;
}

/** The 256 packed opaque greys, shared by every table. */
export const GREY_RGBA: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let g = 0; g < 256; g++) t[g] = packGrey(g);
  return t;
})();

/** Types small enough (≤ 16 bits) to map through a table indexed by stored value. */
export function hasStoredTable(type: ScalarType): boolean {
  return type === 'uint8' || type === 'int8' || type === 'uint16' || type === 'int16';
}

/** Smallest stored value of a tabled type: table index = stored − offset. */
export function storedOffset(type: ScalarType): number {
  switch (type) {
    case 'int8':
      return -128;
    case 'int16':
      return -32768;
    default:
      return 0;
  }
}

function storedCount(type: ScalarType): number {
  return type === 'uint8' || type === 'int8' ? 256 : 65536;
}

/**
 * How stored values become packed RGBA for the current window/level: a full table for ≤16-bit types
 * (65 536 entries at most, rebuilt on each W/L change: well under a millisecond), otherwise the window
 * maths per voxel through GREY_RGBA.
 */
export type GreyMap =
  | { kind: 'table'; offset: number; rgba: Uint32Array }
  | { kind: 'linear'; slope: number; intercept: number; low: number; scale: number };

export function buildGreyMap(
  type: ScalarType,
  rescale: Rescale,
  wl: WindowLevel,
  reuse?: Uint32Array,
): GreyMap {
  if (hasStoredTable(type)) {
    const n = storedCount(type);
    const offset = storedOffset(type);
    const rgba = reuse && reuse.length === n ? reuse : new Uint32Array(n);
    for (let idx = 0; idx < n; idx++) {
      rgba[idx] = GREY_RGBA[greyOf((idx + offset) * rescale.slope + rescale.intercept, wl)]!;
    }
    return { kind: 'table', offset, rgba };
  }
  return {
    kind: 'linear',
    slope: rescale.slope,
    intercept: rescale.intercept,
    low: wl.level - wl.window / 2,
    scale: 255 / wl.window,
  };
}

/** Packed RGBA of one stored value under a grey map (the per-voxel rule of renderSlice, for tests and hover). */
export function rgbaOfStored(map: GreyMap, stored: number): number {
  if (map.kind === 'table') return map.rgba[stored - map.offset]!;
  const g = (stored * map.slope + map.intercept - map.low) * map.scale;
  return GREY_RGBA[!(g > 0) ? 0 : g >= 255 ? 255 : Math.round(g)]!;
}

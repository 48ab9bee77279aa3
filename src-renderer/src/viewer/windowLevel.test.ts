import { describe, expect, it } from 'vitest';
import {
  PRESETS,
  buildGreyMap,
  dragSensitivity,
  dragWindowLevel,
  greyOf,
  packGrey,
  presetByName,
  rgbaOfStored,
  windowRange,
} from './windowLevel';

describe('window/level', () => {
  it('has the standard CT presets', () => {
    const byName = Object.fromEntries(PRESETS.map((p) => [p.name, [p.window, p.level]]));
    expect(byName).toEqual({
      lung: [1500, -600],
      mediastinum: [350, 50],
      bone: [2000, 500],
      brain: [80, 40],
    });
    expect(new Set(PRESETS.map((p) => p.key)).size).toBe(PRESETS.length);
  });

  it('maps L − W/2 to black, L + W/2 to white, linearly between', () => {
    const wl = presetByName('brain');
    expect(windowRange(wl)).toEqual([0, 80]);
    expect(greyOf(-1000, wl)).toBe(0);
    expect(greyOf(0, wl)).toBe(0);
    expect(greyOf(40, wl)).toBe(128);
    expect(greyOf(80, wl)).toBe(255);
    expect(greyOf(3000, wl)).toBe(255);
    expect(greyOf(Number.NaN, wl)).toBe(0);
  });

  it('builds a table over stored values that applies the rescale', () => {
    // Stored uint16 with intercept −1024 (CT): stored 1024 is water (0 HU).
    const map = buildGreyMap('uint16', { slope: 1, intercept: -1024 }, { window: 100, level: 0 });
    expect(map.kind).toBe('table');
    expect(rgbaOfStored(map, 1024)).toBe(packGrey(128));
    expect(rgbaOfStored(map, 974)).toBe(packGrey(0));
    expect(rgbaOfStored(map, 1074)).toBe(packGrey(255));
    const int8 = buildGreyMap('int8', { slope: 1, intercept: 0 }, { window: 254, level: 0 });
    expect(rgbaOfStored(int8, -128)).toBe(packGrey(0));
    expect(rgbaOfStored(int8, 127)).toBe(packGrey(255));
  });

  it('packs opaque greys as little-endian RGBA', () => {
    const bytes = new Uint8Array(new Uint32Array([packGrey(200)]).buffer);
    expect(Array.from(bytes)).toEqual([200, 200, 200, 255]);
  });

  it('drags: right widens, down raises the level, the window never below the minimum', () => {
    const start = { window: 400, level: 40 };
    expect(dragWindowLevel(start, 10, -5, 2, 1)).toEqual({ window: 420, level: 30 });
    expect(dragWindowLevel(start, -1000, 0, 2, 1).window).toBe(1);
    expect(dragSensitivity(-1024, 3071, true)).toBe(8);
    expect(dragSensitivity(0, 1, false)).toBeCloseTo(1 / 512);
  });
});

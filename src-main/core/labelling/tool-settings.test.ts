import { describe, expect, it } from 'vitest';
import { BRUSH_SIZES_MM, stepBrush } from './tool-settings';

describe('brush sizes', () => {
  it('steps through the list, from any size, and stops at its ends', () => {
    expect(stepBrush(3, 1)).toBe(4);
    expect(stepBrush(3, -1)).toBe(2.5);
    expect(stepBrush(3.3, 1)).toBe(4);
    expect(stepBrush(3.3, -1)).toBe(3);
    expect(stepBrush(BRUSH_SIZES_MM[0]!, -1)).toBe(BRUSH_SIZES_MM[0]);
    expect(stepBrush(50, 1)).toBe(50);
  });
});

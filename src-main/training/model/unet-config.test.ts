// The parameter list must match the PyTorch reference (resources/bench/torch_unet.py prints 481745 for
// base 16, 120681 for base 8 and 30293 for base 4: numbers read from its output on this machine).
import { describe, expect, test } from 'vitest';
import { inputMultiple, outputChannels, paramCount, paramSpecs, REFERENCE_UNET } from './unet-config';

describe('U-Net parameters', () => {
  test('reference network has exactly the PyTorch reference count', () => {
    expect(paramCount(REFERENCE_UNET)).toBe(481_745);
    expect(paramCount({ ...REFERENCE_UNET, base: 8 })).toBe(120_681);
    expect(paramCount({ ...REFERENCE_UNET, base: 4 })).toBe(30_293);
  });

  test('names are unique and shapes follow the documented layouts', () => {
    const specs = paramSpecs(REFERENCE_UNET);
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    const byName = new Map(specs.map((s) => [s.name, s.shape]));
    expect(byName.get('enc0.conv0.kernel')).toEqual([3, 3, 1, 16]);
    expect(byName.get('enc3.conv1.kernel')).toEqual([3, 3, 128, 128]); // bottleneck
    expect(byName.get('up2.kernel')).toEqual([2, 2, 64, 128]); // [kh, kw, out, in] for conv2dTranspose
    expect(byName.get('dec0.conv0.kernel')).toEqual([3, 3, 32, 16]); // up-sampled + skip channels
    expect(byName.get('head.kernel')).toEqual([1, 1, 16, 1]);
  });

  test('2.5D input changes only the first convolution; several labels only the head', () => {
    const base = paramCount(REFERENCE_UNET);
    expect(paramCount({ ...REFERENCE_UNET, inChannels: 5 })).toBe(base + 4 * 9 * 16);
    expect(outputChannels({ ...REFERENCE_UNET, labels: 3 })).toBe(4);
    expect(paramCount({ ...REFERENCE_UNET, labels: 3 })).toBe(base + 3 * 16 + 3);
  });

  test('depth sets the input multiple and the parameter count', () => {
    expect(inputMultiple(REFERENCE_UNET)).toBe(8);
    expect(inputMultiple({ ...REFERENCE_UNET, levels: 5 })).toBe(16);
    expect(paramCount({ ...REFERENCE_UNET, levels: 5 })).toBeGreaterThan(4 * paramCount(REFERENCE_UNET));
    expect(() => paramSpecs({ ...REFERENCE_UNET, levels: 0 })).toThrow(RangeError);
  });
});

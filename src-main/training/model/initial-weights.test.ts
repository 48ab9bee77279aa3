// The two ways of drawing the first weights (unet.ts): He-normal (kernels N(0, 2/fan-in), zero biases) and
// PyTorch's fan-in uniform (kernels and biases U(+-1/sqrt(fan-in of their layer))), both seeded.
import { expect, test } from 'vitest';
import { initialWeights } from './unet';
import { paramSpecs, REFERENCE_UNET } from './unet-config';

function std(v: Float32Array): number {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
}

test('he-normal and fan-in-uniform: the spread each promises, biases as documented, seeded', () => {
  const specs = new Map(paramSpecs(REFERENCE_UNET).map((s) => [s.name, s]));
  const he = new Map(initialWeights(REFERENCE_UNET, 3).map((w) => [w.name, w.values]));
  const uni = new Map(initialWeights(REFERENCE_UNET, 3, 'fan-in-uniform').map((w) => [w.name, w.values]));
  const fanIn = specs.get('enc3.conv1.kernel')!.fanIn; // 3*3*128, 147,456 values
  expect(std(he.get('enc3.conv1.kernel')!) / Math.sqrt(2 / fanIn)).toBeCloseTo(1, 1);
  const bound = 1 / Math.sqrt(fanIn);
  const k = uni.get('enc3.conv1.kernel')!;
  expect(k.every((v) => Math.abs(v) <= bound)).toBe(true);
  expect(std(k) / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
  // Biases: zero with He; with the uniform, drawn within their own layer's bound.
  expect(he.get('enc3.conv1.bias')!.every((v) => v === 0)).toBe(true);
  const b = uni.get('enc3.conv1.bias')!;
  expect(b.some((v) => v !== 0) && b.every((v) => Math.abs(v) <= bound)).toBe(true);
  const headBound = 1 / Math.sqrt(specs.get('head.kernel')!.fanIn);
  expect(uni.get('head.bias')!.every((v) => Math.abs(v) <= headBound)).toBe(true);
  expect(initialWeights(REFERENCE_UNET, 3, 'fan-in-uniform')[5]!.values).toEqual([...uni.values()][5]);
});

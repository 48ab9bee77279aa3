// The exact EDT against brute force: random feature sets on small grids with anisotropic spacing,
// including degenerate sizes (1 voxel along an axis), no features, and cancellation.
import { describe, expect, it } from 'vitest';
import { CancelledError, InputError } from '../errors';
import type { Vec3 } from '../geometry/affine';
import { squaredDistanceMap, visitSquaredDistances } from './edt';
import { random } from './test-support/naive';

function bruteForce(features: Uint8Array, dims: Vec3, s: Vec3): Float64Array {
  const [nx, ny] = dims;
  const f: number[][] = [];
  for (let v = 0; v < features.length; v++) {
    if (features[v]) f.push([v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))]);
  }
  const out = new Float64Array(features.length);
  for (let v = 0; v < features.length; v++) {
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    let best = Infinity;
    for (const [a, b, c] of f) {
      const d = ((i - a!) * s[0]) ** 2 + ((j - b!) * s[1]) ** 2 + ((k - c!) * s[2]) ** 2;
      if (d < best) best = d;
    }
    out[v] = best;
  }
  return out;
}

describe('exact Euclidean distance transform', () => {
  it('gives the squared distance in mm^2 to one feature on an anisotropic grid', () => {
    const dims: Vec3 = [5, 4, 3];
    const features = new Uint8Array(60);
    features[0] = 1; // voxel (0, 0, 0)
    const d2 = squaredDistanceMap(features, dims, [1, 2, 3]);
    // voxel (4, 3, 2): (4*1)^2 + (3*2)^2 + (2*3)^2 = 16 + 36 + 36
    expect(d2[4 + 3 * 5 + 2 * 20]).toBe(88);
    expect(d2[0]).toBe(0);
    expect(d2[1 + 0 * 5 + 1 * 20]).toBe(1 + 9);
  });

  it('matches brute force on random feature sets, sizes and spacings', () => {
    const rnd = random(7);
    for (let trial = 0; trial < 60; trial++) {
      const dims: Vec3 = [1 + Math.floor(rnd() * 9), 1 + Math.floor(rnd() * 9), 1 + Math.floor(rnd() * 7)];
      const spacing: Vec3 = [0.3 + rnd() * 2, 0.3 + rnd() * 2, 0.3 + rnd() * 4];
      const density = [0.01, 0.05, 0.3, 0.9][trial % 4]!;
      const n = dims[0] * dims[1] * dims[2];
      const features = new Uint8Array(n);
      for (let v = 0; v < n; v++) features[v] = rnd() < density ? 1 : 0;
      const got = squaredDistanceMap(features, dims, spacing);
      const want = bruteForce(features, dims, spacing);
      for (let v = 0; v < n; v++) {
        if (want[v] === Infinity) expect(got[v]).toBe(Infinity);
        else expect(Math.abs(got[v]! - want[v]!)).toBeLessThan(1e-9 * (1 + want[v]!));
      }
    }
  });

  it('is exact where chamfer and city-block approximations are not (a knight-move neighbour)', () => {
    const dims: Vec3 = [7, 7, 1];
    const features = new Uint8Array(49);
    features[3 + 3 * 7] = 1;
    const d2 = squaredDistanceMap(features, dims, [0.7, 1.3, 1]);
    expect(d2[5 + 4 * 7]).toBeCloseTo((2 * 0.7) ** 2 + 1.3 ** 2, 12);
    expect(d2[0]).toBeCloseTo((3 * 0.7) ** 2 + (3 * 1.3) ** 2, 12);
  });

  it('reports Infinity everywhere when there is no feature', () => {
    const d2 = squaredDistanceMap(new Uint8Array(24), [2, 3, 4], [1, 1, 1]);
    expect([...d2].every((x) => x === Infinity)).toBe(true);
  });

  it('visits only query voxels, with their bits and index', () => {
    const bits = new Uint8Array([1, 0, 2, 2, 0, 3]);
    const seen: [number, number, number][] = [];
    visitSquaredDistances(bits, [6, 1, 1], [2, 1, 1], 1, 2, (b, d2, v) => seen.push([b, d2, v]));
    seen.sort((x, y) => x[2] - y[2]);
    expect(seen).toEqual([
      [2, 16, 2],
      [2, 16, 3],
      [3, 0, 5],
    ]);
  });

  it('refuses grids of 65535 voxels or more along an axis', () => {
    expect(() =>
      visitSquaredDistances(new Uint8Array(65535), [65535, 1, 1], [1, 1, 1], 1, 2, () => undefined),
    ).toThrow(InputError);
  });

  it('stops with CancelledError when the control says so', () => {
    const bits = new Uint8Array(16 * 16 * 16).fill(2);
    bits[0] = 3;
    expect(() =>
      visitSquaredDistances(bits, [16, 16, 16], [1, 1, 1], 1, 2, () => undefined, {
        isCancelled: () => true,
      }),
    ).toThrow(CancelledError);
  });
});

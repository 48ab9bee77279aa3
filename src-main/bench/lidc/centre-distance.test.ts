import { expect, test } from 'vitest';
import { centreDistancePlane, withCentreDistance } from './centre-distance';
import { symmetric, type SliceData } from '../../training/data/slice-batches';

test('the plane: 0 at the centre, 255 at the corners, distance / half-diagonal in between', () => {
  const p = centreDistancePlane(5, 5); // centre (2, 2), half-diagonal 2*sqrt(2)
  expect(p[2 + 2 * 5]).toBe(0);
  for (const i of [0, 4, 20, 24]) expect(p[i]).toBe(255);
  expect(p[2 + 0 * 5]).toBe(Math.round((2 / Math.hypot(2, 2)) * 255)); // 180
  const even = centreDistancePlane(4, 4); // centre (1.5, 1.5): the 4 middle pixels tie
  expect(new Set([even[5], even[6], even[9], even[10]]).size).toBe(1);
});

test('the 8 flips/rotations of the square leave the plane unchanged', () => {
  const S = 7;
  const p = centreDistancePlane(S, S);
  for (let k = 0; k < 8; k++)
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) expect(p[symmetric(k, x, y, S)]).toBe(p[x + y * S]);
});

test('appends the plane after the existing channels and leaves them and the target as they were', () => {
  const S = 3;
  const image = Uint8Array.from({ length: 2 * S * S }, (_, i) => i + 1); // 2 planes (2.5D with h = 0.5)
  const target = Uint8Array.from({ length: S * S }, (_, i) => i % 2);
  const [out] = withCentreDistance([{ patient: 'A', width: S, height: S, image, target, channels: 2 }]);
  expect(out!.channels).toBe(3);
  expect(out!.patient).toBe('A');
  expect([...out!.image.subarray(0, 2 * S * S)]).toEqual([...image]);
  expect([...out!.image.subarray(2 * S * S)]).toEqual([...centreDistancePlane(S, S)]);
  expect(out!.target).toBe(target);
  const plain: SliceData = { width: S, height: S, image: new Uint8Array(S * S), target };
  const [one] = withCentreDistance([plain]);
  expect(one!.channels).toBe(2);
  expect(() => withCentreDistance([{ width: S, height: S, image: new Uint8Array(5), target }])).toThrow(
    RangeError,
  );
});

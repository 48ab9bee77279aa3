import { expect, test } from 'vitest';
import { withNeighbours, type NumberedSlice } from './neighbour-slices';

const slice = (nodule: string, k: number, value: number): NumberedSlice => ({
  patient: 'P',
  nodule,
  slice: `slice-${k}`,
  width: 2,
  height: 1,
  image: Uint8Array.of(value, value + 1),
  target: Uint8Array.of(0, 1),
});

test('each slice gets its numbered neighbours of the same nodule as planes, the ends repeated', () => {
  // Listed as a folder lists them: slice-10 sorts before slice-2 by name.
  const a = [slice('n0', 0, 10), slice('n0', 1, 20), slice('n0', 10, 40), slice('n0', 2, 30)];
  const b = [slice('n1', 0, 100)];
  const out = withNeighbours([...a, ...b], 1);
  expect(out.map((s) => s.slice)).toEqual(['slice-0', 'slice-1', 'slice-10', 'slice-2', 'slice-0']);
  expect(out.every((s) => s.channels === 3)).toBe(true);
  // slice-1: planes slice-0, slice-1, slice-2.
  expect(Array.from(out[1]!.image)).toEqual([10, 11, 20, 21, 30, 31]);
  // slice-10 is the last (numbered after slice-2): its next plane repeats itself.
  expect(Array.from(out[2]!.image)).toEqual([30, 31, 40, 41, 40, 41]);
  // slice-0: the plane before repeats itself; another nodule never lends a plane.
  expect(Array.from(out[0]!.image)).toEqual([10, 11, 10, 11, 20, 21]);
  expect(Array.from(out[4]!.image)).toEqual([100, 101, 100, 101, 100, 101]);
  // The target stays the slice's own.
  expect(out[1]!.target).toBe(a[1]!.target);
  expect(withNeighbours(a, 0)).toBe(a);
  expect(() => withNeighbours([{ ...a[0]!, slice: 'first' }], 1)).toThrow(/no number/);
});

import { expect, test } from 'vitest';
import { keepCentreComponents } from './keep-centre';

/** A mask from rows of '#' (1) and '.' (0). */
function mask(rows: string[]): Uint8Array {
  return Uint8Array.from(rows.join(''), (ch) => (ch === '#' ? 1 : 0));
}

test('keeps the components that reach the centre disk, drops the others whole', () => {
  const m = mask([
    '##......', // a corner blob: dropped
    '##......',
    '........',
    '...##...', // the centre is (3.5, 3.5): this blob covers it
    '...###..',
    '.....#..', // 4-connected to the centre blob: kept with it
    '.......#', // touches the blob only by a corner (diagonal): its own component, dropped
    '......#.',
  ]);
  expect([...keepCentreComponents(m, 8, 8, 1)]).toEqual([
    ...mask(['........', '........', '........', '...##...', '...###..', '.....#..', '........', '........']),
  ]);
});

test('the radius decides which components count as central', () => {
  const m = mask(['#....', '.....', '.....', '.....', '.....']); // one pixel at (0, 0), 2.83 px from (2, 2)
  expect(keepCentreComponents(m, 5, 5, 2.8).some((v) => v)).toBe(false);
  expect([...keepCentreComponents(m, 5, 5, 2.9)]).toEqual([...m]);
  expect(keepCentreComponents(new Uint8Array(25), 5, 5, 10).some((v) => v)).toBe(false);
});

test('bad sizes and radii are refused', () => {
  expect(() => keepCentreComponents(new Uint8Array(24), 5, 5, 1)).toThrow(RangeError);
  expect(() => keepCentreComponents(new Uint8Array(25), 5, 5, -1)).toThrow(RangeError);
  expect(() => keepCentreComponents(new Uint8Array(25), 5, 5, NaN)).toThrow(RangeError);
});

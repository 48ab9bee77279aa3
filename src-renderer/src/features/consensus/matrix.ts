// The comparison matrix: for one metric and one label, an N×N table whose cell (row A, column B) holds the
// figure of the pair (A, B) (metrics.ts says how an ordered pair reads an unordered one), and its sorting.
// Raters are indexed as in the comparison's input order; the consensus, when compared, is one more index
// (its row/column is "each rater against the consensus"). Pure: tested in Node.
import type { MetricKey, PairFigures } from './metrics';
import { cellValue } from './metrics';

export interface Rater {
  /** Index in the comparison (PairFigures.a / .b). */
  index: number;
  name: string;
  /** The consensus row/column (shown last and marked), not a rater. */
  consensus?: boolean;
}

export interface MatrixCell {
  value: number | null;
  /** The pair the value comes from (null on the diagonal or where no pair was computed). */
  pair: PairFigures | null;
}

export interface Matrix {
  label: number;
  metric: MetricKey;
  raters: readonly Rater[];
  /** cells[r][c] for raters[r] (row) and raters[c] (column). */
  cells: MatrixCell[][];
}

export function pairKey(a: number, b: number, label: number): string {
  return a < b ? `${label}:${a}:${b}` : `${label}:${b}:${a}`;
}

export function buildMatrix(
  pairs: readonly PairFigures[],
  raters: readonly Rater[],
  label: number,
  metric: MetricKey,
): Matrix {
  const byKey = new Map<string, PairFigures>();
  for (const p of pairs) if (p.label === label) byKey.set(pairKey(p.a, p.b, p.label), p);
  const cells = raters.map((row) =>
    raters.map((col): MatrixCell => {
      if (row.index === col.index) return { value: null, pair: null };
      const pair = byKey.get(pairKey(row.index, col.index, label)) ?? null;
      return { value: pair ? cellValue(pair, metric, row.index, col.index) : null, pair };
    }),
  );
  return { label, metric, raters, cells };
}

/** Rows sorted by their name, or by their value in one column; nulls (the diagonal) always last. */
export type MatrixSort = { by: 'name' } | { by: 'column'; column: number; dir: 1 | -1 };

/** Row order (indices into matrix.raters) for a sort. Stable: ties keep the input order. */
export function sortRows(m: Matrix, sort: MatrixSort): number[] {
  const order = m.raters.map((_, r) => r);
  if (sort.by === 'name') return order;
  return order.sort((x, y) => {
    const vx = m.cells[x]![sort.column]?.value ?? null;
    const vy = m.cells[y]![sort.column]?.value ?? null;
    if (vx === null || vy === null) return (vx === null ? 1 : 0) - (vy === null ? 1 : 0) || x - y;
    return (vx - vy) * sort.dir || x - y;
  });
}

/** Clicking a column header: first ascending, then descending, then back to the input order. */
export function nextSort(current: MatrixSort, column: number): MatrixSort {
  if (current.by === 'column' && current.column === column)
    return current.dir === 1 ? { by: 'column', column, dir: -1 } : { by: 'name' };
  return { by: 'column', column, dir: 1 };
}

/** Pairs of one label sorted by a metric (read for the pair as stored, a → b); nulls last. */
export function sortPairs(
  pairs: readonly PairFigures[],
  label: number,
  metric: MetricKey,
  dir: 1 | -1,
): PairFigures[] {
  return pairs
    .filter((p) => p.label === label)
    .map((p, n) => ({ p, n, v: cellValue(p, metric, p.a, p.b) }))
    .sort((x, y) => {
      if (x.v === null || y.v === null) return (x.v === null ? 1 : 0) - (y.v === null ? 1 : 0) || x.n - y.n;
      return (x.v - y.v) * dir || x.n - y.n;
    })
    .map((e) => e.p);
}

// The N×N matrix of one metric and label: rows and columns are the raters (then the consensus), cell
// (row A, column B) the figure of the pair; the diagonal is blank. Click a column heading to sort the rows by
// it (ascending, descending, back to the rater order). Every cell's title gives the pair, the exact value and
// the metric's definition; data-value holds the full-precision number for tests and copy-paste.
import { useMemo, useState } from 'react';
import type { Matrix, MatrixSort } from './matrix';
import { nextSort, sortRows } from './matrix';
import type { MetricSpec } from './metrics';
import { emptyReason, formatMetric, metricTitle } from './metrics';
import { shortName } from './comparisonRaters';

/** Cell tint: how good the agreement is, relative to the other cells of the matrix (0 worst .. 1 best). */
function goodness(m: Matrix, spec: MetricSpec, v: number): number {
  const values = m.cells.flat().flatMap((c) => (c.value === null ? [] : [Math.abs(c.value)]));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (!(hi > lo)) return 1;
  const t = (Math.abs(v) - lo) / (hi - lo);
  return spec.higherIsBetter ? t : 1 - t;
}

export function MatrixTable({ matrix, spec }: { matrix: Matrix; spec: MetricSpec }) {
  const [sort, setSort] = useState<MatrixSort>({ by: 'name' });
  const order = useMemo(() => sortRows(matrix, sort), [matrix, sort]);
  const { raters, cells } = matrix;
  const arrow = (c: number): string =>
    sort.by === 'column' && sort.column === c ? (sort.dir === 1 ? ' ▲' : ' ▼') : '';
  return (
    <table className="cs-matrix" data-testid="matrix" data-metric={spec.key} data-label={matrix.label}>
      <caption>
        {metricTitle(spec)}, label {matrix.label}: row A, column B
      </caption>
      <thead>
        <tr>
          <th scope="col">
            <button
              type="button"
              className="link"
              data-testid="matrix-sort-name"
              title="Rater order"
              onClick={() => setSort({ by: 'name' })}
            >
              A \ B
            </button>
          </th>
          {raters.map((r, c) => (
            <th
              key={r.index}
              scope="col"
              aria-sort={
                arrow(c) ? (sort.by === 'column' && sort.dir === 1 ? 'ascending' : 'descending') : 'none'
              }
            >
              <button
                type="button"
                className="link"
                data-testid={`matrix-sort-${c}`}
                title={`${r.name}: sort the rows by this column (${metricTitle(spec)})`}
                onClick={() => setSort((s) => nextSort(s, c))}
              >
                {shortName(r)}
                {arrow(c)}
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {order.map((row) => {
          const r = raters[row]!;
          return (
            <tr
              key={r.index}
              data-testid={`matrix-row-${row}`}
              className={r.consensus ? 'cs-consensus-row' : ''}
            >
              <th scope="row" title={r.name}>
                {shortName(r)} <span className="cs-rater-name">{r.name}</span>
              </th>
              {raters.map((col, c) => {
                const cell = cells[row]![c]!;
                if (row === c) return <td key={col.index} className="cs-diagonal" />;
                const title =
                  cell.value === null
                    ? `${r.name} vs ${col.name}: ${cell.pair ? emptyReason(cell.pair, spec.key) : 'not computed'}`
                    : `${r.name} vs ${col.name}: ${cell.value}${spec.unit ? ` ${spec.unit}` : ''}\n${spec.definition}`;
                const g = cell.value === null ? null : goodness(matrix, spec, cell.value);
                return (
                  <td
                    key={col.index}
                    data-testid={`cell-${row}-${c}`}
                    data-value={cell.value === null ? '' : String(cell.value)}
                    title={title}
                    style={
                      g === null
                        ? undefined
                        : { background: `rgb(${Math.round(90 * (1 - g))} ${Math.round(70 * g)} 40 / 55%)` }
                    }
                  >
                    {formatMetric(spec, cell.value)}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

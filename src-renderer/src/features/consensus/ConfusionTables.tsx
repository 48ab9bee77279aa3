// Multi-label STAPLE's estimate per rater: confusion[r][j][c] = P(rater r says label j | true label c), for
// labels 0..L−1 (0 = background); each column sums to 1. Shown folded, one small table per rater.
import type { MergeResult } from '@contract';

export function ConfusionTables({ result }: { result: MergeResult }) {
  const confusion = result.confusion;
  if (!confusion) return null;
  return (
    <details data-testid="merge-confusion">
      <summary>Confusion matrices (P(rater says row | truth is column))</summary>
      {result.raters.map((r) => {
        const m = confusion[r.index];
        if (!m) return null;
        return (
          <table key={r.index} className="cs-table" data-testid={`confusion-${r.index}`}>
            <caption>{r.name}</caption>
            <thead>
              <tr>
                <th>says \ truth</th>
                {m.map((_, c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {m.map((row, j) => (
                <tr key={j}>
                  <th scope="row">{j}</th>
                  {row.map((p, c) => (
                    <td key={c}>{p.toFixed(4)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
      {result.priors && (
        <p className="muted">Label priors: {result.priors.map((p) => p.toFixed(5)).join(', ')}</p>
      )}
    </details>
  );
}

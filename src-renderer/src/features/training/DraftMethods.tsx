// What each kind of draft was worth, side by side: the U-Net's drafts (any model) beside each simple
// model's (watershed, Otsu, CT window): how many were corrected and marked done, and the Dice between the
// draft and the final mask. When a simple model's Dice is near the U-Net's, it is enough for this project.
import type { DraftValue } from './draftOutcomes';
import { DRAFT_METHODS } from './draftOutcomes';

export function DraftMethods({ value }: { value: Map<string, DraftValue> }) {
  return (
    <table className="draft-methods" data-testid="draft-methods">
      <caption>Drafts corrected, by method (Dice of draft vs final mask)</caption>
      <thead>
        <tr>
          <th>Method</th>
          <th>Corrected</th>
          <th>Mean Dice</th>
          <th>Latest</th>
        </tr>
      </thead>
      <tbody>
        {DRAFT_METHODS.map(({ method, name }) => {
          const v = value.get(method);
          return (
            <tr key={method} data-testid={`draft-method-${method}`} data-count={v?.count ?? 0}>
              <td>{name}</td>
              <td>{v?.count ?? 0}</td>
              <td>{v ? v.meanDice.toFixed(3) : '—'}</td>
              <td>{v ? v.latestDice.toFixed(3) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

// Validation Dice per case of a run (RunDetail.caseDice: epoch, 0-based, -> case id -> Dice), at the last
// validated epoch beside the first, so the cases the model still gets wrong stand out.
import { useEffect, useState } from 'react';
import type { RunDetail } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { formatMetric } from './runFormat';

export function RunCaseDice({ run }: { run: RunDetail }) {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    let alive = true;
    call(getBridge().invoke('case:list', { projectId: run.projectId }))
      .then((cases) => alive && setNames(new Map(cases.map((c) => [String(c.id), c.name]))))
      .catch(() => undefined); // ids stand in for names
    return () => {
      alive = false;
    };
  }, [run.projectId]);
  const epochs = Object.keys(run.caseDice)
    .map(Number)
    .sort((a, b) => a - b);
  const first = epochs[0];
  const last = epochs.at(-1);
  if (first === undefined || last === undefined) return null;
  const lastDice = run.caseDice[String(last)] ?? {};
  const firstDice = run.caseDice[String(first)] ?? {};
  const rows = Object.entries(lastDice).sort((a, b) => a[1] - b[1]);
  return (
    <details className="run-case-dice" data-testid="run-case-dice">
      <summary>Validation Dice per case ({rows.length})</summary>
      <table>
        <thead>
          <tr>
            <th>Case</th>
            <th>epoch {first + 1}</th>
            <th>epoch {last + 1}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([id, dice]) => (
            <tr key={id}>
              <td>{names.get(id) ?? `case ${id}`}</td>
              <td>{formatMetric(firstDice[id])}</td>
              <td>{formatMetric(dice)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

// The worklist's order: the project's case order, or "most uncertain first" by a registry model (active
// learning: the cases the model is least sure of are the ones worth labelling next).
import { useState } from 'react';
import type { ModelInfo } from '@contract';
import { JobProgress } from '../training/JobProgress';
import type { UncertaintyRanking } from './useUncertaintyRanking';

interface Props {
  projectId: number;
  models: ModelInfo[];
  state: UncertaintyRanking;
}

export function UncertaintySort({ projectId, models, state }: Props) {
  const [modelId, setModelId] = useState('');
  const { ranking, job } = state;
  const current = ranking && ranking.projectId === projectId ? String(ranking.modelId) : '';
  const chosen = modelId || current || (models[0] ? String(models[0].id) : '');
  return (
    <div className="worklist-order">
      <label>
        Order
        <select
          data-testid="worklist-order"
          value={current ? 'uncertainty' : 'case'}
          onChange={(e) =>
            e.target.value === 'case' ? state.clear() : void state.rank(projectId, Number(chosen))
          }
          disabled={job.jobId !== null}
        >
          <option value="case">Case order</option>
          <option value="uncertainty" disabled={!chosen}>
            Most uncertain first (unlabelled)
          </option>
        </select>
      </label>
      {models.length > 0 && (
        <label>
          by
          <select
            data-testid="worklist-rank-model"
            value={chosen}
            onChange={(e) => setModelId(e.target.value)}
          >
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                model {m.id}
              </option>
            ))}
          </select>
        </label>
      )}
      {current && job.jobId === null && (
        <button
          type="button"
          data-testid="worklist-rank-again"
          title="Compute the uncertainty again (cases labelled since drop out)"
          onClick={() => void state.rank(projectId, Number(chosen), true)}
        >
          {current === chosen ? 'Rank again' : `Rank by model ${chosen}`}
        </button>
      )}
      {job.jobId !== null && (
        <JobProgress testId="rank-progress" progress={job.progress} onCancel={job.cancel} />
      )}
      {state.error && <p className="error">{state.error}</p>}
    </div>
  );
}

// The "Train" tab: the start form, the project's runs, and the selected run's chart, progress, facts and log.
import { useEffect, useState } from 'react';
import type { ModelInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { RunCaseDice } from './RunCaseDice';
import { RunChart } from './RunChart';
import { RunList } from './RunList';
import { RunLog } from './RunLog';
import { RunProgress } from './RunProgress';
import { RunSummary } from './RunSummary';
import { StartRunForm } from './StartRunForm';
import type { TrainingRuns } from './useTrainingRuns';

interface Props {
  projectId: number;
  models: ModelInfo[];
  state: TrainingRuns;
}

export function TrainingTab({ projectId, models, state }: Props) {
  const run = state.selected;
  // Annotators of this project (for the "one annotator" target): those with a row in its worklist.
  const [annotators, setAnnotators] = useState<string[]>([]);
  useEffect(() => {
    let alive = true;
    call(getBridge().invoke('worklist:get', { projectId }))
      .then((rows) => alive && setAnnotators([...new Set(rows.map((r) => r.annotatorName))].sort()))
      .catch(() => alive && setAnnotators([]));
    return () => {
      alive = false;
    };
  }, [projectId]);
  return (
    <div className="training-tab">
      <StartRunForm
        projectId={projectId}
        annotators={annotators}
        models={models}
        busy={state.busy}
        running={state.runs.some((r) => r.status === 'running')}
        onStart={(req) => void state.start(req)}
      />
      {state.error && (
        <p className="error" role="alert" data-testid="training-error">
          {state.error}
        </p>
      )}
      <RunList
        runs={state.runs}
        selectedId={state.selectedId}
        onSelect={state.select}
        latest={state.latest}
      />
      {run && (
        <section className="run-detail" data-testid="run-detail" data-run={run.id}>
          <RunChart points={state.points} epochs={state.progress?.epochs ?? run.epochs} />
          <RunProgress
            run={run}
            progress={state.progress}
            busy={state.busy}
            onCancel={() => void state.cancel(run.id)}
            onResume={(epochs) => void state.resume(run.id, epochs)}
          />
          <RunSummary run={run} />
          <RunCaseDice run={run} />
          <RunLog log={run.log} open={run.status === 'failed'} />
        </section>
      )}
    </div>
  );
}

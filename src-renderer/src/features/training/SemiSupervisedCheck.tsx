// The Train tab's semi-supervised switch: "also learn from the unlabelled cases", with how many cases of the
// project it would pseudo-label (training:unlabelled: a volume, no manual mask nor signed-off reference),
// and, when on, the confidence floor (empty: the service's default, 0.5) and the label rounds (empty: 1).
import { useEffect, useState } from 'react';
import { call, getBridge } from '../../api/bridge';

export interface SemiSupervised {
  on: boolean;
  minConfidence: string;
  rounds: string;
}

export const SEMI_OFF: SemiSupervised = { on: false, minConfidence: '', rounds: '' };

interface Props {
  projectId: number;
  value: SemiSupervised;
  onChange(v: SemiSupervised): void;
  /** Read the count again when this changes (e.g. the number of runs: cases get masks between runs). */
  refreshKey?: unknown;
}

export function SemiSupervisedCheck({ projectId, value, onChange, refreshKey }: Props) {
  const [cases, setCases] = useState<number | null>(null);
  useEffect(() => {
    let alive = true;
    call(getBridge().invoke('training:unlabelled', { projectId }))
      .then((r) => alive && setCases(r.cases))
      .catch(() => alive && setCases(null));
    return () => {
      alive = false;
    };
  }, [projectId, refreshKey]);
  const none = cases === 0;
  return (
    <div className="train-semi">
      <label
        className="check"
        title="Once validation has chosen the epoch, threshold and flips and the network has trained again on every labelled case, that network labels the unlabelled cases as it would draft them, and the same training runs once more with them (a third training: the network stored); each voxel counts as much as the labelling network is sure of it. Validation stays on labelled cases."
      >
        <input
          type="checkbox"
          data-testid="train-semi"
          disabled={none}
          checked={value.on && !none}
          onChange={(e) => onChange({ ...value, on: e.target.checked })}
        />
        Also learn from unlabelled cases{' '}
        <span data-testid="train-semi-count">
          ({cases === null ? '…' : `${cases} unlabelled case${cases === 1 ? '' : 's'}`})
        </span>
      </label>
      {value.on && !none && (
        <>
          <label title="Voxels the labelling network is less sure of than this (0..1) are left out">
            Confidence floor
            <input
              data-testid="train-pseudo-min-confidence"
              type="number"
              min={0}
              max={0.99}
              step="any"
              placeholder="0.5"
              value={value.minConfidence}
              onChange={(e) => onChange({ ...value, minConfidence: e.target.value })}
            />
          </label>
          <label title="How many times the unlabelled cases are labelled: after the first training with them, the network it trained labels them again and the training runs once more with its labels, and so on (each round is a training as long as the first)">
            Label rounds
            <input
              data-testid="train-pseudo-rounds"
              type="number"
              min={1}
              max={5}
              step={1}
              placeholder="1"
              value={value.rounds}
              onChange={(e) => onChange({ ...value, rounds: e.target.value })}
            />
          </label>
        </>
      )}
    </div>
  );
}

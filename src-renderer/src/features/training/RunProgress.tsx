// Where a run stands: a progress bar over all epochs (the current epoch's batches included), epoch and
// batch, images per second, elapsed time and ETA, with Cancel while it runs and Resume (optionally to more
// epochs in all) when it was cancelled or failed with a checkpoint.
import { useState } from 'react';
import type { RunDetail, TrainingProgressEvent } from '@contract';
import { canResume, formatRate, formatSeconds, memberOf, refitPhase, runFraction } from './runFormat';

interface Props {
  run: RunDetail;
  progress: TrainingProgressEvent | null;
  busy: boolean;
  onCancel(): void;
  onResume(epochs?: number): void;
}

export function RunProgress({ run, progress, busy, onCancel, onResume }: Props) {
  const [resumeEpochs, setResumeEpochs] = useState('');
  const running = run.status === 'running';
  // Events count from 0: a batch event says batch `batch` of epoch `epoch` is done; an epoch event says
  // epoch `epoch` is done (validated, checkpointed).
  const live = running ? progress : null;
  const epochsDone = live ? (live.kind === 'epoch' ? live.epoch + 1 : live.epoch) : run.epochsDone;
  const batchesDone = live?.kind === 'batch' ? live.batch + 1 : 0;
  const epochs = live?.epochs ?? run.epochs;
  const fraction = runFraction(epochsDone, epochs, batchesDone, live?.batches ?? 0);
  // After a run: its mean speed over every epoch's training time, weighted by each epoch's seconds (one
  // epoch's figure, e.g. of an epoch that only validated after a resume, said thousands of images a second
  // beside "trained 0 s"). A short run (the sample's epochs take under a second) still has a mean.
  const seconds = run.metrics.reduce((s, m) => s + m.seconds, 0);
  const images = run.metrics.reduce((s, m) => s + m.imagesPerSecond * m.seconds, 0);
  const trained = Math.max(run.trainSeconds, seconds);
  const rate = live ? live.imagesPerSecond : seconds > 0 && images >= 1 ? images / seconds : undefined;
  return (
    <div
      className="run-progress"
      data-testid="run-progress"
      data-status={run.status}
      data-epoch={epochsDone}
      data-batch={batchesDone}
    >
      <progress max={1} value={fraction} aria-label="Training progress" />
      <div className="run-figures">
        <span data-testid="run-epoch">
          Epoch {live ? live.epoch + 1 : run.epochsDone} / {epochs}
        </span>
        {run.members > 1 && (
          <span data-testid="run-member" title="An ensemble: its networks train one after another">
            network {memberOf(live ? live.epoch : Math.max(0, run.epochsDone - 1), epochs, run.members)} /{' '}
            {run.members}
          </span>
        )}
        {run.refit && (
          <span
            data-testid="run-phase"
            title={
              run.semiSupervised
                ? `After the validated training, the same training again on every case; that network labels the unlabelled cases, and the training runs again with its labels${run.labelRounds > 1 ? `; each such network labels them again for the next, ${run.labelRounds} rounds in all` : ''}: the last network is stored`
                : 'After the validated training, the same training again on every case: that network is stored'
            }
          >
            {refitPhase(live ? live.epoch : Math.max(0, run.epochsDone - 1), epochs, run.labelRounds)}
          </span>
        )}
        {live?.kind === 'batch' && (
          <span data-testid="run-batch">
            batch {live.batch + 1} / {live.batches}
          </span>
        )}
        <span title="Training images (crops) per second">
          {rate === undefined ? '—' : formatRate(rate)} img/s
        </span>
        {live && <span>elapsed {formatSeconds(live.elapsedSeconds)}</span>}
        {live && <span data-testid="run-eta">ETA {formatSeconds(live.etaSeconds)}</span>}
        {!running && trained > 0 && <span>trained {trained < 1 ? 'under 1 s' : formatSeconds(trained)}</span>}
      </div>
      <div className="run-actions">
        {running && (
          <button type="button" data-testid="run-cancel" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
        )}
        {canResume(run) && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const n = Number(resumeEpochs);
              onResume(resumeEpochs.trim() && Number.isInteger(n) && n > 0 ? n : undefined);
            }}
          >
            {run.members === 1 && !run.refit && (
              // An ensemble's epochs belong to its members, a refit's follow the validated ones: they
              // resume to their plan only.
              <label title="Epochs in all (more than planned continues further); empty keeps the plan">
                to epoch
                <input
                  type="number"
                  min={run.epochsDone + 1}
                  data-testid="resume-epochs"
                  placeholder={String(run.epochs)}
                  value={resumeEpochs}
                  onChange={(e) => setResumeEpochs(e.target.value)}
                />
              </label>
            )}
            <button type="submit" className="primary" data-testid="run-resume" disabled={busy}>
              Resume after epoch {run.epochsDone}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}

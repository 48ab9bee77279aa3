// Progress of an inference job (slice by slice, volume by volume) with Cancel.
import type { InferenceProgressEvent } from '@contract';
import { jobFraction } from './useJob';

interface Props {
  progress: InferenceProgressEvent | null;
  onCancel(): void;
  testId: string;
}

export function JobProgress({ progress, onCancel, testId }: Props) {
  return (
    <div className="job-progress" data-testid={testId} data-slice={progress ? progress.slice + 1 : 0}>
      <progress max={1} value={jobFraction(progress)} />
      <span className="muted">
        {progress
          ? `${progress.items > 1 ? `volume ${progress.item + 1}/${progress.items}, ` : ''}slice ${progress.slice + 1}/${progress.slices}`
          : 'starting the model…'}
      </span>
      <button type="button" data-testid={`${testId}-cancel`} onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

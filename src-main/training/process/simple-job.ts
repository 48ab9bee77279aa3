// A simple model's draft inside the trainer process (core/simple-models/simple-draft.ts): reads the volume's
// voxels, computes the label map, writes it (uint8, the input's grid and index layout) to the input's
// outFile. It is synchronous: a cancel ends the process (the host kills it after a short grace).
import { simpleDraft } from '../../core/simple-models/simple-draft';
import type { FromTrainer, SimpleDraftJob, SimpleDraftOutcome } from './protocol';
import { writeFileAtomic } from './tensor-file';
import { readVoxels } from './voxels';

export function runSimpleJob(
  job: SimpleDraftJob,
  send: (m: FromTrainer) => void,
  signal: AbortSignal,
): SimpleDraftOutcome {
  const { input } = job;
  let last = -1;
  const { labels, ...outcome } = simpleDraft(
    readVoxels(input),
    input.dims,
    input.spacing,
    input.rescale,
    job.params,
    {
      isCancelled: () => signal.aborted,
      onProgress: (fraction, stage) => {
        const pct = Math.floor(fraction * 100);
        if (pct === last) return;
        last = pct;
        send({ type: 'progress', fraction, stage });
      },
    },
  );
  writeFileAtomic(input.outFile, labels);
  return outcome;
}

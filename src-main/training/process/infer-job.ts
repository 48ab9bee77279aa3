// An inference job inside the trainer process: a model's weights on whole volumes, axial slice by axial
// slice (k), with progress per slice and cancellation between slices. Writes each volume's labels (uint8,
// the input's grid and index layout) to its outFile and reports the foreground voxel count and the mean
// binary entropy of the foreground probability, in bits per voxel (the uncertainty active learning ranks by).
import { CancelledError } from '../../core/errors';
import { selectBackend } from '../backends/select-backend';
import { UNet } from '../model/unet';
import { foregroundProbability } from './evaluate-slices';
import { normaliseToBytes } from './normalise';
import type { FromTrainer, InferJob, InferOutcome } from './protocol';
import { readVoxels } from './voxels';
import { readWeights } from './train-job';
import { writeFileAtomic } from './tensor-file';

/** Binary entropy of p in bits (0 at p = 0 or 1, 1 at p = 0.5). */
export function binaryEntropyBits(p: number): number {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return -(q * Math.log2(q) + (1 - q) * Math.log2(1 - q));
}

export async function runInferJob(
  job: InferJob,
  send: (m: FromTrainer) => void,
  signal: AbortSignal,
): Promise<InferOutcome[]> {
  const report = await selectBackend(job.backend, { threads: job.threads });
  send({ type: 'backend', report });
  const { meta, weights } = readWeights(job.weightsFile);
  const model = new UNet(meta.unet, weights);
  const out: InferOutcome[] = [];
  try {
    for (let item = 0; item < job.inputs.length; item++) {
      const input = job.inputs[item]!;
      const [nx, ny, nz] = input.dims;
      const image = normaliseToBytes({ data: readVoxels(input), rescale: input.rescale }, job.normalisation);
      const labels = new Uint8Array(nx * ny * nz);
      let entropy = 0;
      let foreground = 0;
      const n = nx * ny;
      for (let k = 0; k < nz; k++) {
        // Yield to the event loop so that the host's cancel message gets in.
        await new Promise((r) => setImmediate(r));
        if (signal.aborted) throw new CancelledError('inference');
        const p = await foregroundProbability(model, image.subarray(k * n, (k + 1) * n), nx, ny);
        for (let i = 0; i < n; i++) {
          const v = p[i]!;
          entropy += binaryEntropyBits(v);
          if (v > 0.5) {
            labels[k * n + i] = job.label;
            foreground++;
          }
        }
        send({ type: 'slice', item, items: job.inputs.length, slice: k, slices: nz });
      }
      writeFileAtomic(input.outFile, labels);
      out.push({ foregroundVoxels: foreground, meanEntropyBits: entropy / (nx * ny * nz) });
    }
  } finally {
    model.dispose();
  }
  return out;
}

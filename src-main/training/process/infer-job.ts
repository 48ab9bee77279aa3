// An inference job inside the trainer process: a model's weights on whole volumes, axial slices (k) a few
// at a time (with the job's threshold, and the 4 flips averaged when it asks for test-time augmentation),
// with progress and cancellation between batches. Writes each volume's labels (uint8,
// the input's grid and index layout) to its outFile and reports the foreground voxel count and the mean
// binary entropy of the foreground probability, in bits per voxel (the uncertainty active learning ranks by).
import { selectBackend } from '../backends/select-backend';
import { loadNetwork } from '../model/ensemble';
import { inferVolume } from '../engine/infer-volume';
import { bodyThresholdOf, inferVolumeQuick } from '../engine/quick-infer';
import { normaliseToBytes } from './normalise';
import type { FromTrainer, InferJob, InferOutcome } from './protocol';
import { readVoxels } from './voxels';
import { readWeights } from './weights-file';
import { writeFileAtomic } from './tensor-file';
import { classesToValues } from '../data/multi-label';

/** The full inference, or the quick draft's (engine/quick-infer.ts: only inside the body's box when the
 *  normalisation is a CT window, at QUICK_SCALE). */
function inferenceOf(job: InferJob): typeof inferVolume {
  if (!job.quick) return inferVolume;
  const bodyThreshold = bodyThresholdOf(job.normalisation);
  return (model, volume, o) =>
    inferVolumeQuick(model, volume, { ...o, ...(bodyThreshold !== undefined ? { bodyThreshold } : {}) });
}

export async function runInferJob(
  job: InferJob,
  send: (m: FromTrainer) => void,
  signal: AbortSignal,
): Promise<InferOutcome[]> {
  const report = await selectBackend(job.backend, { threads: job.threads });
  send({ type: 'backend', report });
  const { meta, weights } = readWeights(job.weightsFile);
  // One U-Net, or an ensemble whose members' probabilities are averaged (model/ensemble.ts).
  const model = loadNetwork(meta.unet, weights);
  const out: InferOutcome[] = [];
  try {
    for (let item = 0; item < job.inputs.length; item++) {
      const input = job.inputs[item]!;
      const bytes = normaliseToBytes({ data: readVoxels(input), rescale: input.rescale }, job.normalisation);
      const data = new Float32Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) data[i] = bytes[i]! / 255;
      // The engine's batched inference (engine/infer-volume.ts): several slices per forward pass, padding
      // cut off, mean binary entropy in bits; it yields to the event loop between batches (cancel).
      const r = await inferenceOf(job)(
        model,
        { dims: input.dims, data },
        {
          // The quick path's small network runs 8 slices a pass (bench infer --quick on a 300-slice CT:
          // 19.3 s against 21.6 s at 4); the full one keeps 4 (its activations are 4 times as wide).
          batchSize: job.batchSize ?? (job.quick ? 8 : 4),
          signal,
          threshold: job.threshold ?? 0.5,
          tta: job.tta ?? false,
          onProgress: (p) =>
            send({
              type: 'slice',
              item,
              items: job.inputs.length,
              slice: p.slicesDone - 1,
              slices: p.slices,
            }),
        },
      );
      // Classes as the labels' values: 1 -> job.label for one label; class c -> job.labels[c - 1] otherwise.
      const values = job.labels && job.labels.length > 1 ? job.labels : [job.label];
      if (values.length !== model.outputChannels() - (values.length > 1 ? 1 : 0))
        throw new Error(`the model has ${model.outputChannels()} outputs for ${values.length} label(s)`);
      const labels = classesToValues(r.labels, values);
      writeFileAtomic(input.outFile, labels);
      out.push({
        foregroundVoxels: r.foregroundVoxels,
        meanEntropyBits: r.meanEntropyBits,
        ...(r.labelUncertainty
          ? { perLabel: r.labelUncertainty.map((u, l) => ({ value: values[l]!, ...u })) }
          : {}),
      });
    }
  } finally {
    model.dispose();
  }
  return out;
}

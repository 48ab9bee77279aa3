// Inference: a registry model on volumes, computed in a trainer process (never on the host's event loop),
// axial slice by slice with progress and cancel. `inferVolumes` gives the label masks; `draftVolumes`
// stores each as an "AI draft": a derived annotation named after the model, whose provenance records the
// model id, its version (weights sha256), the threshold, whether the slices' flips were averaged (tta) and
// the normalisation. Threshold and flips are the model's own (ModelInfo.inference) unless told otherwise.
// `quick` runs the quick draft (training/engine/quick-infer.ts: the model only inside the body's box, about
// half of a CT slice, without the flips unless asked; with a model trained with the quick preset, seconds
// instead of minutes); the draft's provenance says so.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DraftResult, ModelInfo } from '../../core/model';
import { CancelledError, InputError, NotFoundError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { getModel } from '../../db/repositories/models';
import { getVolume } from '../../db/repositories/volumes';
import type { BackendRequest } from '../../training/backends/backend-report';
import type { InferInput, InferOutcome } from '../../training/process/protocol';
import type { Workspace } from '../../workspace/workspace';
import { saveDerivedMask } from '../masks/derived';
import { QUICK_SCALE } from '../../training/engine/quick-params';
import { startTrainerJob } from './trainer-job';
import type { TrainerLauncher } from './trainer-launcher';

export const AI_DRAFT_KIND = 'ai-draft';

export interface InferOptions {
  signal?: AbortSignal;
  onProgress?: (p: { item: number; items: number; slice: number; slices: number }) => void;
  backend?: BackendRequest;
  threads?: number;
  quick?: boolean;
  /** Test-time flips: default the model's own setting (on when they scored higher at its validation). */
  tta?: boolean;
  /** One label: the probability above which a voxel is foreground; default the model's own (chosen on its
   *  validation, or its target's). */
  threshold?: number;
}

/** Whether a draft averages the flips: as asked, else the model's setting, except that a quick draft goes
 *  without (it is for speed, and the flips cost 4 forward passes a slice). */
export function draftFlips(model: ModelInfo, o: { quick?: boolean; tta?: boolean }): boolean {
  return o.tta ?? (o.quick ? false : model.inference.tta);
}

export type VolumeSource =
  { kind: 'stored'; volumeId: number } | { kind: 'memory'; volume: ImageVolume; name: string };

export function requireModel(ws: Workspace, modelId: number): ModelInfo {
  const m = getModel(ws.db, modelId);
  if (!m) throw new NotFoundError(`model ${modelId} does not exist`);
  return m;
}

/** Runs the model on each source; the label masks come back on each source's grid. */
export async function inferVolumes(
  ws: Workspace,
  launch: TrainerLauncher,
  model: ModelInfo,
  sources: VolumeSource[],
  o: InferOptions = {},
): Promise<{ labels: Uint8Array[]; outcomes: InferOutcome[] }> {
  if (sources.length === 0) throw new InputError(undefined, 'no volumes to run the model on');
  if (o.signal?.aborted) throw new CancelledError('inference');
  const dir = path.join(ws.tmpDir, `infer-${randomUUID()}`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    const inputs: InferInput[] = sources.map((s, i) => {
      const outFile = path.join(dir, `out${i}.u8`);
      if (s.kind === 'stored') {
        const v = getVolume(ws.db, s.volumeId);
        if (!v) throw new NotFoundError(`volume ${s.volumeId} does not exist`);
        if (v.frames !== 1)
          throw new InputError(
            undefined,
            `volume ${v.id} has ${v.frames} frames; models take single-frame volumes`,
          );
        return {
          voxelsFile: ws.blobs.pathOf(v.checksum),
          scalarType: v.scalarType,
          dims: v.dims,
          rescale: v.rescale,
          outFile,
        };
      }
      const v = s.volume;
      if (v.frames !== 1)
        throw new InputError(s.name, `${v.frames} frames; models take single-frame volumes`);
      const voxelsFile = path.join(dir, `in${i}.raw`);
      fs.writeFileSync(voxelsFile, Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength));
      return { voxelsFile, scalarType: v.scalarType, dims: v.geometry.dims, rescale: v.rescale, outFile };
    });
    const job = startTrainerJob(
      launch,
      {
        kind: 'infer',
        weightsFile: ws.blobs.pathOf(model.weightsSha256),
        normalisation: model.normalisation,
        label: model.labels[0]?.value ?? 1,
        // A model of several labels writes each class as its label's value (channel order = the list's).
        ...(model.config.labels > 1 ? { labels: model.labels.map((l) => l.value) } : {}),
        inputs,
        threshold: o.threshold ?? model.inference.threshold,
        tta: draftFlips(model, o),
        backend: o.backend ?? 'auto',
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.quick ? { quick: true } : {}),
      },
      {
        logFile: path.join(dir, 'trainer.log'),
        onMessage: (m) => {
          if (m.type === 'slice') o.onProgress?.(m);
        },
      },
    );
    const onAbort = () => job.cancel(10_000);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const end = await job.done.finally(() => o.signal?.removeEventListener('abort', onAbort));
    if (end.kind === 'cancelled') throw new CancelledError('inference');
    if (end.kind !== 'done' || !end.message.infer) {
      throw new Error(
        `inference failed: ${end.kind === 'done' ? 'no result' : end.message}\n${job.log().slice(-2000)}`,
      );
    }
    return {
      labels: inputs.map((i) => new Uint8Array(fs.readFileSync(i.outFile))),
      outcomes: end.message.infer,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the model on stored volumes and saves each result as an AI draft derived annotation. */
export async function draftVolumes(
  ws: Workspace,
  launch: TrainerLauncher,
  modelId: number,
  volumeIds: number[],
  actor: string,
  o: InferOptions = {},
): Promise<DraftResult[]> {
  const model = requireModel(ws, modelId);
  const { labels, outcomes } = await inferVolumes(
    ws,
    launch,
    model,
    volumeIds.map((volumeId) => ({ kind: 'stored', volumeId })),
    o,
  );
  return saveDrafts(ws, model, volumeIds, labels, outcomes, actor, {
    quick: o.quick === true,
    tta: draftFlips(model, o),
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
  });
}

/** Stores computed masks of stored volumes as AI drafts (provenance: the model and its version). */
export async function saveDrafts(
  ws: Workspace,
  model: ModelInfo,
  volumeIds: number[],
  labels: Uint8Array[],
  outcomes: InferOutcome[],
  actor: string,
  how: { quick?: boolean; tta?: boolean; threshold?: number } = {},
): Promise<DraftResult[]> {
  const out: DraftResult[] = [];
  for (let i = 0; i < volumeIds.length; i++) {
    const saved = await saveDerivedMask(ws, {
      volumeId: volumeIds[i]!,
      labels: labels[i]!,
      author: actor,
      tool: 'model',
      derivation: {
        method: `AI ${how.quick ? 'quick ' : ''}draft (model ${model.id})`,
        parameters: {
          kind: AI_DRAFT_KIND,
          modelId: model.id,
          modelName: model.name,
          modelVersion: model.weightsSha256,
          threshold: how.threshold ?? model.inference.threshold,
          tta: draftFlips(model, how),
          normalisation: model.normalisation,
          meanEntropyBits: outcomes[i]!.meanEntropyBits,
          ...(outcomes[i]!.perLabel ? { labelUncertainty: outcomes[i]!.perLabel } : {}),
          ...(how.quick
            ? { quick: { scale: QUICK_SCALE, bodyBox: model.normalisation.kind === 'ct-window' } }
            : {}),
        },
        inputRevisionIds: [],
      },
    });
    out.push({
      volumeId: volumeIds[i]!,
      annotationId: saved.annotationId,
      revisionId: saved.revision.id,
      foregroundVoxels: outcomes[i]!.foregroundVoxels,
      meanEntropyBits: outcomes[i]!.meanEntropyBits,
      ...(outcomes[i]!.perLabel ? { perLabel: outcomes[i]!.perLabel } : {}),
    });
  }
  return out;
}

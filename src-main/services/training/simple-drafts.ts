// Drafts by simple models (core/simple-models: marker-based watershed, Otsu, a CT window), computed in a
// trainer process like a U-Net's drafts (never on the host's event loop; cancel ends the process) and stored
// the same way: an "AI draft" derived annotation that annotators can start from, whose provenance names
// the method and every parameter, so its draft outcomes (Dice of draft against the corrected final mask)
// are listed beside the U-Net's.
//
// Blinding: a draft seeded by someone's clicks shows where they think the structure is, so while a case is
// blinded an annotator sees only the seeded drafts they seeded themselves (drafts.ts, listDrafts).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SimpleDraftRequest } from '@contract';
import type { SimpleDraftInfo } from '../../core/model';
import { CancelledError, InputError, NotFoundError } from '../../core/errors';
import {
  SIMPLE_METHODS,
  checkSimpleDraftParams,
  type SimpleDraftParams,
  type SimpleMethod,
} from '../../core/simple-models/simple-draft';
import { getVolume } from '../../db/repositories/volumes';
import type { SimpleDraftOutcome } from '../../training/process/protocol';
import type { Workspace } from '../../workspace/workspace';
import { saveDerivedMask } from '../masks/derived';
import { asId, asObject, asOptionalNumber, asString, oneOf } from '../validate';
import { AI_DRAFT_KIND } from './inference';
import { startTrainerJob } from './trainer-job';
import type { TrainerLauncher } from './trainer-launcher';

/** The annotation's name for each method (shown as the draft's author). */
export const SIMPLE_METHOD_NAMES: Record<SimpleMethod, string> = {
  watershed: 'Watershed draft',
  otsu: 'Otsu draft',
  window: 'CT window draft',
};

export interface SimpleDraftOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
}

/** Computes a simple model's labels for a stored volume, in a trainer process. */
export async function computeSimpleDraft(
  ws: Workspace,
  launch: TrainerLauncher,
  volumeId: number,
  params: SimpleDraftParams,
  o: SimpleDraftOptions = {},
): Promise<{ labels: Uint8Array; outcome: SimpleDraftOutcome }> {
  const v = getVolume(ws.db, volumeId);
  if (!v) throw new NotFoundError(`volume ${volumeId} does not exist`);
  if (v.frames !== 1)
    throw new InputError(
      undefined,
      `volume ${v.id} has ${v.frames} frames; drafts take single-frame volumes`,
    );
  checkSimpleDraftParams(v.dims, params);
  if (o.signal?.aborted) throw new CancelledError('draft');
  const dir = path.join(ws.tmpDir, `simple-${randomUUID()}`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    const outFile = path.join(dir, 'labels.u8');
    const job = startTrainerJob(
      launch,
      {
        kind: 'simple',
        input: {
          voxelsFile: ws.blobs.pathOf(v.checksum),
          scalarType: v.scalarType,
          dims: v.dims,
          rescale: v.rescale,
          spacing: v.spacing,
          outFile,
        },
        params,
      },
      {
        logFile: path.join(dir, 'trainer.log'),
        onMessage: (m) => {
          if (m.type === 'progress') o.onProgress?.(m.fraction, m.stage);
        },
      },
    );
    // The job is synchronous in its process: a cancel ends the process after a short grace.
    const onAbort = () => job.cancel(500);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const end = await job.done.finally(() => o.signal?.removeEventListener('abort', onAbort));
    if (end.kind === 'cancelled') throw new CancelledError('draft');
    if (end.kind !== 'done' || !end.message.simple)
      throw new Error(
        `the draft failed: ${end.kind === 'done' ? 'no result' : end.message}\n${job.log().slice(-2000)}`,
      );
    return { labels: new Uint8Array(fs.readFileSync(outFile)), outcome: end.message.simple };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Computes and stores a simple model's draft of a stored volume. `actor` seeded it (when it has seeds). */
export async function simpleDraftVolume(
  ws: Workspace,
  launch: TrainerLauncher,
  volumeId: number,
  params: SimpleDraftParams,
  actor: string,
  o: SimpleDraftOptions = {},
): Promise<SimpleDraftInfo> {
  const { labels, outcome } = await computeSimpleDraft(ws, launch, volumeId, params, o);
  const seeded = params.seeds.length > 0 || (params.backgroundSeeds ?? []).length > 0;
  const saved = await saveDerivedMask(ws, {
    volumeId,
    labels,
    author: actor,
    tool: params.method,
    derivation: {
      method: SIMPLE_METHOD_NAMES[params.method],
      parameters: {
        kind: AI_DRAFT_KIND,
        method: params.method,
        modelId: null,
        seeds: params.seeds,
        backgroundSeeds: params.backgroundSeeds ?? [],
        ...(params.window ? { window: params.window } : {}),
        ...(params.marginMm !== undefined ? { marginMm: params.marginMm } : {}),
        ...(params.sigmaMm !== undefined ? { sigmaMm: params.sigmaMm } : {}),
        threshold: outcome.threshold,
        box: outcome.box,
        ...(seeded ? { seededBy: actor } : {}),
      },
      inputRevisionIds: [],
    },
  });
  return {
    volumeId,
    annotationId: saved.annotationId,
    revisionId: saved.revision.id,
    method: params.method,
    foregroundVoxels: outcome.foregroundVoxels,
    threshold: outcome.threshold,
  };
}

function asVoxelList(v: unknown, name: string): [number, number, number][] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 100_000)
    throw new InputError(undefined, `${name} must be a list of voxels`);
  return v.map((p, n) => {
    if (!Array.isArray(p) || p.length !== 3 || !p.every((x) => Number.isInteger(x)))
      throw new InputError(undefined, `${name}[${n}] must be a voxel index [i, j, k]`);
    return [p[0], p[1], p[2]] as [number, number, number];
  });
}

/** The channel's request, checked (the seeds' range is checked against the volume later). */
export function parseSimpleDraftRequest(raw: unknown): SimpleDraftRequest {
  const o = asObject(raw);
  const req: SimpleDraftRequest = {
    jobId: asString(o['jobId'], 'jobId', 128),
    volumeId: asId(o['volumeId'], 'volumeId'),
    method: oneOf(o['method'], SIMPLE_METHODS, 'method'),
    seeds: asVoxelList(o['seeds'], 'seeds'),
    backgroundSeeds: asVoxelList(o['backgroundSeeds'], 'backgroundSeeds'),
  };
  if (o['window'] !== undefined) {
    const w = asObject(o['window'], 'window');
    const lo = asOptionalNumber(w['lo'], 'window.lo');
    const hi = asOptionalNumber(w['hi'], 'window.hi');
    if (lo === undefined || hi === undefined) throw new InputError(undefined, 'window needs lo and hi');
    req.window = { lo, hi };
  }
  const margin = asOptionalNumber(o['marginMm'], 'marginMm');
  if (margin !== undefined) req.marginMm = margin;
  return req;
}

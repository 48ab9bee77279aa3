// The training channels of the contract (src-preload/contract/training.ts). Who may do what: training,
// inference, active learning and model export/import need a signed-in reviewer or admin (training reads
// every annotator's masks, so it is a reviewer's act); listing runs and models needs a signed-in profile;
// any signed-in annotator may start their own annotation from an AI draft (drafts.ts says why this
// respects blinding).
import type { BackendAvailability, TrainingRequests, TrainingStartRequest } from '@contract';
import { InputError } from '../../core/errors';
import { getModel, listModels } from '../../db/repositories/models';
import type { AppContext, CallContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import type { JobRegistry } from '../jobs';
import { requireProfile, requireRole } from '../identity/access';
import { asId, asObject, asOptionalId, asOptionalNumber, asString } from '../validate';
import { augmentPreview } from './augment-preview';
import { probeBackends } from './backends';
import { listDraftOutcomes, listDrafts, startFromDraft } from './drafts';
import { draftVolumes, requireModel } from './inference';
import { exportModel, importModel } from './model-package';
import { parseNormalisation } from './normalisation';
import { parseTarget, planUnlabelled } from './targets';
import { parseLabels } from './run-config';
import type { TrainingService } from './training-service';
import { parseSimpleDraftRequest, simpleDraftVolume } from './simple-drafts';
import { rankByUncertainty, storedRanking } from './uncertainty';
import type { TrainerLauncher } from './trainer-launcher';
import { NotFoundError } from '../../core/errors';

const OPTIONAL_NUMBERS = [
  'epochs',
  'levels',
  'base',
  'cropSize',
  'batchSize',
  'learningRate',
  'validationFraction',
  'seed',
  'label',
  'threads',
  'neighbours',
  'foregroundFraction',
  'pseudoMinConfidence',
  'pseudoRounds',
  'members',
] as const;

const OPTIONAL_FLAGS = [
  'ema',
  'tta',
  'keepBest',
  'calibrateThreshold',
  'semiSupervised',
  'coordinates',
  'refit',
] as const;

export function parseStartRequest(raw: unknown): TrainingStartRequest {
  const o = asObject(raw);
  const req: TrainingStartRequest = { projectId: asId(o['projectId'], 'projectId') };
  if (o['target'] !== undefined) req.target = parseTarget(asString(o['target'], 'target', 300));
  for (const k of OPTIONAL_FLAGS) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new InputError(undefined, `${k} must be true or false`);
    req[k] = v;
  }
  for (const k of OPTIONAL_NUMBERS) {
    const v = asOptionalNumber(o[k], k);
    if (v !== undefined) req[k] = v;
  }
  const labels = parseLabels(o['labels']);
  if (labels) req.labels = labels;
  const baseModelId = asOptionalId(o['baseModelId'], 'baseModelId');
  if (baseModelId !== undefined) req.baseModelId = baseModelId;
  if (o['freezeEncoder'] !== undefined) req.freezeEncoder = o['freezeEncoder'] === true;
  if (o['augmentation'] !== undefined)
    req.augmentation = asString(
      o['augmentation'],
      'augmentation',
      10,
    ) as TrainingStartRequest['augmentation'];
  if (o['backend'] !== undefined)
    req.backend = asString(o['backend'], 'backend', 20) as TrainingStartRequest['backend'];
  if (o['normalisation'] !== undefined) req.normalisation = parseNormalisation(o['normalisation']);
  if (o['splitBy'] !== undefined)
    req.splitBy = asString(o['splitBy'], 'splitBy', 10) as TrainingStartRequest['splitBy'];
  return req;
}

export function createTrainingHandlers(
  app: AppContext,
  training: TrainingService,
  launch: TrainerLauncher,
  jobs: JobRegistry,
): HandlerGroup<keyof TrainingRequests> {
  const ws = app.workspace;
  const db = ws.db;
  let backends: Promise<BackendAvailability[]> | undefined;
  const reviewer = (ctx: CallContext, what: string) => {
    const p = requireProfile(db, ctx, what);
    requireRole(p, ['reviewer', 'admin'], what);
    return p;
  };
  return {
    'training:start': (req, ctx) => {
      reviewer(ctx, 'training a model');
      return training.start(parseStartRequest(req), ctx.actor, ctx.publish);
    },
    'training:cancel': (req, ctx) => {
      reviewer(ctx, 'cancelling a training run');
      return { cancelled: training.cancel(asId(asObject(req)['runId'], 'runId')) };
    },
    'training:resume': (req, ctx) => {
      reviewer(ctx, 'resuming a training run');
      const o = asObject(req);
      const epochs = asOptionalNumber(o['epochs'], 'epochs');
      return training.resume(asId(o['runId'], 'runId'), ctx.actor, ctx.publish, epochs);
    },
    'training:list': (req, ctx) => {
      requireProfile(db, ctx, 'the training runs');
      return training.list(asId(asObject(req)['projectId'], 'projectId'));
    },
    'training:backends': (_req, ctx) => {
      requireProfile(db, ctx, 'the training backends');
      backends ??= probeBackends(launch).catch((e: unknown) => {
        backends = undefined; // probe again next time
        throw e;
      });
      return backends;
    },
    'training:unlabelled': (req, ctx) => {
      requireProfile(db, ctx, 'the unlabelled cases');
      const projectId = asId(asObject(req)['projectId'], 'projectId');
      return { cases: planUnlabelled(ws, projectId).length };
    },
    'training:get': (req, ctx) => {
      requireProfile(db, ctx, 'a training run');
      return training.detail(asId(asObject(req)['runId'], 'runId'));
    },
    'model:list': (req, ctx) => {
      requireProfile(db, ctx, 'the models');
      return listModels(db, asOptionalId(asObject(req ?? {})['projectId'], 'projectId'));
    },
    'model:get': (req, ctx) => {
      requireProfile(db, ctx, 'a model');
      const id = asId(asObject(req)['modelId'], 'modelId');
      const m = getModel(db, id);
      if (!m) throw new NotFoundError(`model ${id} does not exist`);
      return m;
    },
    'model:export': async (req, ctx) => {
      reviewer(ctx, 'exporting a model');
      const o = asObject(req);
      return {
        path: await exportModel(ws, asId(o['modelId'], 'modelId'), asString(o['dir'], 'dir'), ctx.actor),
      };
    },
    'model:import': (req, ctx) => {
      reviewer(ctx, 'importing a model');
      const o = asObject(req);
      return importModel(
        ws,
        asString(o['path'], 'path'),
        asOptionalId(o['projectId'], 'projectId') ?? null,
        ctx.actor,
      );
    },
    'inference:run': (req, ctx) => {
      reviewer(ctx, 'running a model');
      const o = asObject(req);
      const jobId = asString(o['jobId'], 'jobId', 128);
      const modelId = asId(o['modelId'], 'modelId');
      requireModel(ws, modelId);
      const ids = o['volumeIds'];
      if (!Array.isArray(ids) || ids.length === 0)
        throw new InputError(undefined, 'volumeIds must be a non-empty list');
      const volumeIds = ids.map((v, i) => asId(v, `volumeIds[${i}]`));
      const quick = o['quick'];
      if (quick !== undefined && typeof quick !== 'boolean')
        throw new InputError(undefined, 'quick must be true or false');
      return jobs.run(ctx, jobId, (signal) =>
        draftVolumes(ws, launch, modelId, volumeIds, ctx.actor, {
          signal,
          quick: quick === true,
          onProgress: (p) => ctx.emit('inference:progress', { jobId, ...p }),
        }),
      );
    },
    'inference:cancel': (req, ctx) => {
      const jobId = asString(asObject(req)['jobId'], 'jobId', 128);
      requireProfile(db, ctx, 'cancelling an AI draft');
      return { cancelled: jobs.cancel(ctx, jobId) };
    },
    'augment:preview': (req, ctx) => {
      const p = requireProfile(db, ctx, 'the augmentation preview');
      const o = asObject(req);
      return augmentPreview(ws, p, {
        volumeId: asId(o['volumeId'], 'volumeId'),
        slice: asOptionalNumber(o['slice'], 'slice') ?? 0,
        count: asOptionalNumber(o['count'], 'count') ?? 8,
        ...(o['seed'] !== undefined ? { seed: asOptionalNumber(o['seed'], 'seed')! } : {}),
        ...(o['cropSize'] !== undefined ? { cropSize: asOptionalNumber(o['cropSize'], 'cropSize')! } : {}),
      });
    },
    'draft:list': (req, ctx) => {
      const viewer = requireProfile(db, ctx, 'the AI drafts');
      return listDrafts(ws, asId(asObject(req)['volumeId'], 'volumeId'), viewer);
    },
    'draft:simple': (req, ctx) => {
      const p = requireProfile(db, ctx, 'a simple draft');
      const { jobId, volumeId, ...params } = parseSimpleDraftRequest(req);
      return jobs.run(ctx, jobId, (signal) =>
        simpleDraftVolume(ws, launch, volumeId, params, p.name, { signal }),
      );
    },
    'draft:start': async (req, ctx) => {
      const p = requireProfile(db, ctx, 'starting from a draft');
      const r = await startFromDraft(ws, p, asId(asObject(req)['draftAnnotationId'], 'draftAnnotationId'));
      ctx.publish('annotation:changed', {
        annotationId: r.annotationId,
        headRevisionId: r.revisionId,
        author: p.name,
      });
      return r;
    },
    'draft:outcomes': (req, ctx) => {
      const viewer = requireProfile(db, ctx, 'draft outcomes');
      return listDraftOutcomes(ws, viewer, asId(asObject(req)['projectId'], 'projectId'));
    },
    'activeLearning:rank': (req, ctx) => {
      reviewer(ctx, 'ranking cases by uncertainty');
      const o = asObject(req);
      const jobId = asString(o['jobId'], 'jobId', 128);
      return jobs.run(ctx, jobId, (signal) =>
        rankByUncertainty(ws, launch, asId(o['projectId'], 'projectId'), asId(o['modelId'], 'modelId'), {
          signal,
          onProgress: (p) => ctx.emit('inference:progress', { jobId, ...p }),
        }),
      );
    },
    'activeLearning:stored': (req, ctx) => {
      requireProfile(db, ctx, 'the uncertainty ranking');
      const o = asObject(req);
      return storedRanking(ws, asId(o['projectId'], 'projectId'), asId(o['modelId'], 'modelId'));
    },
  };
}

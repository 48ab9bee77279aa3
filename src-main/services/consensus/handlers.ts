// The consensus channels: compare raters, export, merge, agreement map, adjudication and sign-off.
// Each handler checks its request, then that a reviewer or admin is signed in and the case is open for
// review (access.ts: blinding must have ended), then runs the service. Long work runs as a job (jobs.ts):
// progress is pushed as 'consensus:progress', 'consensus:cancel' aborts it, and the computation itself runs
// in the consensus runner (a worker thread unless the host chose otherwise).
import type { CaseComparison } from '../../core/model';
import { InputError, NotFoundError } from '../../core/errors';
import type { AppContext, CallContext } from '../context';
import type { ConsensusRequests } from '@contract';
import type { HandlerGroup } from '../handler-types';
import type { JobRegistry } from '../jobs';
import { MaskStore } from '../masks/mask-store';
import { appendAudit } from '../../db/audit';
import { asId, asObject, asString } from '../validate';
import { requireProfile, requireRole } from '../identity/access';
import { requireReviewer } from './access';
import {
  decide,
  requireAdjudication,
  reopen,
  signOff,
  startAdjudication,
  stateOfVolume,
} from './adjudication';
import { AgreementService } from './agreement';
import { compareCase } from './compare';
import { comparisonCsv, comparisonJson } from './export';
import { mergeCase } from './merge';
import { raterCandidates } from './raters';
import {
  parseAgreement,
  parseCompare,
  parseDecide,
  parseMerge,
  parseReopen,
  parseSignOff,
  parseStart,
} from './parse';
import { Recent } from './recent';
import { workerRunner } from './runner';

export function createConsensusHandlers(
  app: AppContext,
  jobs: JobRegistry,
  store = new MaskStore(app.workspace),
): HandlerGroup<keyof ConsensusRequests> {
  const ws = app.workspace;
  const db = ws.db;
  // The role first, before looking anything up: a caller who may not use a channel learns nothing from it.
  const reviewerRole = (ctx: CallContext, what: string): void =>
    requireRole(requireProfile(db, ctx, what), ['reviewer', 'admin'], what);
  const runner = app.consensusRunner ?? workerRunner();
  const agreements = new AgreementService(store, runner);
  const comparisons = new Recent<CaseComparison>(16);

  // Reading every rater side by side is a step of the review: recorded too, not only changes.
  const record = (actor: string, action: string, detail: Record<string, unknown>) =>
    db.transaction(() => appendAudit(db, { actor, action, detail }))();

  const progress = (ctx: CallContext, jobId: string) => (fraction: number, stage: string) =>
    ctx.emit('consensus:progress', { jobId, fraction, stage });

  const changed = (
    ctx: CallContext,
    s: { id: number; volumeId: number; headRevisionId: number; status: 'open' | 'signed-off' },
  ) =>
    ctx.publish('adjudication:changed', {
      adjudicationId: s.id,
      volumeId: s.volumeId,
      headRevisionId: s.headRevisionId,
      status: s.status,
    });

  return {
    'consensus:raters': (raw, ctx) => {
      const volumeId = asId(asObject(raw)['volumeId'], 'volumeId');
      requireReviewer(db, ctx, volumeId, 'choosing raters');
      return raterCandidates(db, volumeId);
    },
    'consensus:compare': (raw, ctx) => {
      const req = parseCompare(raw);
      const profile = requireReviewer(db, ctx, req.volumeId, 'comparing raters');
      return jobs.run(ctx, req.jobId, async (signal) => {
        const r = await compareCase(store, runner, req, { signal, onProgress: progress(ctx, req.jobId) });
        comparisons.set(r.comparisonId, r);
        record(profile.name, 'consensus.compare', {
          comparisonId: r.comparisonId,
          caseId: r.caseId,
          volumeId: r.volumeId,
          label: req.label ?? null,
          inputRevisionIds: r.raters.map((x) => x.revisionId),
        });
        return r;
      });
    },
    'consensus:export': (raw, ctx) => {
      const o = asObject(raw);
      const id = asString(o['comparisonId'], 'comparisonId', 64);
      const format = o['format'];
      reviewerRole(ctx, 'exporting a comparison');
      const c = comparisons.get(id);
      if (!c) throw new NotFoundError(`comparison ${id} is no longer kept: run the comparison again`);
      const profile = requireReviewer(db, ctx, c.volumeId, 'exporting a comparison');
      if (format !== 'csv' && format !== 'json')
        throw new InputError(undefined, "format must be 'csv' or 'json'");
      record(profile.name, 'consensus.export', {
        comparisonId: id,
        caseId: c.caseId,
        volumeId: c.volumeId,
        format,
      });
      const stamp = c.computedAt.replace(/[:.]/g, '-');
      if (format === 'csv') {
        return {
          fileName: `comparison-case${c.caseId}-${stamp}.csv`,
          mimeType: 'text/csv',
          text: comparisonCsv(c),
        };
      }
      if (format === 'json') {
        return {
          fileName: `comparison-case${c.caseId}-${stamp}.json`,
          mimeType: 'application/json',
          text: comparisonJson(c),
        };
      }
      throw new InputError(undefined, "format must be 'csv' or 'json'");
    },
    'consensus:merge': (raw, ctx) => {
      const req = parseMerge(raw);
      const profile = requireReviewer(db, ctx, req.volumeId, 'merging raters');
      return jobs.run(ctx, req.jobId, async (signal) => {
        const { result: r } = await mergeCase(ws, store, runner, req, profile.name, {
          signal,
          onProgress: progress(ctx, req.jobId),
        });
        if (r.saved) {
          ctx.publish('annotation:changed', {
            annotationId: r.saved.annotationId,
            headRevisionId: r.saved.revision.id,
            author: r.saved.revision.author,
          });
        }
        return r;
      });
    },
    'consensus:agreement': (raw, ctx) => {
      const req = parseAgreement(raw);
      const profile = requireReviewer(db, ctx, req.volumeId, 'the agreement map');
      return jobs.run(ctx, req.jobId, async (signal) => {
        const r = await agreements.compute(req, { signal, onProgress: progress(ctx, req.jobId) });
        record(profile.name, 'consensus.agreement', {
          agreementId: r.agreementId,
          caseId: r.caseId,
          volumeId: r.volumeId,
          measure: r.measure,
          regions: r.totalRegions,
        });
        return r;
      });
    },
    'consensus:cancel': (raw, ctx) => {
      const jobId = asString(asObject(raw)['jobId'], 'jobId', 128);
      requireRole(requireProfile(db, ctx, 'cancelling'), ['reviewer', 'admin'], 'cancelling a consensus job');
      return { cancelled: jobs.cancel(ctx, jobId) };
    },
    'adjudication:get': (raw, ctx) => {
      const volumeId = asId(asObject(raw)['volumeId'], 'volumeId');
      requireReviewer(db, ctx, volumeId, 'adjudication');
      return stateOfVolume(ws, volumeId);
    },
    'adjudication:start': async (raw, ctx) => {
      const req = parseStart(raw);
      const profile = requireReviewer(db, ctx, req.volumeId, 'adjudication');
      const s = await startAdjudication(ws, store, profile, req);
      changed(ctx, s);
      return s;
    },
    'adjudication:decide': async (raw, ctx) => {
      const req = parseDecide(raw);
      reviewerRole(ctx, 'an adjudication decision');
      const row = requireAdjudication(ws, req.adjudicationId);
      const profile = requireReviewer(db, ctx, row.volumeId, 'an adjudication decision');
      const s = await decide(ws, store, agreements, profile, req);
      ctx.publish('annotation:changed', {
        annotationId: s.workingAnnotationId,
        headRevisionId: s.headRevisionId,
        author: profile.name,
      });
      changed(ctx, s);
      return s;
    },
    'adjudication:signOff': async (raw, ctx) => {
      const req = parseSignOff(raw);
      reviewerRole(ctx, 'signing off');
      const row = requireAdjudication(ws, req.adjudicationId);
      const profile = requireReviewer(db, ctx, row.volumeId, 'signing off');
      const s = await signOff(ws, store, profile, req);
      changed(ctx, s);
      return s;
    },
    'adjudication:reopen': (raw, ctx) => {
      const req = parseReopen(raw);
      reviewerRole(ctx, 'reopening a case');
      const row = requireAdjudication(ws, req.adjudicationId);
      const profile = requireReviewer(db, ctx, row.volumeId, 'reopening a case');
      const s = reopen(ws, profile, req);
      changed(ctx, s);
      return s;
    },
  };
}

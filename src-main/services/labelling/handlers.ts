// The labelling channels: labels, annotations with revisions, worklist, review.
// Each handler checks its request, then who is signed in in this window/connection (ctx.session), then
// does the work in the labelling services. Reads of annotations apply blinding; every change is attributed
// to the signed-in profile and refused when signed out. A new head revision is published only to the
// windows that may see its annotation (identity/event-audience.ts).
import type { LabellingRequests } from '@contract';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import { asId, asObject } from '../validate';
import { requireProfile } from '../identity/access';
import * as annotations from './annotations';
import { projectLabels, saveLabel } from './labels';
import { MaskStore } from '../masks/mask-store';
import { parseAddTime, parseCommit, parseLabel, parseSetStatus } from './parse';
import { openCaseForReview, reviewState } from './review';
import { addTime, nextCase, setStatus, worklist } from './worklist';

export function createLabellingHandlers(
  app: AppContext,
  store = new MaskStore(app.workspace, undefined, app.maskCodec),
): HandlerGroup<keyof LabellingRequests> {
  const db = app.workspace.db;
  return {
    'label:list': (req) => projectLabels(db, asId(asObject(req)['projectId'], 'projectId')),
    'label:save': (req, ctx) => saveLabel(db, requireProfile(db, ctx, 'saving a label'), parseLabel(req)),
    'annotation:list': (req, ctx) =>
      annotations.listVisible(
        db,
        requireProfile(db, ctx, 'listing annotations'),
        asId(asObject(req)['volumeId'], 'volumeId'),
      ),
    'annotation:open': (req, ctx) =>
      annotations.openOwn(
        db,
        requireProfile(db, ctx, 'opening an annotation'),
        asId(asObject(req)['volumeId'], 'volumeId'),
      ),
    'annotation:mask': (req, ctx) =>
      annotations.readMask(
        store,
        requireProfile(db, ctx, 'reading a mask'),
        asId(asObject(req)['revisionId'], 'revisionId'),
      ),
    'annotation:commit': async (raw, ctx) => {
      const req = parseCommit(raw);
      const revision = await annotations.commit(store, requireProfile(db, ctx, 'saving an edit'), req);
      ctx.publish('annotation:changed', {
        annotationId: revision.annotationId,
        headRevisionId: revision.id,
        author: revision.author,
      });
      return revision;
    },
    'annotation:history': (req, ctx) =>
      annotations.history(
        db,
        requireProfile(db, ctx, 'reading a history'),
        asId(asObject(req)['annotationId'], 'annotationId'),
      ),
    'annotation:revert': async (raw, ctx) => {
      const o = asObject(raw);
      const req = {
        annotationId: asId(o['annotationId'], 'annotationId'),
        revisionId: asId(o['revisionId'], 'revisionId'),
      };
      const revision = await annotations.revert(store, requireProfile(db, ctx, 'reverting'), req);
      ctx.publish('annotation:changed', {
        annotationId: revision.annotationId,
        headRevisionId: revision.id,
        author: revision.author,
      });
      return revision;
    },
    'worklist:get': (req, ctx) =>
      worklist(db, requireProfile(db, ctx, 'the worklist'), asId(asObject(req)['projectId'], 'projectId')),
    'worklist:next': (req, ctx) =>
      nextCase(db, requireProfile(db, ctx, 'the next case'), asId(asObject(req)['projectId'], 'projectId')),
    'worklist:setStatus': (req, ctx) =>
      setStatus(db, requireProfile(db, ctx, 'setting a status'), parseSetStatus(req)),
    'worklist:addTime': (req, ctx) =>
      addTime(db, requireProfile(db, ctx, 'reporting time'), parseAddTime(req)),
    'case:openReview': (req, ctx) =>
      openCaseForReview(
        db,
        requireProfile(db, ctx, 'opening a review'),
        asId(asObject(req)['caseId'], 'caseId'),
      ),
    'case:reviewState': (req) => reviewState(db, asId(asObject(req)['caseId'], 'caseId')),
  };
}

// The mask export channel: who is signed in must be allowed to see the revision's annotation (blinding, as
// for 'annotation:mask'); the file is made by mask-export.ts and comes back as base64 for the download.
import type { MaskExportFormat, MaskExportRequests } from '@contract';
import { NotFoundError } from '../../core/errors';
import { getAnnotation } from '../../db/repositories/annotations';
import { getRevision } from '../../db/repositories/revisions';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import { requireProfile } from '../identity/access';
import { assertCanSee } from '../identity/blinding';
import { asId, asObject, oneOf } from '../validate';
import { exportRevisionBytes, MASK_EXPORT_FORMATS } from './mask-export';

export function createMaskExportHandlers(app: AppContext): HandlerGroup<keyof MaskExportRequests> {
  const ws = app.workspace;
  return {
    'masks:export': async (raw, ctx) => {
      const req = asObject(raw);
      const revisionId = asId(req['revisionId'], 'revisionId');
      const format: MaskExportFormat = oneOf(req['format'], MASK_EXPORT_FORMATS, 'format');
      const viewer = requireProfile(ws.db, ctx, 'exporting a mask');
      const revision = getRevision(ws.db, revisionId);
      if (!revision) throw new NotFoundError(`revision ${revisionId} does not exist`);
      assertCanSee(ws.db, viewer, getAnnotation(ws.db, revision.annotationId)!);
      const out = await exportRevisionBytes(ws, { revisionId, format, actor: ctx.actor });
      return {
        fileName: out.fileName,
        mimeType: out.mimeType,
        base64: Buffer.from(out.bytes).toString('base64'),
        format,
        ...(out.summary.seg ? { segments: out.summary.seg.segments } : {}),
      };
    },
  };
}

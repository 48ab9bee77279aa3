// The mask channels. Export: who is signed in must be allowed to see the revision's annotation (blinding, as
// for 'annotation:mask'); the file is made by mask-export.ts and comes back as base64 for the download. A
// project's references (reference-export.ts): reviewers and admins, who see every case's work; as a tar to
// download, or (Electron) into a folder main asks the user for with the host's dialog. Import:
// mask-import-handler.ts.
import type { MaskExportFormat, MaskExportRequests } from '@contract';
import { NotFoundError, UnsupportedError } from '../../core/errors';
import { getAnnotation } from '../../db/repositories/annotations';
import { getProject } from '../../db/repositories/projects';
import { getRevision } from '../../db/repositories/revisions';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import { DATA_MANAGERS, requireProfile, requireRole } from '../identity/access';
import { assertCanSee } from '../identity/blinding';
import { asId, asObject, oneOf } from '../validate';
import { exportRevisionBytes, MASK_EXPORT_FORMATS } from './mask-export';
import { importMaskFromApp } from './mask-import-handler';
import { exportReferences, exportReferencesTar } from './reference-export';

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
    'masks:exportReferences': async (raw, ctx) => {
      const projectId = asId(asObject(raw)['projectId'], 'projectId');
      const profile = requireProfile(ws.db, ctx, "exporting a project's references");
      requireRole(profile, DATA_MANAGERS, "exporting a project's references");
      const r = await exportReferencesTar(ws, { projectId, actor: ctx.actor });
      return {
        fileName: r.fileName,
        mimeType: 'application/x-tar',
        base64: Buffer.from(r.bytes).toString('base64'),
        files: r.files.map((f) => ({ case: f.case, file: f.file, revisionId: f.revisionId })),
        skipped: r.skipped.map((s) => ({ case: s.case, reason: s.reason })),
      };
    },
    'masks:exportReferencesToFolder': async (raw, ctx) => {
      const projectId = asId(asObject(raw)['projectId'], 'projectId');
      const profile = requireProfile(ws.db, ctx, "exporting a project's references");
      requireRole(profile, DATA_MANAGERS, "exporting a project's references");
      const project = getProject(ws.db, projectId);
      if (!project) throw new NotFoundError(`project ${projectId} does not exist`);
      const pick = app.capabilities.pickOutputFolder;
      if (!pick)
        throw new UnsupportedError('this host cannot write into a folder; the references download as a .tar');
      const folder = await pick(`Export the signed-off references of ${project.name} into a folder`);
      if (folder === null) return null;
      const r = await exportReferences(ws, { projectId, out: folder, actor: ctx.actor });
      return {
        folder: r.out,
        files: r.files.map((f) => ({ case: f.case, file: f.file, revisionId: f.revisionId })),
        skipped: r.skipped.map((s) => ({ case: s.case, reason: s.reason })),
      };
    },
    'masks:import': (raw, ctx) => importMaskFromApp(app, raw, ctx),
  };
}

// The workspace spine's handlers: app info, projects, cases, volumes, import, audit, view state, dialogs.
// Reads are open to a signed-out window; importing needs a signed-in reviewer or admin (identity/access.ts
// says why). Creating and changing projects: team/.
import type { ImportRequest, ViewState, WorkspaceRequests } from '@contract';
import type { HandlerGroup } from '../handler-types';
import type { ProjectKind } from '../../core/model';
import { NotFoundError, UnsupportedError } from '../../core/errors';
import { getProject, listCases, listProjects } from '../../db/repositories/projects';
import { getSetting, setSetting } from '../../db/repositories/settings';
import { getVolume, listVolumes } from '../../db/repositories/volumes';
import type { AppContext } from '../context';
import { importVolumes } from './import-volumes';
import { currentProfile, DATA_MANAGERS, requireProfile, requireRole } from '../identity/access';
import { visibleAudit } from '../identity/audit-access';
import type { JobRegistry } from '../jobs';
import {
  asId,
  asObject,
  asOptionalId,
  asOptionalNumber,
  asOptionalString,
  asString,
  asStringArray,
} from '../validate';
import { InputError } from '../../core/errors';

const VIEW_STATE_KEY = 'view.state';

function parseFrames(v: unknown): ImportRequest['frames'] {
  if (v === undefined || v === 'first' || v === 'all') return v;
  throw new InputError(undefined, "frames must be 'first' or 'all'");
}

function asOptionalKind(v: unknown): ProjectKind | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'clinical' || v === 'research') return v;
  throw new InputError(undefined, "a project's kind is 'clinical' or 'research'");
}

function asOptionalDates(v: unknown): 'remove' | 'shift' | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'remove' || v === 'shift') return v;
  throw new InputError(undefined, "dates are 'remove' or 'shift'");
}

function parseImportRequest(raw: unknown): ImportRequest {
  const o = asObject(raw);
  const source = asObject(o['source'], 'source');
  const jobId = asString(o['jobId'], 'jobId', 128);
  const base = {
    jobId,
    projectId: asOptionalId(o['projectId'], 'projectId'),
    projectName: asOptionalString(o['projectName'], 'projectName', 200),
    caseName: asOptionalString(o['caseName'], 'caseName', 200),
    keepPatientIdentity: o['keepPatientIdentity'] === true,
    frames: parseFrames(o['frames']),
    projectKind: asOptionalKind(o['projectKind']),
    dates: asOptionalDates(o['dates']),
  };
  if (source['kind'] === 'paths')
    return { ...base, source: { kind: 'paths', paths: asStringArray(source['paths'], 'paths') } };
  if (source['kind'] === 'upload') {
    return { ...base, source: { kind: 'upload', uploadId: asString(source['uploadId'], 'uploadId', 64) } };
  }
  throw new InputError(undefined, "source.kind must be 'paths' or 'upload'");
}

function parseViewState(raw: unknown): ViewState {
  const o = asObject(raw, 'view state');
  const cursor = o['cursor'];
  return {
    projectId: asOptionalId(o['projectId'], 'projectId'),
    caseId: asOptionalId(o['caseId'], 'caseId'),
    volumeId: asOptionalId(o['volumeId'], 'volumeId'),
    window: asOptionalNumber(o['window'], 'window'),
    level: asOptionalNumber(o['level'], 'level'),
    layout: asOptionalString(o['layout'], 'layout', 64),
    cursor:
      Array.isArray(cursor) &&
      cursor.length === 3 &&
      cursor.every((c) => typeof c === 'number' && Number.isFinite(c))
        ? [cursor[0] as number, cursor[1] as number, cursor[2] as number]
        : undefined,
  };
}

export function createWorkspaceHandlers(
  app: AppContext,
  jobs: JobRegistry,
): HandlerGroup<keyof WorkspaceRequests> {
  const { workspace: ws } = app;
  const db = ws.db;
  return {
    'app:info': () => ({ version: app.version, host: app.capabilities.host, workspace: ws.dir }),
    'project:list': () => listProjects(db),
    'case:list': (req) => {
      const projectId = asId(asObject(req)['projectId'], 'projectId');
      if (!getProject(db, projectId)) throw new NotFoundError(`project ${projectId} does not exist`);
      return listCases(db, projectId);
    },
    'volume:list': (req) => listVolumes(db, asId(asObject(req)['caseId'], 'caseId')),
    'volume:get': (req) => {
      const id = asId(asObject(req)['volumeId'], 'volumeId');
      const v = getVolume(db, id);
      if (!v) throw new NotFoundError(`volume ${id} does not exist`);
      return v;
    },
    'import:beginUpload': async (raw, ctx) => {
      const o = asObject(raw);
      requireRole(requireProfile(db, ctx, 'uploading'), DATA_MANAGERS, 'importing volumes');
      const files = asOptionalNumber(o['files'], 'files') ?? 0;
      const bytes = asOptionalNumber(o['bytes'], 'bytes') ?? -1;
      const uploadId = app.uploads.begin(ctx, files, bytes);
      await ws.blobs.assertSpace(bytes).catch((e: unknown) => {
        app.uploads.take(ctx, uploadId);
        throw e;
      });
      return { uploadId };
    },
    'import:run': async (raw, ctx) => {
      const req = parseImportRequest(raw);
      requireRole(requireProfile(db, ctx, 'importing'), DATA_MANAGERS, 'importing volumes');
      if (req.source.kind === 'upload') app.uploads.take(ctx, req.source.uploadId);
      return jobs.run(ctx, req.jobId, (signal) =>
        importVolumes(
          ws,
          req,
          ctx.actor,
          (phase, fraction, detail) =>
            ctx.emit('import:progress', { jobId: req.jobId, phase, fraction, detail }),
          signal,
        ),
      );
    },
    'import:cancel': (req, ctx) => {
      const jobId = asString(asObject(req)['jobId'], 'jobId', 128);
      requireProfile(db, ctx, 'cancelling an import');
      return { cancelled: jobs.cancel(ctx, jobId) };
    },
    'audit:list': (req, ctx) => {
      const limit = asOptionalNumber(asObject(req ?? {})['limit'], 'limit') ?? 200;
      // Blinding applies to the rows about annotations (identity/audit-access.ts).
      return visibleAudit(db, currentProfile(db, ctx), Math.max(1, Math.min(10_000, Math.floor(limit))));
    },
    'audit:verify': () => app.auditCheck.run(),
    'view:get': () => getSetting<ViewState>(db, VIEW_STATE_KEY) ?? {},
    'view:set': (req) => {
      const state = parseViewState(req);
      setSetting(db, VIEW_STATE_KEY, state);
      return state;
    },
    'dialog:pickImport': async (req) => {
      const folder = asObject(req)['folder'] === true;
      if (!app.capabilities.pickImportPaths) {
        throw new UnsupportedError(
          'this host has no native file dialog; choose files in the browser instead',
        );
      }
      return app.capabilities.pickImportPaths(folder);
    },
  };
}

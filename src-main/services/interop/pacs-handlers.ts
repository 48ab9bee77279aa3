// The PACS channels (contract/pacs.ts). The server list is open to every signed-in profile; searching,
// fetching and sending to the data managers (reviewer, admin), as importing is (identity/access.ts);
// adding or removing a server to admins. A fetch runs as a job of the calling window (import:cancel
// cancels it) and reports its progress to that window only.
import type { PacsRequests } from '@contract';
import { InputError } from '../../core/errors';
import { searchStudies } from '../../io/dicomweb/client';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import { DATA_MANAGERS, requireProfile, requireRole } from '../identity/access';
import type { JobRegistry } from '../jobs';
import { asId, asObject, asOptionalId, asOptionalNumber, asOptionalString, asString } from '../validate';
import { getStudyFromPacs } from './pacs-get';
import { revisionDicomFiles } from './pacs-revision-files';
import { sendToPacs } from './pacs-send';
import {
  checkTimeoutSeconds,
  listPacsServers,
  pacsEndpoint,
  removePacsServer,
  savePacsServer,
} from './pacs-servers';

export function createPacsHandlers(app: AppContext, jobs: JobRegistry): HandlerGroup<keyof PacsRequests> {
  const ws = app.workspace;
  const db = ws.db;
  return {
    'pacs:list': (_req, ctx) => {
      requireProfile(db, ctx, 'listing PACS servers');
      return listPacsServers(db);
    },
    'pacs:save': (raw, ctx) => {
      requireRole(requireProfile(db, ctx, 'adding a PACS'), ['admin'], 'adding a PACS');
      const o = asObject(raw);
      const seconds = asOptionalNumber(o['timeoutSeconds'], 'timeoutSeconds');
      return savePacsServer(
        db,
        {
          name: asString(o['name'], 'name', 64),
          url: asString(o['url'], 'url', 2000),
          timeoutMs: seconds === undefined ? undefined : checkTimeoutSeconds(seconds),
        },
        ctx.actor,
      );
    },
    'pacs:remove': (raw, ctx) => {
      requireRole(requireProfile(db, ctx, 'removing a PACS'), ['admin'], 'removing a PACS');
      const name = asString(asObject(raw)['name'], 'name', 64);
      removePacsServer(db, name, ctx.actor);
      return { removed: name };
    },
    'pacs:find': (raw, ctx) => {
      requireRole(requireProfile(db, ctx, 'searching a PACS'), DATA_MANAGERS, 'searching a PACS');
      const o = asObject(raw);
      const ep = pacsEndpoint(db, asString(o['server'], 'server', 64));
      return searchStudies(ep, {
        patient: asOptionalString(o['patient'], 'patient', 64)?.trim() || undefined,
        modality: asOptionalString(o['modality'], 'modality', 16)?.trim() || undefined,
        studyDate: asOptionalString(o['studyDate'], 'studyDate', 17)?.trim() || undefined,
      });
    },
    'pacs:get': async (raw, ctx) => {
      requireRole(requireProfile(db, ctx, 'fetching from a PACS'), DATA_MANAGERS, 'importing volumes');
      const o = asObject(raw);
      const jobId = asString(o['jobId'], 'jobId', 128);
      const server = asString(o['server'], 'server', 64);
      const studyInstanceUID = asString(o['studyInstanceUID'], 'studyInstanceUID', 64);
      const projectId = asOptionalId(o['projectId'], 'projectId');
      const projectName = asOptionalString(o['projectName'], 'projectName', 200);
      return jobs.run(ctx, jobId, (signal) =>
        getStudyFromPacs(
          ws,
          pacsEndpoint(db, server, { signal }),
          { studyInstanceUID, projectId, projectName },
          ctx.actor,
          (phase, fraction, detail) => ctx.emit('pacs:progress', { jobId, phase, fraction, detail }),
        ),
      );
    },
    'pacs:send': async (raw, ctx) => {
      requireRole(requireProfile(db, ctx, 'sending to a PACS'), DATA_MANAGERS, 'sending to a PACS');
      const o = asObject(raw);
      const server = asString(o['server'], 'server', 64);
      const revisionId = asId(o['revisionId'], 'revisionId');
      if (o['deidentified'] !== undefined && typeof o['deidentified'] !== 'boolean')
        throw new InputError(undefined, 'deidentified is true or false');
      const deidentified = o['deidentified'] === true;
      const ep = pacsEndpoint(db, server);
      const files = await revisionDicomFiles(ws, revisionId, { deidentified });
      const r = await sendToPacs(
        ws,
        ep,
        files,
        { revisionId, ...(deidentified ? { deidentified } : {}) },
        ctx.actor,
      );
      return { ...r, revisionId };
    },
  };
}

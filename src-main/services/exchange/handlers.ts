// The exchange channels (src-preload/contract/exchange.ts). Who may: tasks and reviews are exported by
// reviewers and admins (they hold other raters' work or hand it out); an annotator exports only their own
// result. Inspecting and importing bundles is importing data: reviewers and admins, as for volumes. A
// bundle comes from a path on this machine (Electron: the native picker or a drop) or from a granted upload
// (web host: import:beginUpload, then PUTs), whose files are removed once it is imported.
import fs from 'node:fs';
import path from 'node:path';
import type { ExchangeRequests, ImportSource } from '@contract';
import { ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { getAnnotator } from '../../db/repositories/annotators';
import { getProject } from '../../db/repositories/projects';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import { DATA_MANAGERS, requireProfile, requireRole } from '../identity/access';
import { asObject, asOptionalId, oneOf } from '../validate';
import { uploadDir } from '../workspace/import-volumes';
import { exportBundle } from './export-bundle';
import { importBundle, inspectBundle } from './import-bundle';

function parseSource(raw: unknown): ImportSource {
  const o = asObject(raw, 'source');
  if (
    o['kind'] === 'paths' &&
    Array.isArray(o['paths']) &&
    o['paths'].length === 1 &&
    typeof o['paths'][0] === 'string'
  )
    return { kind: 'paths', paths: [o['paths'][0]] };
  if (o['kind'] === 'upload' && typeof o['uploadId'] === 'string')
    return { kind: 'upload', uploadId: o['uploadId'] };
  throw new InputError(undefined, 'a bundle comes from one path or one upload');
}

export function createExchangeHandlers(app: AppContext): HandlerGroup<keyof ExchangeRequests> {
  const ws = app.workspace;
  const db = ws.db;

  /** The bundle file of a source; for an upload, only the window that was granted it may use it. */
  const fileOf = (source: ImportSource, ctx: object): string => {
    if (source.kind === 'paths') return path.resolve(source.paths[0]!);
    const grant = app.uploads.forUpload(source.uploadId);
    if (grant.owner !== ctx) throw new ForbiddenError('this upload belongs to another window');
    const dir = uploadDir(ws, source.uploadId);
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.concord-bundle')) : [];
    if (files.length !== 1)
      throw new InputError(undefined, 'the upload holds no .concord-bundle file (or more than one)');
    return path.join(dir, files[0]!);
  };

  return {
    'bundle:export': async (raw, ctx) => {
      const o = asObject(raw);
      const kind = oneOf(o['kind'], ['task', 'result', 'review'] as const, 'kind');
      const profile = requireProfile(db, ctx, 'exporting a bundle');
      const projectId = asOptionalId(o['projectId'], 'projectId');
      const project = projectId === undefined ? undefined : getProject(db, projectId);
      if (!project) throw new NotFoundError(`project ${String(o['projectId'])} does not exist`);
      const forId = asOptionalId(o['forAnnotatorId'], 'forAnnotatorId');
      const forName = forId === undefined ? undefined : getAnnotator(db, forId)?.name;
      if (forId !== undefined && !forName) throw new NotFoundError(`profile ${forId} does not exist`);
      if (kind === 'result' && profile.role === 'annotator') {
        if (forId !== profile.id) throw new ForbiddenError('an annotator exports only their own results');
      } else requireRole(profile, DATA_MANAGERS, `exporting a ${kind} bundle`);
      const caseIds = Array.isArray(o['caseIds'])
        ? o['caseIds'].map((c, i) => String(asOptionalId(c, `caseIds[${i}]`)))
        : undefined;
      if (o['images'] !== undefined && typeof o['images'] !== 'boolean')
        throw new InputError(undefined, 'images is true or false');
      if (o['deidentify'] !== undefined && typeof o['deidentify'] !== 'boolean')
        throw new InputError(undefined, 'deidentify is true or false');
      // A de-identified bundle's file name names no one either.
      const deidentify = o['deidentify'] === true || project.kind === 'research';
      const safe = project.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'project';
      const fileName = `${safe}-${kind}${forName && !deidentify ? `-${forName.replace(/[^A-Za-z0-9._-]+/g, '-')}` : ''}.concord-bundle`;
      const { downloadId, file } = app.downloads.reserve(fileName);
      try {
        const s = await exportBundle(
          ws,
          {
            kind,
            ...(caseIds ? { cases: caseIds } : { project: String(project.id) }),
            ...(forName ? { forAnnotator: forName } : {}),
            ...(typeof o['images'] === 'boolean' ? { images: o['images'] } : {}),
            ...(deidentify ? { deidentify } : {}),
          },
          file,
          ctx.actor,
        );
        return {
          downloadId,
          fileName,
          bytes: s.bytes,
          cases: s.cases,
          revisions: s.revisions,
          imagesIncluded: s.imagesIncluded,
          deidentified: s.deidentified,
        };
      } catch (e) {
        app.downloads.forget(downloadId);
        throw e;
      }
    },
    'bundle:inspect': async (raw, ctx) => {
      requireRole(requireProfile(db, ctx, 'importing a bundle'), DATA_MANAGERS, 'importing bundles');
      const v = await inspectBundle(ws, fileOf(parseSource(asObject(raw)['source']), ctx));
      const m = v.manifest;
      return {
        kind: m.kind,
        signer: v.signer,
        createdAt: m.createdAt,
        imagesIncluded: m.imagesIncluded,
        cases: m.cases.map((c) => ({ project: c.project, name: c.name })),
        annotations: m.annotations.length,
        revisions: m.revisions.length,
        assignedTo: m.assignment?.annotator ?? null,
      };
    },
    'bundle:import': async (raw, ctx) => {
      const o = asObject(raw);
      requireRole(requireProfile(db, ctx, 'importing a bundle'), DATA_MANAGERS, 'importing bundles');
      const source = parseSource(o['source']);
      const file = fileOf(source, ctx);
      const s = await importBundle(ws, file, { trust: o['trust'] === true, actor: ctx.actor });
      if (source.kind === 'upload') {
        app.uploads.take(ctx, source.uploadId);
        fs.rmSync(uploadDir(ws, source.uploadId), { recursive: true, force: true });
      }
      // Other windows follow: every annotation that got a revision has a new head.
      const heads = new Map<number, number>();
      for (const f of s.forks) heads.set(f.annotationId, f.revisionId);
      for (const [annotationId, headRevisionId] of heads) {
        ctx.publish('annotation:changed', { annotationId, headRevisionId, author: ctx.actor });
      }
      return {
        kind: s.kind,
        trustedNow: s.trustedNow,
        changed: s.changed,
        casesCreated: s.casesCreated,
        volumesCreated: s.volumesCreated,
        revisionsAdded: s.revisionsAdded,
        submissionsTaken: s.submissionsTaken,
        measurementsTaken: s.measurementsAdded + s.measurementsDeleted,
        forks: s.forks,
        notes: s.notes,
      };
    },
  };
}

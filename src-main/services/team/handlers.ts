// The team channels: projects, moving and removing cases, a case's subject, assignments, the reviewer's
// per-case view and the review gate, the branches of forked annotations (a reviewer picks the head). Each
// handler checks its request, then the signed-in profile (ctx.session), then does the work in team/ (which
// checks the role and writes the audit row).
import type { TeamRequests } from '@contract';
import type { LabelInfo, ProjectKind } from '../../core/model';
import { InputError } from '../../core/errors';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import { requireProfile } from '../identity/access';
import { MaskStore } from '../masks/mask-store';
import { asId, asObject, asOptionalNumber, asOptionalString, asString } from '../validate';
import { assign, teamView, unassign } from './assignments';
import { pickBranch, volumeBranches } from './branches';
import { mergeBranches } from './merge-branches';
import { createProject, moveCase, removeCase, setSubjectOfCase, updateProject } from './projects';
import { ownSubmission, returnCase, reviewReadiness, submitCase } from './submissions';

function idList(v: unknown, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 10_000)
    throw new InputError(undefined, `${name} must be a list of ids`);
  return v.map((x: unknown, i) => asId(x, `${name}[${i}]`));
}

function optionalModality(v: unknown): string | null | undefined {
  if (v === null) return null;
  return asOptionalString(v, 'modality', 32);
}

function labelsOf(v: unknown): Omit<LabelInfo, 'id' | 'projectId'>[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 255)
    throw new InputError(undefined, 'labels must be a list of at most 255');
  return v.map((x: unknown, i) => {
    const o = asObject(x, `labels[${i}]`);
    return {
      value: asOptionalNumber(o['value'], `labels[${i}].value`) ?? i + 1,
      name: asString(o['name'], `labels[${i}].name`, 200),
      color: asString(o['color'], `labels[${i}].color`, 16),
      visible: o['visible'] !== false,
      opacity: asOptionalNumber(o['opacity'], `labels[${i}].opacity`) ?? 0.5,
    };
  });
}

function optionalKind(v: unknown): ProjectKind | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'clinical' || v === 'research') return v;
  throw new InputError(undefined, "a project's kind is 'clinical' or 'research'");
}

export function createTeamHandlers(
  app: AppContext,
  store = new MaskStore(app.workspace, undefined, app.maskCodec),
): HandlerGroup<keyof TeamRequests> {
  const db = app.workspace.db;
  return {
    'project:create': (raw, ctx) => {
      const o = asObject(raw);
      return createProject(db, requireProfile(db, ctx, 'creating a project'), {
        name: asString(o['name'], 'name', 200),
        modality: optionalModality(o['modality']),
        kind: optionalKind(o['kind']),
        labels: labelsOf(o['labels']),
      });
    },
    'project:update': (raw, ctx) => {
      const o = asObject(raw);
      const archived = o['archived'];
      if (archived !== undefined && typeof archived !== 'boolean')
        throw new InputError(undefined, 'archived must be true or false');
      return updateProject(db, requireProfile(db, ctx, 'changing a project'), {
        projectId: asId(o['projectId'], 'projectId'),
        name: asOptionalString(o['name'], 'name', 200),
        modality: optionalModality(o['modality']),
        archived,
      });
    },
    'case:move': (raw, ctx) => {
      const o = asObject(raw);
      return moveCase(db, requireProfile(db, ctx, 'moving a case'), {
        caseId: asId(o['caseId'], 'caseId'),
        projectId: asId(o['projectId'], 'projectId'),
      });
    },
    'case:remove': (raw, ctx) => {
      const o = asObject(raw);
      return removeCase(db, requireProfile(db, ctx, 'removing a case'), {
        caseId: asId(o['caseId'], 'caseId'),
        reason: asString(o['reason'], 'reason', 4000),
      });
    },
    'case:setSubject': (raw, ctx) => {
      const o = asObject(raw);
      const subject = o['subject'];
      if (subject !== null && typeof subject !== 'string')
        throw new InputError(undefined, 'subject must be a name, or null to clear it');
      return setSubjectOfCase(app.workspace, requireProfile(db, ctx, "setting a case's subject"), {
        caseId: asId(o['caseId'], 'caseId'),
        subject,
      });
    },
    'assignment:add': (raw, ctx) => {
      const o = asObject(raw);
      const profile = requireProfile(db, ctx, 'assigning cases');
      return assign(db, profile, {
        projectId: asId(o['projectId'], 'projectId'),
        annotatorIds: idList(o['annotatorIds'], 'annotatorIds') ?? [],
        caseIds: idList(o['caseIds'], 'caseIds'),
        perCase: asOptionalNumber(o['perCase'], 'perCase'),
      });
    },
    'assignment:remove': (raw, ctx) => {
      const o = asObject(raw);
      return unassign(db, requireProfile(db, ctx, 'changing assignments'), {
        caseId: asId(o['caseId'], 'caseId'),
        annotatorId: asId(o['annotatorId'], 'annotatorId'),
      });
    },
    'assignment:team': (raw, ctx) =>
      teamView(db, requireProfile(db, ctx, 'the team view'), asId(asObject(raw)['projectId'], 'projectId')),
    'case:submit': (raw, ctx) => {
      const o = asObject(raw);
      return submitCase(db, requireProfile(db, ctx, 'submitting a case'), {
        caseId: asId(o['caseId'], 'caseId'),
        comment: asOptionalString(o['comment'], 'comment', 4000),
      });
    },
    'case:return': (raw, ctx) => {
      const o = asObject(raw);
      return returnCase(db, requireProfile(db, ctx, 'returning a case'), {
        caseId: asId(o['caseId'], 'caseId'),
        annotatorId: asId(o['annotatorId'], 'annotatorId'),
        comment: asString(o['comment'], 'comment', 4000),
      });
    },
    'case:mySubmission': (raw, ctx) =>
      ownSubmission(db, requireProfile(db, ctx, 'your submission'), asId(asObject(raw)['caseId'], 'caseId')),
    'annotation:branches': (raw, ctx) =>
      volumeBranches(
        db,
        requireProfile(db, ctx, 'the branches of annotations'),
        asId(asObject(raw)['volumeId'], 'volumeId'),
      ),
    'annotation:pickBranch': async (raw, ctx) => {
      const o = asObject(raw);
      const revision = await pickBranch(store, requireProfile(db, ctx, 'picking a branch'), {
        annotationId: asId(o['annotationId'], 'annotationId'),
        revisionId: asId(o['revisionId'], 'revisionId'),
      });
      ctx.publish('annotation:changed', {
        annotationId: revision.annotationId,
        headRevisionId: revision.id,
        author: ctx.actor,
      });
      return revision;
    },
    'annotation:mergeBranches': async (raw, ctx) => {
      const o = asObject(raw);
      const tips = o['tips'];
      if (!Array.isArray(tips) || tips.length !== 2)
        throw new InputError(undefined, 'tips must list the two branch tips to merge');
      const merged = await mergeBranches(store, requireProfile(db, ctx, 'merging branches'), {
        annotationId: asId(o['annotationId'], 'annotationId'),
        tips: [asId(tips[0], 'tips[0]'), asId(tips[1], 'tips[1]')],
        primary: asId(o['primary'], 'primary'),
      });
      ctx.publish('annotation:changed', {
        annotationId: merged.revision.annotationId,
        headRevisionId: merged.revision.id,
        author: ctx.actor,
      });
      return merged;
    },
    'case:reviewReadiness': (raw, ctx) =>
      reviewReadiness(
        db,
        requireProfile(db, ctx, 'the review readiness'),
        asId(asObject(raw)['caseId'], 'caseId'),
      ),
  };
}

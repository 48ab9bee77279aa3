// Runtime checks of the labelling channels' requests (the web host receives them over a socket): each
// returns the typed request or throws InputError with one line naming the field.
import type { LabelInfo, MaskPatch, WorkStatus } from '../../core/model';
import { InputError } from '../../core/errors';
import { asId, asObject, asOptionalString, asString, oneOf } from '../validate';
import { parsePatch } from '../masks/parse-patch';

const STATUSES: readonly WorkStatus[] = ['not-started', 'in-progress', 'done', 'flagged'];

function asNumber(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InputError(undefined, `${name} must be a number`);
  return v;
}

function asBoolean(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new InputError(undefined, `${name} must be true or false`);
  return v;
}

function asIdOrNull(v: unknown, name: string): number | null {
  return v === null ? null : asId(v, name);
}

export function parseLabel(raw: unknown): Omit<LabelInfo, 'id'> {
  const o = asObject(raw, 'label');
  return {
    projectId: asId(o['projectId'], 'projectId'),
    value: asNumber(o['value'], 'value'),
    name: asString(o['name'], 'name', 200),
    color: asString(o['color'], 'color', 16),
    visible: asBoolean(o['visible'], 'visible'),
    opacity: asNumber(o['opacity'], 'opacity'),
  };
}

export function parseCommit(raw: unknown): {
  annotationId: number;
  parentRevisionId: number | null;
  tool: string;
  patch: MaskPatch;
} {
  const o = asObject(raw);
  if (!('parentRevisionId' in o)) {
    throw new InputError(
      undefined,
      'parentRevisionId is required (null for an annotation without revisions)',
    );
  }
  const tool = asString(o['tool'], 'tool', 64).trim();
  if (!tool) throw new InputError(undefined, 'tool must name the tool that made the edit');
  return {
    annotationId: asId(o['annotationId'], 'annotationId'),
    parentRevisionId: asIdOrNull(o['parentRevisionId'], 'parentRevisionId'),
    tool,
    patch: parsePatch(o['patch']),
  };
}

export function parseSetStatus(raw: unknown): { annotationId: number; status: WorkStatus; comment?: string } {
  const o = asObject(raw);
  return {
    annotationId: asId(o['annotationId'], 'annotationId'),
    status: oneOf(o['status'], STATUSES, 'status'),
    comment: asOptionalString(o['comment'], 'comment', 4000),
  };
}

export function parseAddTime(raw: unknown): { annotationId: number; seconds: number } {
  const o = asObject(raw);
  return {
    annotationId: asId(o['annotationId'], 'annotationId'),
    seconds: asNumber(o['seconds'], 'seconds'),
  };
}

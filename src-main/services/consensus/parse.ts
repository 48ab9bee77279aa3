// Runtime checks of the consensus channels' requests (the web host receives them as JSON over a socket):
// each returns the typed request or throws InputError with one line naming the field.
import type {
  AgreementRequest,
  CompareRequest,
  DecideRequest,
  MergeRequest,
  RaterSelection,
  TiePolicy,
} from '@contract';
import { InputError } from '../../core/errors';
import { parsePatch } from '../masks/parse-patch';
import { asId, asObject, asOptionalNumber, asOptionalString, asString } from '../validate';

function oneOf<T extends string | number>(v: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(v as T))
    throw new InputError(undefined, `${name} must be one of: ${allowed.join(', ')}`);
  return v as T;
}

function optionalOneOf<T extends string | number>(
  v: unknown,
  allowed: readonly T[],
  name: string,
): T | undefined {
  return v === undefined ? undefined : oneOf(v, allowed, name);
}

function optionalLabel(v: unknown, name = 'label'): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 255)
    throw new InputError(undefined, `${name} must be an integer 1..255`);
  return v;
}

function optionalMm(v: unknown, name: string): number | undefined {
  const x = asOptionalNumber(v, name);
  if (x !== undefined && x < 0) throw new InputError(undefined, `${name} must be a length in mm >= 0`);
  return x;
}

export function parseJobId(o: Record<string, unknown>): string {
  const jobId = asString(o['jobId'], 'jobId', 128);
  if (!jobId) throw new InputError(undefined, 'jobId must not be empty');
  return jobId;
}

function parseSelection(o: Record<string, unknown>): RaterSelection {
  const ids = o['annotationIds'];
  if (ids !== undefined && (!Array.isArray(ids) || ids.length > 255))
    throw new InputError(undefined, 'annotationIds must be a list of at most 255 annotation ids');
  const includeDerived = o['includeDerived'];
  if (includeDerived !== undefined && typeof includeDerived !== 'boolean')
    throw new InputError(undefined, 'includeDerived must be true or false');
  return {
    volumeId: asId(o['volumeId'], 'volumeId'),
    annotationIds: ids?.map((x: unknown, i: number) => asId(x, `annotationIds[${i}]`)),
    includeDerived,
  };
}

const TIES: readonly TiePolicy[] = ['undecided', 'background', 'foreground'];

export function parseCompare(raw: unknown): CompareRequest {
  const o = asObject(raw);
  return {
    ...parseSelection(o),
    jobId: parseJobId(o),
    label: optionalLabel(o['label']),
    toleranceMm: optionalMm(o['toleranceMm'], 'toleranceMm'),
    kappaMarginMm: optionalMm(o['kappaMarginMm'], 'kappaMarginMm'),
    ties: optionalOneOf(o['ties'], TIES, 'ties'),
  };
}

export function parseMerge(raw: unknown): MergeRequest {
  const o = asObject(raw);
  const save = o['save'];
  if (save !== undefined && typeof save !== 'boolean')
    throw new InputError(undefined, 'save must be true or false');
  const maxIterations = asOptionalNumber(o['maxIterations'], 'maxIterations');
  if (maxIterations !== undefined && (!Number.isInteger(maxIterations) || maxIterations < 1))
    throw new InputError(undefined, 'maxIterations must be a positive integer');
  return {
    ...parseSelection(o),
    jobId: parseJobId(o),
    method: oneOf(o['method'], ['vote', 'staple', 'mstaple'] as const, 'method'),
    label: optionalLabel(o['label']),
    ties: optionalOneOf(o['ties'], TIES, 'ties'),
    undecidedLabel: optionalLabel(o['undecidedLabel'], 'undecidedLabel'),
    threshold: asOptionalNumber(o['threshold'], 'threshold'),
    confidenceWeight: asOptionalNumber(o['confidenceWeight'], 'confidenceWeight'),
    maxIterations,
    save,
  };
}

export function parseAgreement(raw: unknown): AgreementRequest {
  const o = asObject(raw);
  const maxRegions = asOptionalNumber(o['maxRegions'], 'maxRegions');
  return {
    ...parseSelection(o),
    jobId: parseJobId(o),
    label: optionalLabel(o['label']),
    measure: oneOf(o['measure'], ['votes', 'staple', 'entropy'] as const, 'measure'),
    connectivity: optionalOneOf(o['connectivity'], [6, 18, 26] as const, 'connectivity'),
    maxRegions,
  };
}

function parseRegion(v: unknown): { agreementId: string; regionId: number } {
  const o = asObject(v, 'region');
  return {
    agreementId: asString(o['agreementId'], 'region.agreementId', 4096),
    regionId: asId(o['regionId'], 'region.regionId'),
  };
}

export function parseDecide(raw: unknown): DecideRequest {
  const o = asObject(raw);
  const base = {
    adjudicationId: asId(o['adjudicationId'], 'adjudicationId'),
    parentRevisionId: asId(o['parentRevisionId'], 'parentRevisionId'),
    rationale: asString(o['rationale'], 'rationale', 4000),
  };
  const kind = oneOf(o['kind'], ['take-rater', 'take-consensus', 'manual'] as const, 'kind');
  if (kind === 'manual') {
    return {
      ...base,
      kind,
      region: o['region'] === undefined ? undefined : parseRegion(o['region']),
      patch: o['patch'] === undefined ? undefined : parsePatch(o['patch']),
    };
  }
  return {
    ...base,
    kind,
    region: parseRegion(o['region']),
    sourceRevisionId: asId(o['sourceRevisionId'], 'sourceRevisionId'),
  };
}

export function parseStart(raw: unknown): {
  volumeId: number;
  seedRevisionId: number;
  label?: number;
  rationale?: string;
} {
  const o = asObject(raw);
  return {
    volumeId: asId(o['volumeId'], 'volumeId'),
    seedRevisionId: asId(o['seedRevisionId'], 'seedRevisionId'),
    label: optionalLabel(o['label']),
    rationale: asOptionalString(o['rationale'], 'rationale', 4000),
  };
}

export function parseSignOff(raw: unknown): {
  adjudicationId: number;
  parentRevisionId: number;
  comment?: string;
} {
  const o = asObject(raw);
  return {
    adjudicationId: asId(o['adjudicationId'], 'adjudicationId'),
    parentRevisionId: asId(o['parentRevisionId'], 'parentRevisionId'),
    comment: asOptionalString(o['comment'], 'comment', 4000),
  };
}

export function parseReopen(raw: unknown): { adjudicationId: number; reason: string } {
  const o = asObject(raw);
  return {
    adjudicationId: asId(o['adjudicationId'], 'adjudicationId'),
    reason: asString(o['reason'], 'reason', 4000),
  };
}

// Runtime checks on request payloads. The renderer is trusted code, but the web host receives JSON over a
// socket, so every handler checks the shape of what it is given before touching the workspace.
import { InputError } from '../core/errors';

export function asObject(v: unknown, what = 'request'): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError(undefined, `${what} must be an object`);
  return v as Record<string, unknown>;
}

export function asId(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new InputError(undefined, `${name} must be a positive integer`);
  }
  return v;
}

export function asOptionalId(v: unknown, name: string): number | undefined {
  return v === undefined ? undefined : asId(v, name);
}

export function asString(v: unknown, name: string, maxLength = 4096): string {
  if (typeof v !== 'string' || v.length > maxLength) {
    throw new InputError(undefined, `${name} must be a string of at most ${maxLength} characters`);
  }
  return v;
}

export function asOptionalString(v: unknown, name: string, maxLength = 4096): string | undefined {
  return v === undefined ? undefined : asString(v, name, maxLength);
}

export function asStringArray(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 10_000) {
    throw new InputError(undefined, `${name} must be a non-empty list`);
  }
  return v.map((x, i) => asString(x, `${name}[${i}]`));
}

export function asOptionalNumber(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InputError(undefined, `${name} must be a number`);
  return v;
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], name: string): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new InputError(undefined, `${name} must be one of: ${allowed.join(', ')}`);
  }
  return v as T;
}

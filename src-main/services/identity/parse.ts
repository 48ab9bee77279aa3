// Runtime checks of the identity channels' requests (the web host receives them over a socket): each
// returns the typed request or throws InputError with one line naming the field.
import type { Role } from '../../core/model';
import { asId, asObject, asString, oneOf } from '../validate';

const ROLES: readonly Role[] = ['annotator', 'reviewer', 'admin'];

export function parseCreateProfile(raw: unknown): { name: string; role: Role; password: string } {
  const o = asObject(raw);
  return {
    name: asString(o['name'], 'name', 200),
    role: oneOf(o['role'], ROLES, 'role'),
    password: asString(o['password'], 'password', 1024),
  };
}

export function parseCredentials(raw: unknown): { annotatorId: number; password: string } {
  const o = asObject(raw);
  return {
    annotatorId: asId(o['annotatorId'], 'annotatorId'),
    password: asString(o['password'], 'password', 1024),
  };
}

// Identity's channels: profiles (an admin's to create, except the very first) and each window's sign-in.
import type { AnnotatorInfo, Role, SessionInfo } from '../../src-main/core/model';

export interface IdentityRequests {
  'annotator:list': { req: void; res: AnnotatorInfo[] };
  /** Admin only, except the very first profile (which must be an admin). */
  'annotator:create': { req: { name: string; role: Role; password: string }; res: AnnotatorInfo };
  /** Admin only: sets (or resets) a profile's password, e.g. for annotators created by a mask import. */
  'annotator:setPassword': { req: { annotatorId: number; password: string }; res: AnnotatorInfo };
  'session:get': { req: void; res: SessionInfo };
  'session:signIn': { req: { annotatorId: number; password: string }; res: SessionInfo };
  'session:signOut': { req: void; res: SessionInfo };
}

export const IDENTITY_REQUEST_CHANNELS = [
  'annotator:list',
  'annotator:create',
  'annotator:setPassword',
  'session:get',
  'session:signIn',
  'session:signOut',
] as const satisfies readonly (keyof IdentityRequests)[];

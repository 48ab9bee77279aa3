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
  /** A token that signs a new connection of this tab in again (web host: a reload, a restart); the tab
   *  keeps it in its sessionStorage. Signed-in only; signing out forgets it. */
  'session:keep': { req: void; res: { token: string } };
  /** Signs this connection in with a token from session:keep; bad-input when it is no longer valid. */
  'session:resume': { req: { token: string }; res: SessionInfo };
}

export const IDENTITY_REQUEST_CHANNELS = [
  'annotator:list',
  'annotator:create',
  'annotator:setPassword',
  'session:get',
  'session:signIn',
  'session:signOut',
  'session:keep',
  'session:resume',
] as const satisfies readonly (keyof IdentityRequests)[];

// The identity channels: profiles (an admin's to create and to set passwords for, except the very first
// profile, which must be an admin) and each window's or connection's sign-in (ctx.session).
import type { IdentityRequests } from '@contract';
import { listAnnotators } from '../../db/repositories/annotators';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handler-types';
import { parseCreateProfile, parseCredentials } from './parse';
import { createProfile, setProfilePassword } from './profiles';
import { sessionInfo, signIn, signOut } from './sessions';
import { forgetSession, keepSession, resumeSession } from './resume';
import { asObject, asString } from '../validate';

export function createIdentityHandlers(app: AppContext): HandlerGroup<keyof IdentityRequests> {
  const db = app.workspace.db;
  return {
    'annotator:list': () => listAnnotators(db),
    'annotator:create': (req, ctx) => createProfile(db, ctx, parseCreateProfile(req)),
    'annotator:setPassword': (req, ctx) => setProfilePassword(db, ctx, parseCredentials(req)),
    'session:get': (_req, ctx) => sessionInfo(db, ctx),
    'session:signIn': (req, ctx) => signIn(db, ctx, parseCredentials(req)),
    'session:signOut': (_req, ctx) => {
      forgetSession(db, ctx);
      return signOut(db, ctx);
    },
    'session:keep': (_req, ctx) => keepSession(db, ctx),
    'session:resume': (req, ctx) => resumeSession(db, ctx, asString(asObject(req)['token'], 'token', 128)),
  };
}

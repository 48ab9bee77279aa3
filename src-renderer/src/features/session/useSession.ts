// The window's session: read once at start (session:get), replaced when a profile signs in or out. Viewing
// and importing need no profile; labelling does (every edit is attributed). Signed out, the top bar offers
// "Sign in", which shows the sign-in screen (`signingIn`; on a fresh workspace, the first admin's).
import { useEffect, useState } from 'react';
import type { AnnotatorInfo, SessionInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';

export interface Session {
  /** Null until read. */
  session: SessionInfo | null;
  /** The signed-in profile, or null. */
  me: AnnotatorInfo | null;
  setSession(s: SessionInfo): void;
  signingIn: boolean;
  setSigningIn(on: boolean): void;
  /** Why the session could not be read (the app cannot start). */
  error: string | null;
}

export function useSession(): Session {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call(getBridge().invoke('session:get', undefined))
      .then(setSession)
      .catch((e: Error) => setError(e.message));
  }, []);
  // Back after the host went away: the connection signed in again with the tab's kept session, or could
  // not (it lapsed); either way the session shown is the host's.
  useEffect(
    () =>
      getBridge().onConnection?.((up) => {
        if (up)
          void getBridge()
            .invoke('session:get', undefined)
            .then((r) => r.ok && setSession(r.value));
      }),
    [],
  );
  return { session, me: session?.annotator ?? null, setSession, signingIn, setSigningIn, error };
}

// The signed-in profile in the top bar (name and role), the admin's "Profiles" and "Sign out". Signing out
// first waits for the edits still being saved, so nothing is lost on the way out.
import { useState } from 'react';
import type { SessionInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { unsavedEdits } from '../annotation/pendingSaves';
import { ProfilesDialog } from './ProfilesDialog';

/** How long signing out waits for pending saves before asking. */
const SIGN_OUT_WAIT_MS = 10_000;

interface Props {
  session: SessionInfo;
  /** Resolves when every queued edit is saved. */
  whenSaved(): Promise<void>;
  onSignedOut(session: SessionInfo): void;
}

export function SessionBar({ session, whenSaved, onSignedOut }: Props) {
  const [profiles, setProfiles] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const me = session.annotator;
  if (!me) return null;
  const signOut = async (): Promise<void> => {
    setLeaving(true);
    try {
      // Wait for the edits being saved; if saving keeps failing, ask rather than wait forever.
      const done = await Promise.race([
        whenSaved().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), SIGN_OUT_WAIT_MS)),
      ]);
      if (
        !done &&
        !window.confirm(
          `${unsavedEdits()} edit(s) are not saved yet. They stay queued and are retried while this window is ` +
            'open, but only your profile can save them. Sign out anyway?',
        )
      ) {
        return;
      }
      onSignedOut(await call(getBridge().invoke('session:signOut', undefined)));
    } finally {
      setLeaving(false);
    }
  };
  return (
    <span className="session" data-testid="session">
      <span className="session-name" data-testid="session-name" title={`Signed in as ${me.name}`}>
        {me.name}
      </span>
      <span className="badge" data-testid="session-role">
        {me.role}
      </span>
      {me.role === 'admin' && (
        <button type="button" data-testid="profiles-button" onClick={() => setProfiles(true)}>
          Profiles
        </button>
      )}
      <button type="button" data-testid="signout" disabled={leaving} onClick={() => void signOut()}>
        {leaving ? 'Saving…' : 'Sign out'}
      </button>
      {profiles && <ProfilesDialog onClose={() => setProfiles(false)} />}
    </span>
  );
}

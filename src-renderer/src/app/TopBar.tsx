// The top bar: import, the autosave state, the session (the signed-in profile, or "Sign in"), the buttons
// of the side panels (Consensus, Training, Activity) and which host serves the window.
import type { AnnotatorInfo, ImportSummary, SessionInfo } from '@contract';
import { whenAllSaved } from '../features/annotation/pendingSaves';
import { SaveIndicator } from '../features/annotation/SaveIndicator';
import type { SaveState } from '../features/annotation/saveQueue';
import { ImportPanel } from '../features/import/ImportPanel';
import { SessionBar } from '../features/session/SessionBar';
import { ConnectionBanner } from './ConnectionBanner';

interface Props {
  projectId: number | null;
  session: SessionInfo | null;
  me: AnnotatorInfo | null;
  save: SaveState | null;
  onRetrySaving(): void;
  onImported(summary: ImportSummary): void;
  onSignedOut(session: SessionInfo): void;
  onSignIn(): void;
  /** The consensus button shows for reviewers and admins with a volume open. */
  consensusAvailable: boolean;
  consensusOpen: boolean;
  onToggleConsensus(): void;
  trainingOpen: boolean;
  onToggleTraining(): void;
  activityOpen: boolean;
  onToggleActivity(): void;
  host: 'electron' | 'web';
  workspace: string;
}

export function TopBar(p: Props) {
  const me = p.me;
  return (
    <header className="topbar">
      <span className="brand">Concord</span>
      <ConnectionBanner />
      <ImportPanel
        projectId={p.projectId}
        blockedReason={
          !me
            ? 'Sign in as a reviewer or admin to import.'
            : me.role === 'annotator'
              ? 'Importing needs a reviewer or admin profile.'
              : null
        }
        onImported={p.onImported}
      />
      <span className="spacer" />
      <SaveIndicator save={p.save} onRetry={p.onRetrySaving} />
      {p.session && me && (
        <SessionBar session={p.session} whenSaved={whenAllSaved} onSignedOut={p.onSignedOut} />
      )}
      {p.session && !me && (
        <button type="button" className="primary" data-testid="signin-open" onClick={p.onSignIn}>
          {p.session.firstRun ? 'Create the admin profile' : 'Sign in to label'}
        </button>
      )}
      {p.consensusAvailable && (
        <button
          type="button"
          data-testid="consensus-toggle"
          aria-pressed={p.consensusOpen}
          title="Compare, merge and adjudicate the raters of this case (Alt+C)"
          onClick={p.onToggleConsensus}
        >
          Consensus
        </button>
      )}
      {me && (
        <button
          type="button"
          data-testid="training-open"
          title="Train, run and manage models (Alt+T)"
          onClick={p.onToggleTraining}
          aria-pressed={p.trainingOpen}
        >
          Training
        </button>
      )}
      <button
        type="button"
        data-testid="activity-toggle"
        onClick={p.onToggleActivity}
        aria-pressed={p.activityOpen}
      >
        Activity
      </button>
      <span className="muted host" title={p.workspace}>
        {p.host === 'web' ? 'web host' : 'desktop'}
      </span>
    </header>
  );
}

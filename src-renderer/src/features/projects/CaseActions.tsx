// A case's actions in the library: set or clear its subject, the person imaged (reviewers and admins;
// SubjectDialog), move it to another (active) project (reviewers and admins), remove it (admins: a reason and
// a confirmation; the case leaves every list, its data stays, the audit says why).
import { useState } from 'react';
import type { CaseInfo, ProjectInfo, Role } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';
import { SubjectDialog } from './SubjectDialog';

interface Props {
  c: CaseInfo;
  role: Role;
  projects: readonly ProjectInfo[];
}

export function CaseActions({ c, role, projects }: Props) {
  const [mode, setMode] = useState<'subject' | 'move' | 'remove' | null>(null);
  const [target, setTarget] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (role === 'annotator') return null;
  const targets = projects.filter((p) => p.id !== c.projectId && !p.archivedAt);
  const done = () => {
    setMode(null);
    setConfirming(false);
    setReason('');
    setError(null);
    invalidateQueries('projects', 'cases', 'worklist', 'audit');
  };
  const run = async (what: () => Promise<unknown>) => {
    try {
      await what();
      done();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <span className="case-actions">
      <button
        type="button"
        className="link"
        data-testid={`case-subject-${c.name}`}
        onClick={() => setMode('subject')}
      >
        Subject…
      </button>
      <button
        type="button"
        className="link"
        data-testid={`case-move-${c.name}`}
        onClick={() => setMode('move')}
      >
        Move…
      </button>
      {role === 'admin' && (
        <button
          type="button"
          className="link"
          data-testid={`case-remove-${c.name}`}
          onClick={() => setMode('remove')}
        >
          Remove…
        </button>
      )}
      {mode === 'subject' && (
        <SubjectDialog
          c={c}
          kind={projects.find((p) => p.id === c.projectId)?.kind ?? null}
          onClose={() => setMode(null)}
          onSaved={done}
        />
      )}
      {mode === 'move' && (
        <span className="case-form">
          <select
            data-testid="case-move-target"
            value={target ?? ''}
            onChange={(e) => setTarget(Number(e.target.value))}
          >
            <option value="">(project)</option>
            {targets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            data-testid="case-move-confirm"
            disabled={target === null}
            onClick={() =>
              void run(() => call(getBridge().invoke('case:move', { caseId: c.id, projectId: target! })))
            }
          >
            Move
          </button>
          <button type="button" className="link" onClick={() => setMode(null)}>
            Cancel
          </button>
        </span>
      )}
      {mode === 'remove' && (
        <span className="case-form">
          <input
            data-testid="case-remove-reason"
            placeholder="Why? (kept in the audit)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          {!confirming ? (
            <button
              type="button"
              data-testid="case-remove-ask"
              disabled={!reason.trim()}
              onClick={() => setConfirming(true)}
            >
              Remove
            </button>
          ) : (
            <>
              <span className="error">Remove case {c.name} from its project?</span>
              <button
                type="button"
                data-testid="case-remove-confirm"
                onClick={() =>
                  void run(() =>
                    call(getBridge().invoke('case:remove', { caseId: c.id, reason: reason.trim() })),
                  )
                }
              >
                Yes, remove
              </button>
            </>
          )}
          <button type="button" className="link" onClick={() => setMode(null)}>
            Cancel
          </button>
        </span>
      )}
      {error && <span className="error">{error}</span>}
    </span>
  );
}

// Reviewer/admin: a case's subject, the person imaged, as `concord subject` sets it. A training run split by
// subject keeps every case of one person on one side, so cases imported without a manifest need theirs said
// here. Save stores the name (a research project stores its keyed pseudonym instead, never the name); Clear
// makes the case its own subject. Esc, Cancel or a click outside closes; a refusal is shown in the dialog.
// It opens from a case's row in the library, and is drawn on the document's body so that the row's styles
// and its name's tooltip do not reach it.
import { useState } from 'react';
import { createPortal } from 'react-dom';
import type { CaseInfo, ProjectKind } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { useEscape } from '../../app/useEscape';

interface Props {
  c: CaseInfo;
  /** The case's project kind; null while the project list loads. */
  kind: ProjectKind | null;
  onClose(): void;
  /** After a change is stored: the case as it now is. */
  onSaved(c: CaseInfo): void;
}

export function SubjectDialog({ c, kind, onClose, onSaved }: Props) {
  useEscape(onClose);
  const [text, setText] = useState(c.subject ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const store = async (subject: string | null) => {
    setBusy(true);
    try {
      onSaved(await call(getBridge().invoke('case:setSubject', { caseId: c.id, subject })));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return createPortal(
    <div className="dialog-backdrop" onClick={onClose}>
      <form
        className="dialog subject-dialog"
        role="dialog"
        aria-label={`Subject of ${c.name}`}
        data-testid="subject-dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          void store(text);
        }}
      >
        <header>
          <h2>Subject of {c.name}</h2>
        </header>
        <p className="muted">
          The person imaged. Cases with the same subject are one person, and a training run split by subject
          keeps them on one side; a case without a subject is its own.
        </p>
        <label className="field">
          <span>Subject</span>
          <input
            data-testid="subject-input"
            autoFocus
            value={text}
            placeholder="e.g. a study ID"
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
          />
        </label>
        {kind === 'research' && (
          <p className="muted" data-testid="subject-research-note">
            Research project: a keyed pseudonym of the name is stored (Subject and 8 hex digits), never the
            name. The same name always gives the same pseudonym, and a pseudonym given back is kept as it is.
          </p>
        )}
        {error && (
          <p className="error" data-testid="subject-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="submit" data-testid="subject-save" disabled={busy || !text.trim()}>
            Save
          </button>
          <button
            type="button"
            data-testid="subject-clear"
            disabled={busy || c.subject === null}
            title="The case becomes its own subject"
            onClick={() => void store(null)}
          >
            Clear
          </button>
          <button type="button" className="link" data-testid="subject-cancel" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>,
    document.body,
  );
}

// Sign-off (an optional note) stores the working mask as the case's reference mask; a signed-off case can be
// reopened with a reason. Every sign-off, and any reopening of it, is listed; a standing reference can be sent
// to a PACS as a DICOM SEG.
import { useState } from 'react';
import type { Adjudication } from './useAdjudication';
import { SendToPacs } from '../pacs/SendToPacs';

export function SignOffBox({
  adjudication,
  projectId,
}: {
  adjudication: Adjudication;
  projectId: number | null;
}) {
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const s = adjudication.state;
  if (!s) return null;
  return (
    <div className="cs-signoff" data-testid="signoff-box">
      <ul className="cs-signoffs">
        {s.signOffs.map((o) => (
          <li key={o.id} data-testid={`signoff-${o.id}`}>
            Signed off by {o.signedBy}, {new Date(o.signedAt).toLocaleString()} → reference rev.{' '}
            {o.referenceRevisionId}
            {o.comment ? `: “${o.comment}”` : ''}
            {!o.reopenedAt && <SendToPacs revisionId={o.referenceRevisionId} projectId={projectId} />}
            {o.reopenedAt && (
              <div className="muted">
                Reopened by {o.reopenedBy}, {new Date(o.reopenedAt).toLocaleString()}: “{o.reopenReason}”
              </div>
            )}
          </li>
        ))}
      </ul>
      {s.status === 'open' ? (
        <div className="cs-row">
          <input
            data-testid="signoff-note"
            placeholder="Note (optional)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <button
            type="button"
            className="primary"
            data-testid="signoff"
            disabled={adjudication.busy}
            onClick={() => void adjudication.signOff(note).then(() => setNote(''))}
          >
            Sign off
          </button>
        </div>
      ) : (
        <div className="cs-row">
          <input
            data-testid="reopen-reason"
            placeholder="Reason (required)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            type="button"
            data-testid="reopen"
            disabled={adjudication.busy}
            onClick={() => void adjudication.reopen(reason).then(() => setReason(''))}
          >
            Reopen
          </button>
        </div>
      )}
    </div>
  );
}

// "Open for review" with the review gate in front of it: first ask main who has not submitted the case; when
// someone has not, list them and ask for confirmation (they stay blinded either way: main enforces it).
import { useState } from 'react';
import type { ReviewReadiness } from '@contract';
import { call, getBridge } from '../../api/bridge';

interface Props {
  caseId: number | null;
  onOpen(): void | Promise<void>;
  className?: string;
}

export function OpenReviewButton({ caseId, onOpen, className }: Props) {
  const [asking, setAsking] = useState<ReviewReadiness | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    if (caseId === null) return;
    try {
      const r = await call(getBridge().invoke('case:reviewReadiness', { caseId }));
      if (r.pending.length === 0) await onOpen();
      else setAsking(r);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="open-review">
      <button type="button" className={className} data-testid="open-review" onClick={() => void start()}>
        Open for review
      </button>
      {asking && (
        <div className="confirm" role="alertdialog" data-testid="open-review-confirm">
          <p>
            Not submitted yet:{' '}
            {asking.pending.map((p) => `${p.annotatorName} (${p.status.replace('-', ' ')})`).join(', ')}. They
            stay blinded until they submit. Open the case for review anyway?
          </p>
          <button
            type="button"
            data-testid="open-review-anyway"
            onClick={() => {
              setAsking(null);
              void onOpen();
            }}
          >
            Open anyway
          </button>
          <button type="button" className="link" onClick={() => setAsking(null)}>
            Cancel
          </button>
        </div>
      )}
      {error && <p className="error">{error}</p>}
    </div>
  );
}

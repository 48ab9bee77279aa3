// The audit trail: the latest recorded actions, and whether the hash chain is intact.
import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../../../src-preload/contract';
import { call, getBridge } from '../../api/bridge';

export function ActivityPanel({ refreshKey }: { refreshKey: number }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [intact, setIntact] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const bridge = getBridge();
    Promise.all([
      call(bridge.invoke('audit:list', { limit: 50 })),
      call(bridge.invoke('audit:verify', undefined)),
    ])
      .then(([list, verdict]) => {
        if (!live) return;
        setEntries(list);
        setIntact(verdict.intact);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [refreshKey]);
  return (
    <section className="activity" aria-label="Activity" data-testid="activity">
      <h2>
        Activity{' '}
        {intact !== null && (
          <span className={intact ? 'badge ok' : 'badge error'} title="Audit hash chain">
            {intact ? 'chain intact' : 'CHAIN BROKEN'}
          </span>
        )}
      </h2>
      {error && <p className="error">{error}</p>}
      <ol>
        {entries.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> <strong>{e.action}</strong>{' '}
            <span className="muted">{String(e.detail['name'] ?? e.detail['file'] ?? '')}</span>{' '}
            <span className="muted">by {e.actor}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

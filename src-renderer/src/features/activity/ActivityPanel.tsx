// The audit trail: the latest recorded actions, and whether the hash chain is intact. A query ('audit'):
// read when the panel opens, and again after an import.
import { call, getBridge } from '../../api/bridge';
import { useQuery } from '../../api/useQuery';

async function readAudit() {
  const bridge = getBridge();
  const [entries, verdict] = await Promise.all([
    call(bridge.invoke('audit:list', { limit: 50 })),
    call(bridge.invoke('audit:verify', undefined)),
  ]);
  return { entries, intact: verdict.intact };
}

export function ActivityPanel() {
  const audit = useQuery({ name: 'audit', params: null, fetch: readAudit });
  const entries = audit.data?.entries ?? [];
  const intact = audit.data?.intact ?? null;
  const error = audit.error;
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

// The audit trail: the latest recorded actions, and a banner saying whether the trail is intact: each row's
// hash and MAC under the workspace key, the chain and the sealed head (db/audit-verify.ts), checked when the
// workspace opens and again with each read. A query ('audit'): read when the panel opens, and again after an
// import.
import { auditVerdictLine } from '@core/audit-verdict';
import { call, getBridge } from '../../api/bridge';
import { useQuery } from '../../api/useQuery';
import { activityNote } from './activityNote';

async function readAudit() {
  const bridge = getBridge();
  const [entries, verdict] = await Promise.all([
    call(bridge.invoke('audit:list', { limit: 50 })),
    call(bridge.invoke('audit:verify', undefined)),
  ]);
  return { entries, verdict };
}

export function ActivityPanel() {
  const audit = useQuery({ name: 'audit', params: null, fetch: readAudit });
  const entries = audit.data?.entries ?? [];
  const verdict = audit.data?.verdict ?? null;
  const intact = verdict?.intact ?? null;
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
      {verdict && (
        <p
          className={verdict.intact ? 'audit-verdict ok' : 'audit-verdict error'}
          role={verdict.intact ? 'status' : 'alert'}
          data-testid="audit-verdict"
        >
          {auditVerdictLine(verdict)}
        </p>
      )}
      {error && <p className="error">{error}</p>}
      <ol>
        {entries.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> <strong>{e.action}</strong>{' '}
            <span className="muted">{activityNote(e.detail)}</span>{' '}
            <span className="muted">by {e.actor}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

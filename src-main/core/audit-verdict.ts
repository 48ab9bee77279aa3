// The one line that says how an audit trail check came out: the CLI prints it, the Activity panel shows it.
import type { AuditVerification } from './model';

/** "Audit trail intact (N rows, sealed)" or "Audit trail broken at row K: …". */
export function auditVerdictLine(v: AuditVerification): string {
  if (v.intact) return `Audit trail intact (${v.rows} rows, ${v.sealed ? 'sealed' : 'not sealed'})`;
  const at = v.firstBadId !== null ? ` at row ${v.firstBadId}` : '';
  return `Audit trail broken${at}: ${v.message ?? v.problem ?? 'unknown fault'}`;
}

// The audit trail check of an open workspace (db/audit-verify.ts): started when the services open the
// workspace, and again whenever the Activity panel asks (audit:verify). It runs in slices between turns of
// the event loop, so the Electron main loop and the web host keep answering while 100k rows are checked;
// a request that arrives while a check runs shares it.
import type { AuditVerification } from '../../core/model';
import { verifyAuditInSlices } from '../../db/audit-verify';
import type { Db } from '../../db/open';

export class AuditCheck {
  private running: Promise<AuditVerification> | null = null;
  /** The verdict of the last check that finished, or null. */
  last: AuditVerification | null = null;

  constructor(private readonly db: Db) {}

  /** A check of the whole trail: the one running, else a new one. */
  run(): Promise<AuditVerification> {
    if (!this.running) {
      this.running = verifyAuditInSlices(this.db)
        .then((v) => {
          this.last = v;
          return v;
        })
        .finally(() => {
          this.running = null;
        });
    }
    return this.running;
  }
}

// The audit trail a bundle carries (db/audit-exchange.ts keeps the rows' origins and seals the head):
//  - rows: the exporting workspace's audit rows with their origin (the workspace that first wrote each).
//    A task carries only the rows that say nothing about other raters' work (the for-annotator's own and
//    rows naming no annotation, revision, adjudication, consensus or measurement), so that blinding holds in the audit
//    too; results and reviews carry every row;
//  - head: the exporter's sealed head (last hash, row count), signed by its key;
//  - complete: whether the rows are the exporter's whole trail, in which case its own rows must chain from
//    the genesis to the sealed head.
// The importer checks all of it before writing (checkBundleAudit), then appends the rows it lacks, keeping
// their origin, in its one transaction (appendImportedAudit: a row already here is skipped).
import { InputError } from '../../core/errors';
import type { AuditHead, PortableAuditRow } from '../../core/model';
import { GENESIS_HASH } from '../../db/audit';
import {
  checkPortableRow,
  readAuditForExport,
  readAuditHead,
  verifyAuditHead,
} from '../../db/audit-exchange';
import type { BundleManifest } from '../../io/bundle/manifest';
import type { Workspace } from '../../workspace/workspace';

export interface BundleAudit {
  rows: PortableAuditRow[];
  head: AuditHead;
  complete: boolean;
}

/** Detail keys that tie an audit row to one rater's or the review's work. */
const WORK_KEYS = [
  'annotationId',
  'revisionId',
  'adjudicationId',
  'signOffId',
  'comparisonId',
  'consensusId',
  'measurementId',
];

export function auditForBundle(
  ws: Workspace,
  kind: BundleManifest['kind'],
  forAnnotator?: string,
): BundleAudit {
  const head = readAuditHead(ws.db);
  if (kind !== 'task') return { rows: readAuditForExport(ws.db), head, complete: true };
  const who = forAnnotator?.toLowerCase();
  const rows = readAuditForExport(ws.db, {
    match: (r) => r.actor.toLowerCase() === who || !WORK_KEYS.some((k) => k in r.detail),
  });
  return { rows, head, complete: false };
}

/** Throws InputError (one line) unless the carried audit trail is sealed by the signer and whole. */
export function checkBundleAudit(m: BundleManifest, file: string): BundleAudit {
  const a = m.audit as BundleAudit | null;
  if (!a || !Array.isArray(a.rows) || typeof a.head !== 'object' || a.head === null)
    throw new InputError(file, 'the bundle carries no audit trail');
  if (a.head.workspaceId !== m.exporter.workspaceId || !verifyAuditHead(a.head, m.exporter.publicKeyPem))
    throw new InputError(file, "the bundle's audit head is not sealed by the workspace that signed it");
  for (const r of a.rows) {
    const bad = checkPortableRow(r);
    if (bad) throw new InputError(file, `the bundle's ${bad}`);
  }
  if (a.complete) {
    let prev = GENESIS_HASH;
    for (const r of a.rows) {
      if (r.prevHash !== prev)
        throw new InputError(
          file,
          `the bundle's audit trail is broken at its row ${r.id}: a row was removed or added`,
        );
      prev = r.hash;
    }
    if (a.rows.length !== a.head.rowCount || prev !== a.head.lastHash)
      throw new InputError(
        file,
        "the bundle's audit trail does not end at its sealed head: rows were removed or added",
      );
  }
  return a;
}

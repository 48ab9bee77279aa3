// Export use-case: the manifest (collect.ts) signed by this workspace's key, written with its members as
// one bundle file (io/bundle/container.ts). Reads only; the audit row saying what left is appended after
// the file is complete.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { canonicalJson } from '../../core/canonical-json';
import { InputError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import { getProject } from '../../db/repositories/projects';
import { getCase } from '../../db/repositories/reviews';
import { writeBundle } from '../../io/bundle/container';
import type { BundleManifest } from '../../io/bundle/manifest';
import type { Workspace } from '../../workspace/workspace';
import { collectBundle } from './collect';
import type { BundleSelection } from './collect';
import { auditForBundle } from './bundle-audit';
import { deidentifiedActor, deidentifiedAudit, deidentifyBundle } from './deidentify-bundle';

export interface ExportSummary {
  file: string;
  kind: BundleManifest['kind'];
  bytes: number;
  cases: number;
  volumes: number;
  imagesIncluded: boolean;
  annotations: number;
  revisions: number;
  members: number;
  signer: string;
  /** PS3.15's Basic Profile was applied (asked, or a research project's cases). */
  deidentified: boolean;
}

export async function exportBundle(
  ws: Workspace,
  sel: BundleSelection,
  out: string,
  actor: string,
  progress: (fraction: number) => void = () => undefined,
): Promise<ExportSummary> {
  const file = path.resolve(out);
  if (!file.endsWith('.concord-bundle')) throw new InputError(out, 'a bundle file is named *.concord-bundle');
  if (sel.dates !== undefined && sel.dates !== 'remove' && sel.dates !== 'shift')
    throw new InputError(undefined, `dates are 'remove' or 'shift', not '${String(sel.dates)}'`);
  const collected = collectBundle(ws, sel);
  const { members, refs } = collected;
  const deidentified = sel.deidentify === true || hasResearchCase(ws, refs.caseIds);
  const audit = auditForBundle(ws, sel.kind, forNameOf(collected.body));
  const body = deidentified
    ? deidentifyBundle(ws, collected.body, refs, sel.dates ?? 'remove')
    : collected.body;
  const manifest: BundleManifest = {
    ...body,
    createdAt: new Date().toISOString(),
    exporter: {
      workspaceId: ws.key.id,
      publicKeyPem: ws.key.publicKeyPem,
      actor: deidentified ? deidentifiedActor(ws, actor) : actor,
    },
    audit: deidentified ? deidentifiedAudit(audit) : audit,
    members,
  };
  const bytes = Buffer.from(canonicalJson(manifest), 'utf8');
  const signature = ws.key.sign(bytes);
  const size = await writeBundle(
    file,
    bytes,
    signature,
    members.map((m) => ({ name: m.name, file: ws.blobs.pathOf(m.sha256), bytes: m.bytes })),
    progress,
  );
  const summary: ExportSummary = {
    file,
    kind: manifest.kind,
    bytes: size,
    cases: manifest.cases.length,
    volumes: manifest.cases.reduce((n, c) => n + c.volumes.length, 0),
    imagesIncluded: manifest.imagesIncluded,
    annotations: manifest.annotations.length,
    revisions: manifest.revisions.length,
    members: members.length,
    signer: ws.key.id,
    deidentified,
  };
  ws.db.transaction(() =>
    appendAudit(ws.db, {
      actor,
      action: 'bundle.export',
      detail: {
        kind: summary.kind,
        cases: summary.cases,
        annotations: summary.annotations,
        revisions: summary.revisions,
        imagesIncluded: summary.imagesIncluded,
        deidentified,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        ...(sel.forAnnotator ? { for: sel.forAnnotator } : {}),
      },
    }),
  )();
  return summary;
}

/** True when a case is in a research project: its bundles always leave de-identified. */
function hasResearchCase(ws: Workspace, caseIds: number[]): boolean {
  return caseIds.some((id) => getProject(ws.db, getCase(ws.db, id)!.projectId)?.kind === 'research');
}

/** The annotator a task is for, as the manifest names them. */
function forNameOf(body: { assignment: { annotator: string } | null }): string | undefined {
  return body.assignment?.annotator;
}

// Import use-case (the model is services/workspace/import-volumes.ts): nothing is written until the whole
// bundle has been checked (verify-bundle.ts: signature, every checksum, no stray entry, the signer trusted
// or the user's say-so), and the plan checked against this workspace (every parent, delta base and volume
// found in the bundle or here). Then file I/O first: the blobs this workspace lacks are copied from a second
// read of the bundle, each checked against its checksum again as it is stored (blob-store.ts: atomic,
// fsynced); then ONE synchronous transaction writes every row (apply-bundle.ts). A kill at any moment leaves
// the workspace as it was, at worst with unreferenced blob files that blob collection removes.
//
// Merging loses nothing: rows are matched by their global ids (manifest.ts), so a bundle imported twice adds
// nothing; a revision keeps its author, time, tool and parent; two bundles that each add a revision on the
// same parent leave both branches (a fork, shown in the app; a reviewer picks the head: forks.ts).
import { createHash } from 'node:crypto';
import { ForbiddenError, InputError } from '../../core/errors';
import { readBundle } from '../../io/bundle/container';
import { memberName } from '../../io/bundle/manifest';
import { gidsOf } from '../../db/repositories/exchange';
import type { Workspace } from '../../workspace/workspace';
import { applyBundle } from './apply-bundle';
import type { ImportSummary } from './apply-bundle';
import { verifyBundle } from './verify-bundle';
import type { VerifiedBundle } from './verify-bundle';

export type { ImportSummary } from './apply-bundle';

export interface ImportOptions {
  /** Accept a signer this workspace has not trusted before (and remember it). */
  trust?: boolean;
  actor: string;
  progress?: (phase: 'verifying' | 'copying' | 'recording' | 'done', fraction: number) => void;
}

/** The blobs the rows need that this workspace lacks; throws InputError for what neither side has. */
function planBlobs(ws: Workspace, v: VerifiedBundle): Set<string> {
  const m = v.manifest;
  const gids = gidsOf(ws.db, ws.key.id);
  const inBundle = new Set(m.members.map((x) => x.sha256));
  const hasVolume = ws.db.prepare('SELECT 1 FROM volumes WHERE blob_sha256 = ? LIMIT 1').pluck();
  const needed = new Set<string>();
  for (const c of m.cases) {
    for (const vol of c.volumes) {
      if (hasVolume.get(vol.checksum)) continue;
      if (!inBundle.has(vol.checksum) && !ws.blobs.has(vol.checksum, vol.bytes)) {
        throw new InputError(
          v.file,
          `the bundle leaves out the image of case '${c.name}' (${vol.name}) and this workspace does not have it: export it again with its images`,
        );
      }
      needed.add(vol.checksum);
    }
  }
  const bundled = new Set(m.revisions.map((r) => r.gid));
  for (const r of m.revisions) {
    if (gids.resolve('revision', r.gid) !== null) continue;
    for (const [what, ref] of [
      ['parent', r.parent],
      ['base', r.base],
    ] as const) {
      if (ref !== null && !bundled.has(ref) && gids.resolve('revision', ref) === null) {
        throw new InputError(
          v.file,
          `revision ${r.gid}'s ${what} ${ref} is neither in the bundle nor in this workspace: import the bundle it came with first`,
        );
      }
    }
    needed.add(r.blob);
  }
  for (const sha of [...needed]) {
    const member = m.members.find((x) => x.sha256 === sha);
    if (member && ws.blobs.has(sha, member.bytes)) needed.delete(sha);
  }
  return needed;
}

/** Checks the bundle without writing anything: who signed it, what it holds. */
export async function inspectBundle(
  ws: Workspace,
  file: string,
  progress?: (fraction: number) => void,
): Promise<VerifiedBundle> {
  return verifyBundle(ws, file, progress);
}

export async function importBundle(ws: Workspace, file: string, opts: ImportOptions): Promise<ImportSummary> {
  const progress = opts.progress ?? (() => undefined);
  const verified = await verifyBundle(ws, file, (f) => progress('verifying', f));
  if (!verified.signer.trusted && !opts.trust) {
    throw new ForbiddenError(
      `${file}: signed by workspace ${verified.signer.fingerprint}, which this workspace has not trusted before; nothing was imported (confirm it in the app, or run again with --trust)`,
    );
  }
  const needed = planBlobs(ws, verified);
  const bytesNeeded = verified.manifest.members
    .filter((x) => needed.has(x.sha256))
    .reduce((n, x) => n + x.bytes, 0);
  if (needed.size > 0) {
    await ws.blobs.assertSpace(bytesNeeded);
    progress('copying', 0);
    let copied = 0;
    // The second read checks every member again (the file may have changed since the first).
    await readBundle(
      file,
      ({ manifest }) => {
        if (createHash('sha256').update(manifest).digest('hex') !== verified.manifestSha256)
          throw new InputError(file, 'the bundle changed while it was being imported; nothing was imported');
        return new Map(verified.manifest.members.map((x) => [x.name, { sha256: x.sha256, bytes: x.bytes }]));
      },
      (name) => needed.has(name.slice('blobs/'.length)),
      async (name, bytes) => {
        const stored = await ws.blobs.put(bytes);
        if (memberName(stored.sha256) !== name)
          throw new InputError(file, `'${name}' changed while it was being imported; nothing was imported`);
        copied += bytes.length;
        progress('copying', copied / (bytesNeeded || 1));
      },
    );
  }
  progress('recording', 0);
  const summary = ws.db.transaction(() => applyBundle(ws, verified, opts))();
  progress('done', 1);
  return summary;
}

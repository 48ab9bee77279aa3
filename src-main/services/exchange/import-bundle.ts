// Import use-case (the model is services/workspace/import-volumes.ts): nothing is written until the whole
// bundle has been checked (the signature, the signer trusted or the user's say-so, every member's checksum,
// no stray entry), and the plan checked against this workspace (every parent, delta base and volume found
// in the bundle or here). All in ONE read of the bundle: the blobs this workspace lacks are written as they
// stream, hashed once, into temp files in tmp/ (blob-store.ts: BlobStore.stage), and moved under blobs/
// (fsynced, renamed) only once every member has been checked; a bundle that fails any check leaves its temp
// files removed, so neither a row nor a blob was added. Then ONE synchronous transaction writes every row
// (apply-bundle.ts). A kill at any moment leaves the workspace as it was, at worst with temp files (removed
// when the workspace opens) or blobs no row refers to (blob collection removes them).
//
// Merging loses nothing: rows are matched by their global ids (manifest.ts), so a bundle imported twice adds
// nothing; a revision keeps its author, time, tool and parent; two bundles that each add a revision on the
// same parent leave both branches (a fork, shown in the app; a reviewer picks the head: team/branches.ts).
import { ForbiddenError, InputError } from '../../core/errors';
import { readBundle } from '../../io/bundle/container';
import { gidsOf } from '../../db/repositories/exchange';
import type { StagedBlob } from '../../workspace/blob-store';
import type { Workspace } from '../../workspace/workspace';
import { applyBundle } from './apply-bundle';
import type { ImportSummary } from './apply-bundle';
import { checkSigner, expectedMembers, verifyBundle } from './verify-bundle';
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
  let verified: VerifiedBundle | null = null;
  let needed = new Set<string>();
  const staged: StagedBlob[] = [];
  try {
    // One read of the bundle. The head comes first: its signature and signer are checked and the plan made
    // before any member is read. Each member this workspace lacks streams into a staged blob in tmp/ while
    // it is hashed (once); the others are only hashed. Every member is checked against the signed manifest.
    await readBundle(
      file,
      async (head) => {
        const v = checkSigner(ws, file, head);
        if (!v.signer.trusted && !opts.trust) {
          throw new ForbiddenError(
            `${file}: signed by workspace ${v.signer.fingerprint}, which this workspace has not trusted before; nothing was imported (confirm it in the app, or run again with --trust)`,
          );
        }
        needed = planBlobs(ws, v);
        await ws.blobs.assertSpace(
          v.manifest.members.filter((x) => needed.has(x.sha256)).reduce((n, x) => n + x.bytes, 0),
        );
        verified = v;
        return expectedMembers(v.manifest);
      },
      async (name) => {
        if (!needed.has(name.slice('blobs/'.length))) return null;
        const s = await ws.blobs.stage();
        staged.push(s);
        return s;
      },
      (f) => progress('verifying', f),
    );
    // Only now, every member checked, do the staged blobs move under blobs/. Until here nothing was written
    // but temp files. A kill from here on leaves at most blobs that no row refers to (blob collection removes
    // them): the rows that refer to them are written after, in one transaction.
    progress('copying', 0);
    await ws.blobs.commitStaged(staged, (f) => progress('copying', f));
  } catch (e) {
    await Promise.all(staged.map((s) => s.discard()));
    throw e;
  }
  progress('recording', 0);
  const v: VerifiedBundle = verified!;
  const summary = ws.db.transaction(() => applyBundle(ws, v, opts))();
  progress('done', 1);
  return summary;
}

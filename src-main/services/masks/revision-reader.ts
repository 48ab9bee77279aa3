// Reading any stored revision's labels, whatever its storage (mask-store.ts: snapshots and deltas). Every
// reader of revision masks goes through here: the mask store (editing, history, export, consensus inputs,
// adjudication), training targets and previews, model drafts. A delta's blob alone is one patch, not a mask.
//
//  - readRevisionLabels: the nearest whole-mask blob of the revision's chain (its stored snapshot, or a
//    materialised one further along), then the deltas after it, applied in order: at most the policy's
//    bound of deltas (mask-store.ts), so any revision decodes in bounded time.
//  - snapshotBlobOf: a whole-mask blob of a revision, for consumers that read mask files by path (the
//    trainer process, training-service.ts). A snapshot revision's own blob; for a delta, one materialised
//    the first time it is asked for: encoded and written (fsynced) first, then recorded in
//    revision_snapshots in one transaction (DESIGN.md §2), so a kill leaves at worst an unreferenced blob
//    that blob collection removes. Encoding is deterministic: a revision's materialised blob has the bytes a
//    whole-mask save of the same labels would have.
import type { Vec3 } from '../../core/geometry/affine';
import type { ChainLink, RevisionRow } from '../../db/repositories/revisions';
import { insertRevisionSnapshot, knownSnapshot, revisionChain } from '../../db/repositories/revisions';
import { inThreadCodec } from '../../workers/mask-codec-pool';
import type { MaskCodec } from '../../workers/mask-codec-pool';
import type { Workspace } from '../../workspace/workspace';

/** The labels of the last link of `chain` (revisionChain): with a worker codec, maybe in shared memory. */
export async function readChainLabels(
  ws: Workspace,
  chain: readonly ChainLink[],
  dims: Vec3,
  codec: MaskCodec = inThreadCodec,
): Promise<Uint8Array> {
  // Start from the newest link with a whole-mask blob (the first link always has one: a stored snapshot).
  let from = chain.length - 1;
  while (from > 0 && chain[from]!.snapshotSha256 === null) from--;
  const start = chain[from]!.snapshotSha256;
  if (start === null)
    throw new Error(`revision ${chain[0]?.revision.id}'s chain does not start at a snapshot`);
  const [snapshot, ...deltas] = await Promise.all([
    ws.blobs.read(start),
    ...chain.slice(from + 1).map((l) => ws.blobs.read(l.revision.blobSha256)),
  ]);
  return codec.decode(snapshot!, dims, deltas);
}

/** A revision's labels (i fastest), checked against `dims`. With a worker codec, maybe in shared memory. */
export function readRevisionLabels(
  ws: Workspace,
  revision: RevisionRow,
  dims: Vec3,
  codec: MaskCodec = inThreadCodec,
): Promise<Uint8Array> {
  return readChainLabels(ws, revisionChain(ws.db, revision.id), dims, codec);
}

/**
 * The sha256 of a blob holding `revision`'s whole mask in the snapshot format (workspace/mask-codec.ts),
 * materialised and recorded the first time for a delta revision.
 */
export async function snapshotBlobOf(
  ws: Workspace,
  revision: RevisionRow,
  dims: Vec3,
  codec: MaskCodec = inThreadCodec,
): Promise<string> {
  const known = knownSnapshot(ws.db, revision);
  if (known !== null) return known;
  const labels = await readRevisionLabels(ws, revision, dims, codec);
  const { bytes } = await codec.encode(labels, dims);
  const stored = await ws.blobs.put(bytes);
  ws.db.transaction(() =>
    insertRevisionSnapshot(ws.db, {
      revisionId: revision.id,
      sha256: stored.sha256,
      byteLength: stored.byteLength,
      createdAt: new Date().toISOString(),
    }),
  )();
  return stored.sha256;
}

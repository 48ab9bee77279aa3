// Saving and reading annotation revisions. Durability is the point (DESIGN.md §2):
//  1. file I/O first: the revision's blob is encoded and written, atomically and fsynced
//     (workspace/blob-store.ts);
//  2. then one short synchronous transaction records the revision row, the work status and the audit row.
// A kill between 1 and 2 leaves an unreferenced blob file and the previous head intact; a kill after 2 has
// the revision complete. Every save is a new revision whose parent is the head: never an overwrite.
//
// Commits to one annotation are serialised (one at a time, in arrival order), so a commit always patches
// the head it checked. The decoded head mask stays in a bounded LRU cache (mask-cache.ts) so a stroke does
// not decode the stored head again; a commit that fails puts the cached voxels back as they were.
//
// How revisions are stored (migration 005): a stroke must cost what it changes, not what the mask holds.
// Encoding the whole mask on every commit made saves slow down as a mask filled (the run-length pass and
// deflate grow with the mask's content), so a revision is one of:
//  - a snapshot: the whole mask (workspace/mask-codec.ts), as every revision was before;
//  - a delta: the committed patch alone, its box and the labels it holds after the edit
//    (workspace/mask-codec-delta.ts), over its base revision (the parent it was committed on).
// Reading revision N = its nearest snapshot ancestor, then the deltas after it applied in order
// (revision-reader.ts). The chain is bounded so that any revision decodes in bounded time: a commit writes a
// snapshot instead of a delta when (ChainPolicy, defaults in brackets)
//  - the head's chain already holds maxDeltas deltas [64], or
//  - the chain's delta bytes would exceed maxDeltaBytesFraction [25%] of the snapshot it starts from, or
//    minDeltaBytesBudget [1 MiB] when that is more (a nearly empty mask's snapshot is a few hundred bytes), or
//  - the patch's box holds maxDeltaBoxFraction [1/8] of the mask or more (a whole-slab fill: storing it
//    costs about a snapshot anyway, and a chain of them would be slow to apply), or
//  - there is no head (a first revision rests on nothing).
// So reading any revision costs one snapshot decode plus at most 64 patches, each under 1/8 of the mask.
// The commit that crosses the bound writes the snapshot itself, on the critical path: the simplest
// arrangement that keeps the kill-safety above unchanged; its cost is spread over the 64 strokes before.
// A delta commit never touches the whole mask: the cached head gets the patch, the label counts change by
// the box's before/after histograms, and only the patch is encoded, written and recorded.
// Other writers store snapshots (whole-mask saves: imports, derived masks, adjudication); revert records a
// new row on the target's blob and chain (nothing is encoded). Consumers that read mask files themselves
// (the trainer process) get a materialised whole-mask blob (revision-reader.ts: snapshotBlobOf).
import type { MaskPatch, WorkStatus } from '../../core/model';
import { ConflictError, InputError, NotFoundError } from '../../core/errors';
import type { Vec3 } from '../../core/geometry/affine';
import { histogram, labelVoxels } from '../../core/mask/histogram';
import { applyPatch, boxVoxels, extractPatch, patchProblem } from '../../core/labelling/patch';
import type { MaskPatch as Patch } from '../../core/labelling/patch';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getWorkState, readEditTarget, setWorkStatus } from '../../db/repositories/annotations';
import type { AnnotationRow, EditTarget } from '../../db/repositories/annotations';
import { getRevision, headRevisionId, insertRevision, revisionChain } from '../../db/repositories/revisions';
import type { RevisionRow } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import { CodecFailure, copyToShared, inThreadCodec } from '../../workers/mask-codec-pool';
import type { MaskCodec } from '../../workers/mask-codec-pool';
import type { Workspace } from '../../workspace/workspace';
import { MaskCache } from './mask-cache';
import type { CachedMask, HeadChain } from './mask-cache';
import { readChainLabels, readRevisionLabels } from './revision-reader';

export interface StoredMask {
  sha256: string;
  byteLength: number;
}

/**
 * Encodes a mask and writes it as a blob (atomic, fsynced); call before the transaction that records it.
 * Also gives the voxel count of each label value 0..255 (counted while encoding). The app hosts encode in
 * worker threads (workers/mask-codec-pool.ts); the default codec runs on this thread. With `move` (the
 * caller owns `labels`), the labels may travel to a worker and back: use the returned `labels` afterwards;
 * when that fails, `onLabels` gets them back (or null when a dead worker lost them).
 */
export async function storeMaskBlob(
  ws: Workspace,
  labels: Uint8Array,
  dims: Vec3,
  check?: (counts: Float64Array) => void,
  codec: MaskCodec = inThreadCodec,
  move?: { onLabels(labels: Uint8Array | null): void },
): Promise<{ blob: StoredMask; counts: Float64Array }> {
  let encoded;
  try {
    encoded = await codec.encode(labels, dims, { move: move !== undefined });
  } catch (e) {
    if (e instanceof CodecFailure) {
      move?.onLabels(e.labels);
      throw e.cause;
    }
    throw e;
  }
  move?.onLabels(encoded.labels);
  const { bytes, counts } = encoded;
  check?.(counts);
  const { sha256, byteLength } = await ws.blobs.put(bytes);
  return { blob: { sha256, byteLength }, counts };
}

/** When a commit stores a delta and when a snapshot (the header above says why). */
export interface ChainPolicy {
  /** Deltas after a snapshot at most (0: every revision is a snapshot, as before deltas existed). */
  maxDeltas: number;
  /** The chain's delta bytes stay within this fraction of the snapshot it starts from… */
  maxDeltaBytesFraction: number;
  /** …or within this many bytes, when that is more. */
  minDeltaBytesBudget: number;
  /** A patch whose box holds this fraction of the mask's voxels or more is saved as a snapshot. */
  maxDeltaBoxFraction: number;
}

export const DEFAULT_CHAIN_POLICY: Readonly<ChainPolicy> = {
  maxDeltas: 64,
  maxDeltaBytesFraction: 0.25,
  minDeltaBytesBudget: 2 ** 20,
  maxDeltaBoxFraction: 1 / 8,
};

/** Every revision a snapshot: how revisions were stored before deltas (the bench's baseline). */
export const SNAPSHOTS_ONLY: Readonly<ChainPolicy> = { ...DEFAULT_CHAIN_POLICY, maxDeltas: 0 };

/** A delta revision's place in its chain (migration 005): the revision it rests on, depth and bytes. */
export interface DeltaLink {
  baseId: number;
  chainDepth: number;
  chainBytes: number;
}

export interface RevisionRecord {
  annotationId: number;
  parentId: number | null;
  /** The revision's blob: the whole mask, or with `delta` one patch over `delta.baseId`'s labels. */
  blob: StoredMask;
  delta?: DeltaLink;
  /** The revision's author (whose mask it is). */
  author: string;
  /** Who made the change, for the audit row; default: the author. */
  actor?: string;
  tool: string;
  provenance: Record<string, unknown>;
  labelVoxels: Record<string, number>;
  /** Audit action and extra detail ("annotation.commit", { box }). */
  action: string;
  detail?: Record<string, unknown>;
  /** Work status after this revision; default: 'in-progress' when the annotation was not started. */
  status?: WorkStatus;
  at: string;
}

/** Throws ConflictError unless `parent` is the annotation's head revision (null: it has none). */
export function assertHead(db: Db, annotationId: number, parent: number | null): void {
  const head = headRevisionId(db, annotationId);
  if (head !== parent) {
    throw new ConflictError(
      `annotation ${annotationId} changed meanwhile: its head is revision ${head ?? 'none'}, not ${parent ?? 'none'}; reload it and redo the edit`,
    );
  }
}

/**
 * Records a revision whose blob is already stored; call inside a transaction. Refuses (ConflictError) a
 * parent that is not the current head.
 */
export function recordRevision(db: Db, r: RevisionRecord): number {
  assertHead(db, r.annotationId, r.parentId);
  const revisionId = insertRevision(db, {
    annotationId: r.annotationId,
    parentId: r.parentId,
    blobSha256: r.blob.sha256,
    blobBytes: r.blob.byteLength,
    ...(r.delta
      ? { storage: 'delta' as const, ...r.delta }
      : { storage: 'snapshot' as const, baseId: null, chainDepth: 0, chainBytes: 0 }),
    author: r.author,
    tool: r.tool,
    provenance: r.provenance,
    labelVoxels: r.labelVoxels,
    createdAt: r.at,
  });
  const work = getWorkState(db, r.annotationId);
  const status = r.status ?? (work.status === 'not-started' ? 'in-progress' : work.status);
  if (status !== work.status) {
    setWorkStatus(db, r.annotationId, status, status === 'flagged' ? work.flagComment : null, r.at);
  }
  appendAudit(
    db,
    {
      actor: r.actor ?? r.author,
      action: r.action,
      detail: {
        annotationId: r.annotationId,
        revisionId,
        parentId: r.parentId,
        tool: r.tool,
        sha256: r.blob.sha256,
        ...r.detail,
      },
    },
    r.at,
  );
  return revisionId;
}

/**
 * The storage of a revision with the same labels as `r` (revert, a decision that changes nothing): its blob,
 * and its base and chain when it is a delta. Nothing is encoded or written.
 */
export function sameLabelsAs(r: RevisionRow): Pick<RevisionRecord, 'blob' | 'delta'> {
  const blob = { sha256: r.blobSha256, byteLength: r.blobBytes };
  if (r.storage === 'snapshot') return { blob };
  return { blob, delta: { baseId: r.baseId!, chainDepth: r.chainDepth, chainBytes: r.chainBytes } };
}

export interface CommitInput {
  annotationId: number;
  parentRevisionId: number | null;
  tool: string;
  author: string;
  provenance?: Record<string, unknown>;
  /** The caller's checks (who may edit, sign-off), run on the save's one read of its target, in turn with
   *  the annotation's other saves; throwing refuses the save. */
  guard?: (target: EditTarget) => void;
}

export class MaskStore {
  readonly cache: MaskCache;
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(
    readonly ws: Workspace,
    cache?: MaskCache,
    /** Encodes and decodes masks: worker threads in the app hosts, this thread by default. */
    readonly codec: MaskCodec = inThreadCodec,
    /** When commits store deltas and when snapshots. */
    readonly policy: Readonly<ChainPolicy> = DEFAULT_CHAIN_POLICY,
  ) {
    this.cache = cache ?? new MaskCache();
  }

  private get db(): Db {
    return this.ws.db;
  }

  /** Runs `fn` after every earlier call for the same annotation has settled. */
  private serial<T>(annotationId: number, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(annotationId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.queues.set(annotationId, settled);
    void settled.then(() => {
      if (this.queues.get(annotationId) === settled) this.queues.delete(annotationId);
    });
    return next;
  }

  dimsOf(annotation: AnnotationRow): Vec3 {
    const volume = getVolume(this.db, annotation.volumeId);
    if (!volume) throw new NotFoundError(`volume ${annotation.volumeId} does not exist`);
    return volume.dims;
  }

  /**
   * Decodes a stored revision's labels, snapshot or delta (no cache). With a worker codec, large masks come
   * back in a SharedArrayBuffer (readRevision gives an ordinary copy, for callers that send them on).
   */
  decodeRevision(revision: RevisionRow, dims: Vec3): Promise<Uint8Array> {
    return readRevisionLabels(this.ws, revision, dims, this.codec);
  }

  /**
   * A revision's labels in an ordinary ArrayBuffer (Electron IPC cannot send shared memory): the cached head
   * when it is that revision (copied), else decoded from its blob.
   */
  async readRevision(revision: RevisionRow, dims: Vec3): Promise<Uint8Array> {
    const cached = this.cache.get(revision.annotationId);
    if (cached && !cached.pending && cached.revisionId === revision.id) return cached.labels.slice();
    const labels = await this.decodeRevision(revision, dims);
    return labels.buffer instanceof SharedArrayBuffer ? labels.slice() : labels;
  }

  /** The head mask of an annotation (as just read), from the cache when current, else decoded (and cached). */
  private async loadHead(annotation: AnnotationRow, dims: Vec3): Promise<CachedMask> {
    const head = annotation.headRevisionId;
    const cached = this.cache.get(annotation.id);
    // Another process (the CLI) may have added a revision: the cache is only trusted when it is the head.
    if (cached && cached.revisionId === head) return cached;
    const n = dims[0] * dims[1] * dims[2];
    let entry: CachedMask;
    if (head === null) {
      // Heads live in shared memory where possible, so that a worker encodes them without a copy.
      const counts = new Float64Array(256);
      counts[0] = n;
      const labels = new Uint8Array(new SharedArrayBuffer(n));
      const chain = { depth: 0, bytes: 0, snapshotBytes: 0 };
      entry = { annotationId: annotation.id, revisionId: head, dims, labels, counts, chain, owned: true };
    } else {
      const links = revisionChain(this.db, head);
      const row = links.at(-1)!.revision;
      const labels = await readChainLabels(this.ws, links, dims, this.codec);
      const chain = {
        depth: row.chainDepth,
        bytes: row.chainBytes,
        snapshotBytes: links[0]!.revision.blobBytes,
      };
      const counts = countsOf(row, labels);
      entry = { annotationId: annotation.id, revisionId: head, dims, labels, counts, chain, owned: true };
    }
    this.cache.set(entry);
    return entry;
  }

  /** Whether `patch` on `head` may be stored as a delta before its size is known (the header's rules). */
  private deltaFits(head: CachedMask, patch: Patch): boolean {
    const total = head.dims[0] * head.dims[1] * head.dims[2];
    return (
      head.revisionId !== null &&
      head.chain.depth < this.policy.maxDeltas &&
      boxVoxels(patch.box) < this.policy.maxDeltaBoxFraction * total
    );
  }

  /** Whether the chain may take `bytes` more delta bytes. */
  private deltaBytesFit(chain: HeadChain, bytes: number): boolean {
    const budget = Math.max(
      this.policy.maxDeltaBytesFraction * chain.snapshotBytes,
      this.policy.minDeltaBytesBudget,
    );
    return chain.bytes + bytes <= budget;
  }

  /**
   * Applies a patch to the head and saves the result as a new revision. Refuses, changing nothing:
   * a parent that is not the head ('conflict'), a box off the grid or data of the wrong length, label
   * values the project does not define.
   */
  commitPatch(input: CommitInput & { patch: MaskPatch }): Promise<RevisionRow> {
    return this.serial(input.annotationId, async () => {
      const target = this.readTarget(input);
      const { annotation, dims } = target;
      assertHeadIs(annotation, input.parentRevisionId);
      const why = patchProblem(dims, input.patch);
      if (why) throw new InputError(undefined, why);
      const patchCounts = histogram(input.patch.data);
      checkLabelsDefined(target, patchCounts);

      const head = await this.loadHead(annotation, dims);
      if (!head.owned && this.codec !== inThreadCodec) {
        // A caller's array (commitMask): copy it once into shared memory (a slice at a time), which the
        // codec workers then read in place.
        head.labels = await copyToShared(head.labels);
        head.owned = true;
      }
      // A delta is the patch alone: encode it first (small), and keep it if the chain can take its bytes.
      let delta = this.deltaFits(head, input.patch) ? await this.codec.encodeDelta(input.patch, dims) : null;
      if (delta && !this.deltaBytesFit(head.chain, delta.length)) delta = null;
      // The labels the box holds now, to put back if saving fails, and the counts after the patch.
      const before = extractPatch(head.labels, dims, input.patch.box);
      const counts = head.counts.slice();
      const beforeCounts = histogram(before.data);
      for (let v = 0; v < 256; v++) counts[v]! += patchCounts[v]! - beforeCounts[v]!;
      head.pending = true;
      applyPatch(head.labels, dims, input.patch);
      // The head's buffer may go to a codec worker and back (no copy): null means a dead worker lost it.
      let labelsLost = false;
      try {
        let stored: { blob: StoredMask; delta?: DeltaLink; counts: Float64Array; chain: HeadChain };
        if (delta) {
          const { sha256, byteLength } = await this.ws.blobs.put(delta);
          const link = {
            baseId: head.revisionId!,
            chainDepth: head.chain.depth + 1,
            chainBytes: head.chain.bytes + byteLength,
          };
          stored = {
            blob: { sha256, byteLength },
            delta: link,
            counts,
            chain: {
              depth: link.chainDepth,
              bytes: link.chainBytes,
              snapshotBytes: head.chain.snapshotBytes,
            },
          };
        } else {
          const { blob, counts: encoded } = await storeMaskBlob(
            this.ws,
            head.labels,
            dims,
            undefined,
            this.codec,
            {
              onLabels: (labels) => {
                if (labels) head.labels = labels;
                else labelsLost = true;
              },
            },
          );
          stored = { blob, counts: encoded, chain: { depth: 0, bytes: 0, snapshotBytes: blob.byteLength } };
        }
        const revisionId = this.db.transaction(() =>
          recordRevision(this.db, {
            annotationId: annotation.id,
            parentId: input.parentRevisionId,
            blob: stored.blob,
            delta: stored.delta,
            author: input.author,
            tool: input.tool,
            provenance: input.provenance ?? {},
            labelVoxels: labelVoxels(stored.counts),
            action: 'annotation.commit',
            detail: { box: input.patch.box },
            at: new Date().toISOString(),
          }),
        )();
        head.revisionId = revisionId;
        head.counts = stored.counts;
        head.chain = stored.chain;
        return getRevision(this.db, revisionId)!;
      } catch (e) {
        // Put the cached head back as it was: the revision was not recorded. Without its labels, forget it
        // (the next edit decodes the stored head, which is still the previous one).
        if (labelsLost) this.cache.delete(annotation.id);
        else applyPatch(head.labels, dims, before);
        throw e;
      } finally {
        head.pending = false;
      }
    });
  }

  /**
   * Saves a whole mask as a new revision (imports, derived masks). `parentRevisionId` 'head' means "on
   * top of whatever the head is" (for tools that replace the mask, not edit it). The store keeps `labels`
   * as the cached head (never detaching them: the first edit works on a copy); the caller must not change
   * them afterwards.
   */
  commitMask(
    input: Omit<CommitInput, 'parentRevisionId'> & {
      parentRevisionId: number | null | 'head';
      labels: Uint8Array;
      action?: string;
      /** The audit row's actor when not the author (a reviewer's merge of branches). */
      actor?: string;
      status?: WorkStatus;
      detail?: Record<string, unknown>;
    },
  ): Promise<RevisionRow> {
    return this.serial(input.annotationId, async () => {
      const target = this.readTarget(input);
      const { annotation, dims } = target;
      const total = dims[0] * dims[1] * dims[2];
      if (input.labels.length !== total) {
        throw new InputError(
          undefined,
          `the mask has ${input.labels.length} voxels, the volume ${dims.join('x')} has ${total}`,
        );
      }
      const parent = input.parentRevisionId === 'head' ? annotation.headRevisionId : input.parentRevisionId;
      assertHeadIs(annotation, parent);
      const { blob, counts } = await storeMaskBlob(
        this.ws,
        input.labels,
        dims,
        (c) => checkLabelsDefined(target, c),
        this.codec,
      );
      const revisionId = this.db.transaction(() =>
        recordRevision(this.db, {
          annotationId: annotation.id,
          parentId: parent,
          blob,
          author: input.author,
          ...(input.actor ? { actor: input.actor } : {}),
          tool: input.tool,
          provenance: input.provenance ?? {},
          labelVoxels: labelVoxels(counts),
          action: input.action ?? 'annotation.commit',
          detail: input.detail,
          status: input.status,
          at: new Date().toISOString(),
        }),
      )();
      this.cache.set({
        annotationId: annotation.id,
        revisionId,
        dims,
        labels: input.labels,
        counts,
        chain: { depth: 0, bytes: 0, snapshotBytes: blob.byteLength },
      });
      return getRevision(this.db, revisionId)!;
    });
  }

  /**
   * A new head whose labels equal `revisionId`'s: the same blob, and for a delta the same base and chain
   * (nothing is encoded or written; the new row reads exactly as the target does).
   */
  revert(input: {
    annotationId: number;
    revisionId: number;
    author: string;
    guard?: CommitInput['guard'];
    /** A reviewer's pick of a branch tip (team/branches.ts): its tool, audit action and what it records. */
    as?: { tool: string; action: string; actor: string; detail: Record<string, unknown> };
  }): Promise<RevisionRow> {
    return this.serial(input.annotationId, async () => {
      const { annotation } = this.readTarget(input);
      const target = getRevision(this.db, input.revisionId);
      if (!target || target.annotationId !== annotation.id) {
        throw new NotFoundError(
          `revision ${input.revisionId} is not a revision of annotation ${annotation.id}`,
        );
      }
      const parent = annotation.headRevisionId;
      const revisionId = this.db.transaction(() =>
        recordRevision(this.db, {
          annotationId: annotation.id,
          parentId: parent,
          ...sameLabelsAs(target),
          author: input.author,
          ...(input.as ? { actor: input.as.actor } : {}),
          tool: input.as?.tool ?? 'revert',
          provenance: { revertedTo: target.id, ...input.as?.detail },
          labelVoxels: target.labelVoxels,
          action: input.as?.action ?? 'annotation.revert',
          detail: { revertedTo: target.id, ...input.as?.detail },
          at: new Date().toISOString(),
        }),
      )();
      // The cached head is no longer the head; the next edit decodes the reverted mask.
      this.cache.delete(annotation.id);
      return getRevision(this.db, revisionId)!;
    });
  }

  /** The save's one read of what it writes to, then the caller's guard. */
  private readTarget(input: { annotationId: number; guard?: CommitInput['guard'] }): EditTarget {
    const target = readEditTarget(this.db, input.annotationId);
    if (!target) throw new NotFoundError(`annotation ${input.annotationId} does not exist`);
    input.guard?.(target);
    return target;
  }
}

/** Refuses ('conflict') a parent that is not the head the save read. */
function assertHeadIs(annotation: AnnotationRow, parent: number | null): void {
  const head = annotation.headRevisionId;
  if (head !== parent) {
    throw new ConflictError(
      `annotation ${annotation.id} changed meanwhile: its head is revision ${head ?? 'none'}, not ${parent ?? 'none'}; reload it and redo the edit`,
    );
  }
}

/**
 * The label counts of a decoded revision: its row's (exact for every revision written since schema 2),
 * unless the row has none while the mask is not empty (rows from before schema 2), then counted.
 */
function countsOf(row: RevisionRow, labels: Uint8Array): Float64Array {
  const counts = new Float64Array(256);
  let labelled = 0;
  for (const [v, n] of Object.entries(row.labelVoxels)) {
    counts[Number(v)] = n;
    labelled += n;
  }
  if (labelled === 0 && !allBackground(labels)) return histogram(labels);
  counts[0] = labels.length - labelled;
  return counts;
}

const ZEROS = Buffer.alloc(1 << 16);

/** True when every label is 0 (compared natively, 64 KiB at a time). */
function allBackground(labels: Uint8Array): boolean {
  const b = Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength);
  for (let at = 0; at < b.length; at += ZEROS.length) {
    const end = Math.min(b.length, at + ZEROS.length);
    if (b.compare(ZEROS, 0, end - at, at, end) !== 0) return false;
  }
  return true;
}

function checkLabelsDefined(target: EditTarget, counts: Float64Array): void {
  for (let v = 1; v < 256; v++) {
    if (counts[v]! > 0 && !target.labels.has(v)) {
      throw new InputError(undefined, `label ${v} is not defined in this project (add it first)`);
    }
  }
}

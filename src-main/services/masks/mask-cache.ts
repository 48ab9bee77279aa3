// The head masks of recently edited annotations, kept decoded in memory so that a stroke costs one patch
// and the stored delta of that patch, not a decode of the stored head nor an encode of the whole mask. Least
// recently used entries go first once the total exceeds the byte budget (a 512x512x300 mask is 75 MiB).
import type { Vec3 } from '../../core/geometry/affine';

export interface CachedMask {
  annotationId: number;
  /** The revision these labels are; null for an annotation without revisions (all background). */
  revisionId: number | null;
  dims: Vec3;
  /** Labels, i fastest (i + j*nx + k*nx*ny). */
  labels: Uint8Array;
  /** Voxel count of each label value 0..255 in `labels` (a delta commit updates them by its box alone). */
  counts: Float64Array;
  /** Where the head's chain stands (mask-store.ts: when the next commit must write a snapshot). */
  chain: HeadChain;
  /** True while a commit has patched `labels` but not yet recorded them: readers must not use them. */
  pending?: boolean;
  /**
   * True when the store allocated `labels` itself (not a caller's array): only then may a save move their
   * buffer to a codec worker and back.
   */
  owned?: boolean;
}

/** The head revision's place in its chain of deltas (db/repositories/revisions.ts: StoredRevision). */
export interface HeadChain {
  /** Deltas after the nearest snapshot, the head's own included (0: the head is a snapshot or there is none). */
  depth: number;
  /** Their blobs' bytes. */
  bytes: number;
  /** Bytes of the snapshot the chain starts from (0 when there is no revision yet). */
  snapshotBytes: number;
}

export const DEFAULT_MASK_CACHE_BYTES = 512 * 2 ** 20;

export class MaskCache {
  private readonly entries = new Map<number, CachedMask>();
  /** Bytes counted for each entry when it was added (its labels may be away in a codec worker later). */
  private readonly sizes = new Map<number, number>();
  private total = 0;

  constructor(readonly maxBytes = DEFAULT_MASK_CACHE_BYTES) {}

  get bytes(): number {
    return this.total;
  }

  /** The entry, marked most recently used. */
  get(annotationId: number): CachedMask | undefined {
    const e = this.entries.get(annotationId);
    if (e) {
      this.entries.delete(annotationId);
      this.entries.set(annotationId, e);
    }
    return e;
  }

  set(entry: CachedMask): void {
    this.delete(entry.annotationId);
    this.entries.set(entry.annotationId, entry);
    this.sizes.set(entry.annotationId, entry.labels.byteLength);
    this.total += entry.labels.byteLength;
    // Evict the oldest, but never the entry just added (a mask bigger than the budget is used, then dropped).
    for (const [id, e] of this.entries) {
      if (this.total <= this.maxBytes || id === entry.annotationId) break;
      this.delete(e.annotationId);
    }
  }

  delete(annotationId: number): void {
    const e = this.entries.get(annotationId);
    if (!e) return;
    this.entries.delete(annotationId);
    this.total -= this.sizes.get(annotationId) ?? 0;
    this.sizes.delete(annotationId);
  }

  has(annotationId: number): boolean {
    return this.entries.has(annotationId);
  }
}

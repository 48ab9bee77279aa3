// Messages between the mask codec pool (mask-codec-pool.ts) and its workers (mask-codec-worker.ts).
// Labels travel in SharedArrayBuffers where the caller has them there, are moved (transferred and handed
// back) where the caller owns them (the mask store's cached heads), and are copied otherwise; stored bytes
// and counts are transferred.
import type { Vec3 } from '../core/geometry/affine';
import type { Box } from '../core/labelling/patch';

export type CodecRequest =
  /** `transferred`: the labels' buffer was moved to the worker, which must hand it back. */
  | { id: number; op: 'encode'; labels: Uint8Array; dims: Vec3; transferred: boolean }
  /** A snapshot, then the deltas after it, oldest first (workspace/mask-codec-delta.ts). */
  | { id: number; op: 'decode'; bytes: Uint8Array; deltas: Uint8Array[]; dims: Vec3 }
  /** One patch as a delta (copied to the worker). */
  | { id: number; op: 'encodeDelta'; box: Box; data: Uint8Array; dims: Vec3 };

export type CodecResponse =
  /** `labels`: the request's labels handed back when they were transferred (null when shared or copied). */
  | { id: number; op: 'encode'; bytes: Uint8Array; counts: Float64Array; labels: Uint8Array | null }
  /** Labels in a SharedArrayBuffer allocated by the worker (not copied on the way back). */
  | { id: number; op: 'decode'; labels: Uint8Array }
  | { id: number; op: 'encodeDelta'; bytes: Uint8Array }
  | { id: number; op: 'failed'; error: { name: string; message: string }; labels: Uint8Array | null };

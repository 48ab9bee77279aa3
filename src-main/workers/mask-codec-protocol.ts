// Messages between the mask codec pool (mask-codec-pool.ts) and its workers (mask-codec-worker.ts).
// Labels travel in SharedArrayBuffers where the caller has them there, are moved (transferred and handed
// back) where the caller owns them (the mask store's cached heads), and are copied otherwise; stored bytes
// and counts are transferred.
import type { Vec3 } from '../core/geometry/affine';

export type CodecRequest =
  /** `transferred`: the labels' buffer was moved to the worker, which must hand it back. */
  | { id: number; op: 'encode'; labels: Uint8Array; dims: Vec3; transferred: boolean }
  | { id: number; op: 'decode'; bytes: Uint8Array; dims: Vec3 };

export type CodecResponse =
  /** `labels`: the request's labels handed back when they were transferred (null when shared or copied). */
  | { id: number; op: 'encode'; bytes: Uint8Array; counts: Float64Array; labels: Uint8Array | null }
  /** Labels in a SharedArrayBuffer allocated by the worker (not copied on the way back). */
  | { id: number; op: 'decode'; labels: Uint8Array }
  | { id: number; op: 'failed'; error: { name: string; message: string }; labels: Uint8Array | null };

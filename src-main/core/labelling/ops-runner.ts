// Where the mask editor's heavy operations (heavy-ops.ts) run: the interface the editor calls, and the
// runner that computes them on the calling thread (tests, the CLI, hosts without workers). The renderer's
// Web Worker runner (src-renderer/src/viewer/editing/workerOpsRunner.ts) implements the same interface.
import type { Vec3 } from '../geometry/affine';
import type { VoxelArray } from '../volume/types';
import { computeHeavyOp } from './heavy-ops';
import type { HeavyOp, HeavyOpResult } from './heavy-ops';

export interface OpsRunner {
  /** Runs `op` on a copy of `mask`; rejects with an Error whose name is 'AbortError' when cancelled. */
  run(op: HeavyOp, mask: Uint8Array, dims: Vec3, voxels: VoxelArray): Promise<HeavyOpResult>;
  /** Stops the operation in progress, if any. */
  cancel(): void;
  dispose(): void;
}

/** The error a cancelled operation rejects with (name 'AbortError', which the editor does not report). */
export function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

/** Runs each operation on the calling thread, on the mask itself (nothing to cancel). */
export const inlineOpsRunner: OpsRunner = {
  run: (op, mask, dims, voxels) => Promise.resolve().then(() => computeHeavyOp(op, mask, dims, voxels)),
  cancel: () => undefined,
  dispose: () => undefined,
};

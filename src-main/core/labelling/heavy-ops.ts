// The voxel computations of the labelling operations that can take seconds on a 512x512x300 volume (3D
// region growing, fill between slices, keep largest / remove islands / fill holes in 3D), as plain
// requests and results: the same pure tools (src-main/core/labelling) the editor calls in-thread, run on a
// copy of the mask, so that a Web Worker (the renderer's viewer/editing/opsWorker.ts) can run them off the
// UI thread. The result is the list of voxels to change (indices i + j*nx + k*nx*ny); the editor applies it
// on the UI thread through its change recorder, so the voxels and the undo step are exactly those of the
// in-thread path.
import type { Vec3 } from '../geometry/affine';
import type { AxisIndex } from '../geometry/display';
import { outsideLargestComponent, smallIslands } from './components';
import type { Scope } from './connected';
import { holeVoxels } from './holes';
import { interpolateSlices } from './interpolate';
import { regionGrow } from './region-grow';
import type { Rescale, VoxelArray } from '../volume/types';

export type HeavyOp =
  | { kind: 'interpolate'; label: number; axis: AxisIndex; spacing: Vec3 }
  | { kind: 'largest'; label: number; scope: Scope }
  | { kind: 'islands'; label: number; scope: Scope; minVoxels: number }
  | { kind: 'holes'; label: number; scope: Scope }
  | {
      kind: 'grow';
      label: number;
      seed: Vec3;
      tolerance: number;
      mode: '2d' | '3d';
      normalAxis: AxisIndex;
      maxVoxels: number;
      /** Other labels are walls (the mask's voxels must be 0 or `label`). */
      protect: boolean;
      rescale: Rescale;
    };

export interface HeavyOpResult {
  /** Voxels to set to the label (or to erase, for 'largest' and 'islands'), ascending or in growth order. */
  indices: Int32Array;
  /** Region growing stopped at its voxel limit. */
  truncated: boolean;
}

/** Runs one operation on `mask` (labels, i fastest); `voxels` (stored values) only for region growing. */
export function computeHeavyOp(
  op: HeavyOp,
  mask: Uint8Array,
  dims: Vec3,
  voxels: VoxelArray | null,
): HeavyOpResult {
  switch (op.kind) {
    case 'interpolate':
      return { indices: interpolateSlices(mask, dims, op.spacing, op.label, op.axis), truncated: false };
    case 'largest':
      return { indices: outsideLargestComponent(mask, dims, op.label, op.scope), truncated: false };
    case 'islands':
      return { indices: smallIslands(mask, dims, op.label, op.scope, op.minVoxels), truncated: false };
    case 'holes':
      return { indices: holeVoxels(mask, dims, op.label, op.scope), truncated: false };
    case 'grow': {
      if (!voxels) throw new Error('region growing needs the volume');
      const label = op.label;
      const r = regionGrow(voxels, dims, op.rescale, {
        seed: op.seed,
        tolerance: op.tolerance,
        mode: op.mode,
        normalAxis: op.normalAxis,
        maxVoxels: op.maxVoxels,
        admit: op.protect ? (idx) => mask[idx] === 0 || mask[idx] === label : undefined,
      });
      return { indices: r.indices, truncated: r.truncated };
    }
  }
}

// ---- the worker's messages ----

export type OpsRequest =
  /** The volume's stored values, sent once per worker (region growing reads them). */
  | { type: 'volume'; voxels: VoxelArray }
  | { type: 'run'; id: number; op: HeavyOp; mask: Uint8Array; dims: Vec3 };

export type OpsResponse =
  { type: 'done'; id: number; result: HeavyOpResult } | { type: 'failed'; id: number; message: string };

/** The worker's state: the volume it was sent. */
export interface OpsWorkerState {
  voxels: VoxelArray | null;
}

/**
 * Handles one message in the worker (opsWorker.ts wires it to `self`); returns the answer to post and the
 * buffers to transfer with it, or null for messages that need none.
 */
export function handleOpsMessage(
  state: OpsWorkerState,
  msg: OpsRequest,
): { response: OpsResponse; transfer: ArrayBuffer[] } | null {
  if (msg.type === 'volume') {
    state.voxels = msg.voxels;
    return null;
  }
  try {
    const result = computeHeavyOp(msg.op, msg.mask, msg.dims, state.voxels);
    return {
      response: { type: 'done', id: msg.id, result },
      transfer: [result.indices.buffer as ArrayBuffer],
    };
  } catch (e) {
    return { response: { type: 'failed', id: msg.id, message: (e as Error).message }, transfer: [] };
  }
}

// Runs the mask editor's heavy labelling operations (src-main/core/labelling/heavy-ops.ts) off the UI
// thread, in one Web Worker per editor.
//  - The volume's values go to the worker once (copied: the renderer keeps its own for drawing), on the
//    first region growing; the mask is copied for each operation (the views keep drawing the original).
//  - Cancel terminates the worker (the tools have no checkpoints to stop at); the next operation starts a
//    fresh one. dispose() terminates it for good.
// Where Workers do not exist, core's `inlineOpsRunner` (ops-runner.ts) runs the same code on the calling
// thread; a test passes a port that goes through handleOpsMessage with structured clones, as the worker does.
import type { Vec3 } from '@core/geometry/affine';
import type { VoxelArray } from '@core/volume/types';
import type { HeavyOp, HeavyOpResult, OpsRequest, OpsResponse } from '@core/labelling/heavy-ops';
import type { OpsRunner } from '@core/labelling/ops-runner';
import { abortError, inlineOpsRunner } from '@core/labelling/ops-runner';

/** Something that speaks the worker's protocol: a real Worker, or a stand-in in tests. */
export interface OpsPort {
  postMessage(message: OpsRequest, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<OpsResponse>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  terminate(): void;
}

export class WorkerOpsRunner implements OpsRunner {
  private port: OpsPort | null = null;
  private sentVolume: VoxelArray | null = null;
  private nextId = 1;
  private pending: { id: number; resolve(r: HeavyOpResult): void; reject(e: Error): void } | null = null;

  constructor(private readonly createPort: () => OpsPort) {}

  private ensurePort(): OpsPort {
    if (this.port) return this.port;
    const port = this.createPort();
    port.onmessage = (e) => {
      const p = this.pending;
      if (!p || e.data.id !== p.id) return;
      this.pending = null;
      if (e.data.type === 'done') p.resolve(e.data.result);
      else p.reject(new Error(e.data.message));
    };
    port.onerror = (e) => {
      const p = this.pending;
      this.pending = null;
      this.drop();
      p?.reject(new Error(`the labelling worker failed: ${e.message}`));
    };
    this.port = port;
    this.sentVolume = null;
    return port;
  }

  run(op: HeavyOp, mask: Uint8Array, dims: Vec3, voxels: VoxelArray): Promise<HeavyOpResult> {
    if (this.pending) return Promise.reject(new Error('another operation is running'));
    const port = this.ensurePort();
    if (op.kind === 'grow' && this.sentVolume !== voxels) {
      port.postMessage({ type: 'volume', voxels }, []);
      this.sentVolume = voxels;
    }
    const copy = mask.slice();
    const id = this.nextId++;
    return new Promise<HeavyOpResult>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      port.postMessage({ type: 'run', id, op, mask: copy, dims }, [copy.buffer]);
    });
  }

  cancel(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.drop();
    p.reject(abortError());
  }

  private drop(): void {
    this.port?.terminate();
    this.port = null;
    this.sentVolume = null;
  }

  dispose(): void {
    this.cancel();
    this.drop();
  }
}

/** A runner on a Vite-bundled module worker, or the inline runner where Workers do not exist (Node tests). */
export function createOpsRunner(): OpsRunner {
  if (typeof Worker === 'undefined') return inlineOpsRunner;
  return new WorkerOpsRunner(
    () => new Worker(new URL('./opsWorker.ts', import.meta.url), { type: 'module' }) as unknown as OpsPort,
  );
}

// Progress and cancellation for long pure computations (metrics, merges). The core is synchronous; it calls
// `checkpoint` between chunks of work (a slice, a block of voxels, an EM iteration). A worker wires
// `onProgress` to messages and `isCancelled` to a flag the owner sets in shared memory, so a cancel stops the
// work at the next checkpoint with CancelledError and nothing half-done is returned.
import { CancelledError } from '../errors';

export interface ComputeControl {
  /** Fraction 0..1 of the whole computation, and a short name of the stage it is in. */
  onProgress?: (fraction: number, stage: string) => void;
  /** Polled at every checkpoint; true stops the computation with CancelledError. */
  isCancelled?: () => boolean;
}

/** Throws CancelledError when cancelled, otherwise reports progress. */
export function checkpoint(control: ComputeControl | undefined, fraction: number, stage: string): void {
  if (!control) return;
  if (control.isCancelled?.()) throw new CancelledError(stage);
  control.onProgress?.(Math.min(1, Math.max(0, fraction)), stage);
}

/** A control for a sub-range [from, to] of the parent's progress (stages keep their own names). */
export function subControl(
  control: ComputeControl | undefined,
  from: number,
  to: number,
): ComputeControl | undefined {
  if (!control) return undefined;
  return {
    onProgress: control.onProgress
      ? (f, stage) => control.onProgress!(from + (to - from) * f, stage)
      : undefined,
    isCancelled: control.isCancelled,
  };
}

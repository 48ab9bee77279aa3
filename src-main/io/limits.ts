// Checks made before allocating voxel memory, so that a hostile or corrupt header ("65535^3 float64")
// fails with a clear message instead of an out-of-memory crash.
import os from 'node:os';
import { InputError } from '../core/errors';

/** Largest single typed-array buffer we create (V8 caps ArrayBuffers near 2^32 bytes on Node 20; stay below). */
export const MAX_BUFFER_BYTES = 2 ** 32 - 1;

/** Share of the currently available memory a single allocation may take. */
const FREE_MEMORY_SHARE = 0.8;

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${n} bytes`;
}

/**
 * Throws InputError naming `file` when `bytes` cannot sensibly be allocated on this machine
 * (not a finite non-negative integer, over the buffer limit, or over 80% of available memory).
 */
export function assertAllocatable(bytes: number, file: string | undefined, what = 'the voxel data'): void {
  if (!Number.isFinite(bytes) || bytes < 0 || !Number.isSafeInteger(bytes)) {
    throw new InputError(file, `invalid size for ${what}`);
  }
  if (bytes > MAX_BUFFER_BYTES) {
    throw new InputError(
      file,
      `${what} would need ${formatBytes(bytes)}, more than one buffer can hold (4 GiB)`,
    );
  }
  const available = os.freemem() * FREE_MEMORY_SHARE;
  if (bytes > available) {
    throw new InputError(
      file,
      `${what} would need ${formatBytes(bytes)}, more than this machine has free (${formatBytes(os.freemem())})`,
    );
  }
}

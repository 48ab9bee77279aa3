// Checks made before allocating voxel memory or decompressing voxel data, so that a hostile or corrupt
// header ("65535^3 float64", a 389 KB PNG claiming 20000x20000 pixels, a gzip bomb) fails with a clear
// message instead of an out-of-memory crash:
//  - the voxel-count limit (configurable: --max-voxels on the CLI, CONCORD_MAX_VOXELS in the environment),
//    checked from the header alone by every reader;
//  - assertAllocatable: one buffer's byte size against V8's buffer limit and the memory this machine has free.
import os from 'node:os';
import { InputError } from '../core/errors';
import { ReadResourceError } from './resource-failure';

/** Largest single typed-array buffer we create (V8 caps ArrayBuffers near 2^32 bytes on Node 20; stay below). */
export const MAX_BUFFER_BYTES = 2 ** 32 - 1;

/**
 * Largest image read by default, in voxels (all frames counted): 2^28 = 268,435,456, a 512x512x1024 CT.
 * Why this size: it holds every clinical CT and MR series (a 512x512 CT of 1024 slices; the test data's largest
 * are 512x512x~300), and such a volume is 512 MiB as int16, 1 GiB as float32 and 2 GiB as float64, so it fits
 * in one buffer (4 GiB) whatever its type and leaves room on a 16 GiB workstation for what the app keeps beside
 * it (a 1-byte mask per annotator, distance maps in float32, the viewer's copy). At 2^30 (1024^3) a float32
 * volume would already exceed one buffer, and the hostile cases of the hardening review (a 20000x20000 PNG of
 * 389 KB, a 1 GiB NIfTI gzip bomb) would be read. Bigger images (micro-CT, thin-slice whole-body CT) are read
 * by raising the limit.
 */
export const DEFAULT_MAX_VOXELS = 2 ** 28;

/** Environment variable that overrides the default voxel limit (read only by maxVoxelsOf). */
export const MAX_VOXELS_ENV = 'CONCORD_MAX_VOXELS';

/** Share of the currently available memory a single allocation may take. */
const FREE_MEMORY_SHARE = 0.8;

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${n} bytes`;
}

/**
 * A voxel count written as a whole number ("268435456") or as a product of sizes ("512x512x1024"); undefined
 * when the text is neither or the count is not a positive safe integer.
 */
export function parseVoxelCount(text: string): number | undefined {
  const parts = text.trim().toLowerCase().split('x');
  if (parts.some((p) => !/^\d+$/.test(p))) return undefined;
  const n = parts.reduce((a, p) => a * Number(p), 1);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The limit given as `what` (an option or the environment variable); InputError when it is not a count. */
export function voxelLimitFrom(text: string, what: string): number {
  const n = parseVoxelCount(text);
  if (n === undefined) {
    throw new InputError(
      undefined,
      `${what} is '${text}': expected a positive number of voxels (e.g. 268435456) or sizes (e.g. 512x512x1024)`,
    );
  }
  return n;
}

/**
 * The voxel limit in force: the caller's (the CLI's --max-voxels), else CONCORD_MAX_VOXELS, else
 * DEFAULT_MAX_VOXELS. The only place the environment variable is read.
 */
export function maxVoxelsOf(opts: { maxVoxels?: number | undefined } = {}): number {
  if (opts.maxVoxels !== undefined) return opts.maxVoxels;
  const env = process.env[MAX_VOXELS_ENV];
  if (env !== undefined && env.trim() !== '') return voxelLimitFrom(env, MAX_VOXELS_ENV);
  return DEFAULT_MAX_VOXELS;
}

function countText(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : n.toExponential(2);
}

/**
 * Why an image of `dims` (sizes along i, j, k and, for 4D, the frames) cannot be read under the voxel limit, or
 * undefined when it can. The text names the sizes, the voxel count, the limit and how to raise it.
 */
export function voxelLimitProblem(dims: readonly number[], limit: number): string | undefined {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count <= limit) return undefined;
  const n = countText(count);
  return (
    `${dims.join('x')} = ${n} voxels, more than the limit of ${limit} voxels; ` +
    `to read it, raise the limit (--max-voxels ${n} or ${MAX_VOXELS_ENV}=${n})`
  );
}

/** Why `dims` describe no image (a size that is not a whole number >= 1), or undefined when they do. */
export function emptyImageProblem(dims: readonly number[]): string | undefined {
  if (dims.every((n) => Number.isInteger(n) && n >= 1)) return undefined;
  return `${dims.join('x')} holds no voxel: an image needs at least one voxel along each axis`;
}

/** Throws InputError naming `file` when an image of `dims` is over the voxel limit. */
export function assertVoxelLimit(file: string | undefined, dims: readonly number[], limit: number): void {
  const problem = voxelLimitProblem(dims, limit);
  if (problem) throw new InputError(file, problem);
}

/**
 * Throws when `bytes` cannot sensibly be allocated: InputError naming `file` when it is not a finite
 * non-negative integer or over the buffer limit (no machine reads it as one buffer), ResourceError when it is
 * over 80% of the memory this machine has free (a machine with more free memory can).
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
    throw new ReadResourceError(
      file,
      `${what} would need ${formatBytes(bytes)}, more than this machine has free (${formatBytes(os.freemem())}): ` +
        'close other programs or use a machine with more memory',
    );
  }
}

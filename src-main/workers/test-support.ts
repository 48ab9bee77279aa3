// For tests of the worker threads and of what uses them: the mask codec worker bundled with esbuild (as the
// build bundles it) into a temporary folder, and a seeded test mask.
import path from 'node:path';
import { build } from 'esbuild';
import type { Vec3 } from '../core/geometry/affine';
import { tempDir } from '../test-support/tmp';

/** Bundles mask-codec-worker.ts; answers the bundle's path. */
export async function bundleMaskCodecWorker(): Promise<string> {
  const workerFile = path.join(tempDir('concord-codec-worker-'), 'mask-codec-worker.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'mask-codec-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: workerFile,
    logLevel: 'silent',
  });
  return workerFile;
}

/** A mask with a ball of label 1, a slab of label 2 and speckle of label 3 (seeded). */
export function testMask(dims: Vec3, seed: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const m = new Uint8Array(nx * ny * nz);
  let x = seed;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const at = i + j * nx + k * nx * ny;
        if ((i - 40) ** 2 + (j - 50) ** 2 + (k - 30) ** 2 < 400) m[at] = 1;
        else if (k === 5) m[at] = 2;
        x = (x * 1103515245 + 12345) >>> 0;
        if (x % 97 === 0) m[at] = 3;
      }
  return m;
}

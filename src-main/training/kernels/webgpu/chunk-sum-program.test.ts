// The chunk sum against the same sums in float64 on the CPU: several lanes' rows a column, a column range
// that ends inside a workgroup's 16 columns, an offset, the output in the caller's shape, and more column
// groups than one dispatch row holds (the limit lowered from 65,535 to 2, so the 2D layout is used with few
// columns). SwiftShader where no GPU is at hand.
import { expect, test } from 'vitest';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../backends/tfjs';
import { selectBackend } from '../../backends/select-backend';
import { seededArray } from '../test-support';
import { sumChunks, type ChunkSumBackend } from './chunk-sum-program';
import { testAdapter } from './test-adapter';

const adapter = await testAdapter();

async function chunkSum(
  chunks: number,
  columns: number,
  offset: number,
  shape: number[],
  maxX?: number,
): Promise<void> {
  await selectBackend('webgpu', { allowSoftwareGpu: true });
  const values = seededArray(chunks * columns, chunks + columns);
  const partial = tf.tensor2d(values, [chunks, columns]);
  const backend = tf.backend() as unknown as ChunkSumBackend;
  const info = sumChunks(backend, partial as unknown as TensorInfo, offset, shape, maxX);
  const got = tf.engine().makeTensorFromTensorInfo(info);
  expect(got.shape).toEqual(shape);
  const sums = (await got.data()) as Float32Array;
  for (let c = 0; c < got.size; c++) {
    let want = 0;
    for (let p = 0; p < chunks; p++) want += values[p * columns + offset + c]!;
    expect(Math.abs(sums[c]! - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
  }
  tf.dispose([partial, got]);
}

test.skipIf(!adapter.ok)(
  `chunk sums of a range of columns, in the caller's shape (${adapter.needs})`,
  async () => {
    // 37 rows: every lane adds two or three; columns 7..39 end 1 column into a third workgroup.
    await chunkSum(37, 50, 7, [3, 11]);
    await chunkSum(37, 50, 40, [10]);
    await chunkSum(1, 5, 0, [5]);
  },
);

test.skipIf(!adapter.ok)(`more column groups than one dispatch row (${adapter.needs})`, async () => {
  // 9 groups of 16 columns in rows of 2 workgroups: 5 rows, the last with one group and one spare.
  await chunkSum(21, 140, 0, [140], 2);
  await chunkSum(3, 100, 4, [2, 48], 2);
});

test.skipIf(!adapter.ok)(`columns past the end are refused (${adapter.needs})`, async () => {
  await selectBackend('webgpu', { allowSoftwareGpu: true });
  const partial = tf.zeros([2, 4]);
  const backend = tf.backend() as unknown as ChunkSumBackend;
  expect(() => sumChunks(backend, partial as unknown as TensorInfo, 2, [3])).toThrow(/columns 2\.\.5 of 4/);
  partial.dispose();
});

// The size of a DICOM series, decided from its headers before any pixel is read: over the voxel limit
// (--max-voxels, CONCORD_MAX_VOXELS) a series is listed as skipped with its sizes, count and limit, and
// readDicomSeries refuses it again under a lower limit.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { readDicom, readDicomSeries } from './read';
import { scanDicom } from './scan';
import { buildSlice } from './test-support/build-dicom';
import { makeTempDir, removeTempDir } from './test-support/paths';

const root = makeTempDir();
afterAll(() => removeTempDir(root));
afterEach(() => vi.restoreAllMocks());
let folders = 0;

/** A folder of `n` 4-row x 3-column slices 1 mm apart (series number 7, named after the folder). */
function stack(n: number): string {
  const dir = path.join(root, `case${folders++}`);
  fs.mkdirSync(dir);
  for (let z = 0; z < n; z++) {
    const values = Array.from({ length: 12 }, (_, p) => z * 10 + p);
    const slice = { rows: 4, columns: 3, values, ipp: [0, 0, z] as [number, number, number] };
    fs.writeFileSync(
      path.join(dir, `im${z}.dcm`),
      buildSlice({ ...slice, iop: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1], instanceNumber: z + 1 }),
    );
  }
  return dir;
}

describe('the voxel limit', () => {
  it('a series over it is listed with its sizes, count and limit, and no pixel of it is read', async () => {
    const dir = stack(3);
    const readFile = vi.spyOn(fs.promises, 'readFile');
    const r = await readDicom([dir], { maxVoxels: 35 });
    expect(r.volumes).toEqual([]);
    expect(r.skipped).toEqual([
      `series "${path.basename(dir)}" #7 in ${dir}: 3x4x3 = 36 voxels, more than the limit of 35 voxels; ` +
        'to read it, raise the limit (--max-voxels 36 or CONCORD_MAX_VOXELS=36)',
    ]);
    expect(readFile).not.toHaveBeenCalled();
    // At the limit it is read; a series scanned under a higher limit is still refused by a lower one.
    expect((await readDicom([dir], { maxVoxels: 36 })).volumes[0]!.geometry.dims).toEqual([3, 4, 3]);
    const s = (await scanDicom([dir], { maxVoxels: 36 })).series[0]!;
    await expect(readDicomSeries(s, { maxVoxels: 35 })).rejects.toThrow(
      /36 voxels, more than the limit of 35/,
    );
  });
});

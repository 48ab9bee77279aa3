// The size of a DICOM series, decided from its headers before any pixel is read: over the voxel limit
// (--max-voxels, CONCORD_MAX_VOXELS) a series is listed as skipped with its sizes, count and limit, and
// readDicomSeries refuses it again under a lower limit; a file with Rows or Columns 0 is skipped saying so.
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
    const open = vi.spyOn(fs.promises, 'open');
    const r = await readDicom([dir], { maxVoxels: 35 });
    expect(r.volumes).toEqual([]);
    expect(r.skipped).toEqual([
      `series "${path.basename(dir)}" #7 in ${dir}: 3x4x3 = 36 voxels, more than the limit of 35 voxels; ` +
        'to read it, raise the limit (--max-voxels 36 or CONCORD_MAX_VOXELS=36)',
    ]);
    expect(open).toHaveBeenCalledTimes(3); // each file's header, at scan; no pixel read
    // At the limit it is read (scan, then the pixels); a series scanned under a higher limit is still refused
    // by a lower one.
    open.mockClear();
    expect((await readDicom([dir], { maxVoxels: 36 })).volumes[0]!.geometry.dims).toEqual([3, 4, 3]);
    expect(open).toHaveBeenCalledTimes(6);
    const s = (await scanDicom([dir], { maxVoxels: 36 })).series[0]!;
    await expect(readDicomSeries(s, { maxVoxels: 35 })).rejects.toThrow(
      /36 voxels, more than the limit of 35/,
    );
  });
});

describe('zero sizes', () => {
  it('Rows = 0 or Columns = 0 is skipped at scan with the reason; nothing is read', async () => {
    const dir = path.join(root, `case${folders++}`);
    fs.mkdirSync(dir);
    const zero = (name: string, rows: number, columns: number) =>
      fs.writeFileSync(
        path.join(dir, name),
        buildSlice({ rows, columns, values: [], ipp: [0, 0, 0], iop: [1, 0, 0, 0, 1, 0] }),
      );
    zero('rows0.dcm', 0, 64);
    zero('cols0.dcm', 64, 0);
    zero('both0.dcm', 0, 0);
    const r = await readDicom([dir]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped.sort()).toEqual([
      `${path.join(dir, 'both0.dcm')}: Rows and Columns are 0: an image needs at least one row and one column`,
      `${path.join(dir, 'cols0.dcm')}: Columns is 0: an image needs at least one row and one column`,
      `${path.join(dir, 'rows0.dcm')}: Rows is 0: an image needs at least one row and one column`,
    ]);
  });

  it('a series whose grid has a zero size is refused before anything is allocated', async () => {
    const s = (await scanDicom([stack(2)])).series[0]!;
    await expect(readDicomSeries({ ...s, dims: [3, 0, 2] })).rejects.toThrow(
      /3x0x2 holds no voxel: an image needs at least one voxel along each axis/,
    );
  });
});

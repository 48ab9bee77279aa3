// Small masks written as text (for readable tool tests and debugging): one string array per slice k, one string per row j
// (top = j 0), one character per voxel i ('.' = 0, '1'..'9' = that label). Index layout: i + j*nx + k*nx*ny.
import type { Vec3 } from '../geometry/affine';

export function parseMask(slices: string[][]): { mask: Uint8Array; dims: Vec3 } {
  const nz = slices.length;
  const ny = slices[0]!.length;
  const nx = slices[0]![0]!.length;
  const mask = new Uint8Array(nx * ny * nz);
  slices.forEach((rows, k) => {
    if (rows.length !== ny) throw new Error(`slice ${k} has ${rows.length} rows, not ${ny}`);
    rows.forEach((row, j) => {
      if (row.length !== nx) throw new Error(`slice ${k} row ${j} has ${row.length} voxels, not ${nx}`);
      for (let i = 0; i < nx; i++) mask[i + j * nx + k * nx * ny] = row[i] === '.' ? 0 : Number(row[i]);
    });
  });
  return { mask, dims: [nx, ny, nz] };
}

export function printMask(mask: Uint8Array, dims: Vec3): string[][] {
  const [nx, ny, nz] = dims;
  const out: string[][] = [];
  for (let k = 0; k < nz; k++) {
    const rows: string[] = [];
    for (let j = 0; j < ny; j++) {
      let row = '';
      for (let i = 0; i < nx; i++) {
        const v = mask[i + j * nx + k * nx * ny]!;
        row += v === 0 ? '.' : String(v);
      }
      rows.push(row);
    }
    out.push(rows);
  }
  return out;
}

// A small synthetic CT project for the training end-to-end test, imported with `concord import --manifest`
// before the host starts (as a user would import a labelled data set). Each case is a 32x32x6 int16 volume
// (stored value - 1024 = HU; -800 HU background) with a bright disc (+40 HU) on slices k = 1..4; three
// annotators drew the disc with radius r-1, r and r+1, so their majority vote is the radius-r disc. The
// last `unlabelled` cases have no masks (for the AI draft and the uncertainty order). Mirrors
// src-main/services/test-support/training.ts, written as NIfTI-1 files so it goes through the real import.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './hosts';

export const DIMS = [32, 32, 6] as const;
const SPACING = [0.7, 0.7, 2.5] as const;
export const ANNOTATORS = ['Ann', 'Bob', 'Cem'] as const;

/** Disc geometry of case c: radius, centre (i, j) in voxels. */
export function discOf(c: number): { r: number; ci: number; cj: number } {
  return { r: 4 + (c % 4), ci: 12 + (c % 3) * 3, cj: 14 + (c % 2) * 4 };
}

/** A NIfTI-1 single file (.nii): 348-byte header, 4 bytes of (no) extension, the voxels i fastest. The
 *  sform is diagonal (spacing in mm, origin 0), so voxel axes are the scanner's RAS axes. */
export function niftiBytes(data: Int16Array | Uint8Array, slope: number, intercept: number): Buffer {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  h.writeInt16LE(3, 40);
  DIMS.forEach((d, i) => h.writeInt16LE(d, 42 + 2 * i));
  for (let i = 3; i < 7; i++) h.writeInt16LE(1, 42 + 2 * i);
  const int16 = data instanceof Int16Array;
  h.writeInt16LE(int16 ? 4 : 2, 70); // datatype: DT_INT16 or DT_UINT8
  h.writeInt16LE(int16 ? 16 : 8, 72); // bitpix
  h.writeFloatLE(1, 76); // qfac
  SPACING.forEach((s, i) => h.writeFloatLE(s, 80 + 4 * i));
  h.writeFloatLE(352, 108); // vox_offset
  h.writeFloatLE(slope, 112);
  h.writeFloatLE(intercept, 116);
  h.writeUInt8(10, 123); // xyzt_units: mm, s
  h.writeInt16LE(1, 254); // sform_code: scanner
  const rows = [
    [SPACING[0], 0, 0, 0],
    [0, SPACING[1], 0, 0],
    [0, 0, SPACING[2], 0],
  ];
  rows.forEach((row, r) => row.forEach((v, c) => h.writeFloatLE(v, 280 + 16 * r + 4 * c)));
  h.write('n+1\0', 344, 'latin1');
  return Buffer.concat([h, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

function disc<T extends Int16Array | Uint8Array>(out: T, r: number, ci: number, cj: number, fill: number): T {
  const [nx, ny] = DIMS;
  for (let k = 1; k <= 4; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if ((i - ci) ** 2 + (j - cj) ** 2 <= r * r) out[i + j * nx + k * nx * ny] = fill;
  return out;
}

/** Writes the files and imports them into `workspace` as project `name`; case names C0..C{n-1}. */
export function importSyntheticProject(
  workspace: string,
  dir: string,
  name: string,
  labelled: number,
  unlabelled: number,
): void {
  const n = DIMS[0] * DIMS[1] * DIMS[2];
  const manifest: { case: string; image: string; masks: Record<string, string> }[] = [];
  for (let c = 0; c < labelled + unlabelled; c++) {
    const { r, ci, cj } = discOf(c);
    const image = disc(new Int16Array(n).fill(-800 + 1024), r, ci, cj, 40 + 1024);
    fs.writeFileSync(path.join(dir, `C${c}.nii`), niftiBytes(image, 1, -1024));
    const masks: Record<string, string> = {};
    if (c < labelled)
      ANNOTATORS.forEach((a, i) => {
        fs.writeFileSync(
          path.join(dir, `C${c}-${a}.nii`),
          niftiBytes(disc(new Uint8Array(n), r - 1 + i, ci, cj, 1), 1, 0),
        );
        masks[a] = `C${c}-${a}.nii`;
      });
    manifest.push({ case: `C${c}`, image: `C${c}.nii`, masks });
  }
  const file = path.join(dir, 'datalist.json');
  fs.writeFileSync(file, JSON.stringify(manifest));
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'out/main/cli.js'),
      'import',
      '--manifest',
      file,
      '--workspace',
      workspace,
      '--project',
      name,
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

// Reads raters' masks for `compare` and `consensus`: one image per path (NIfTI, PNG, or a DICOM folder),
// each a label image with integer values 0..255 (kept as Uint8Array, index i + j*nx + k*nx*ny), all on the
// first mask's grid: the same dims and voxel centres within 1e-3 mm (core/metrics/grid.ts sameGrid).
// Anything else is the user's input error (exit 2), naming the file.
import { InputError } from '../../core/errors';
import { gridOf, sameGrid, type MaskGrid } from '../../core/metrics/grid';
import type { ImageVolume } from '../../core/volume/types';
import { readVolumes } from '../../io/read-volumes';
import { progressLine } from './output';

export interface RaterMaskFiles {
  files: string[];
  masks: Uint8Array[];
  grid: MaskGrid;
  /** The first mask's volume (its geometry is the grid outputs are written on). */
  reference: ImageVolume;
}

function asLabels(v: ImageVolume, file: string): Uint8Array {
  if (v.frames !== 1) throw new InputError(file, `a mask must be 3D (this image has ${v.frames} frames)`);
  if (v.rescale.slope !== 1 || v.rescale.intercept !== 0) {
    throw new InputError(
      file,
      `a mask must store its labels unscaled (slope ${v.rescale.slope}, intercept ${v.rescale.intercept})`,
    );
  }
  if (v.data instanceof Uint8Array) return v.data;
  const out = new Uint8Array(v.data.length);
  for (let i = 0; i < v.data.length; i++) {
    const x = v.data[i]!;
    if (!(Number.isInteger(x) && x >= 0 && x <= 255)) {
      throw new InputError(file, `a mask holds integer labels 0..255; found ${x}`);
    }
    out[i] = x;
  }
  return out;
}

export async function readRaterMasks(
  paths: string[],
  minimum: number,
  command: string,
): Promise<RaterMaskFiles> {
  if (paths.length < minimum) {
    throw new InputError(undefined, `${command} needs at least ${minimum} masks (got ${paths.length})`);
  }
  const progress = progressLine('reading masks');
  const volumes: ImageVolume[] = [];
  for (const [n, p] of paths.entries()) {
    const { volumes: found } = await readVolumes([p]);
    if (found.length !== 1) throw new InputError(p, `expected one mask, found ${found.length} images`);
    volumes.push(found[0]!);
    progress((n + 1) / paths.length, p);
  }
  const reference = volumes[0]!;
  volumes.forEach((v, n) => {
    const same = sameGrid(reference.geometry, v.geometry);
    if (!same.same) {
      throw new InputError(paths[n], `not on the grid of ${paths[0]}: ${same.reason}`);
    }
  });
  return {
    files: paths,
    masks: volumes.map((v, n) => asLabels(v, paths[n]!)),
    grid: gridOf(reference.geometry),
    reference,
  };
}

/** Parses a label option: an integer 1..255. */
export function labelOption(text: string | undefined, name = '--label'): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!/^\d+$/.test(text) || v < 1 || v > 255)
    throw new InputError(undefined, `${name} must be an integer 1..255 (got '${text}')`);
  return v;
}

/** Parses a non-negative length in mm. */
export function millimetres(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0)
    throw new InputError(undefined, `${name} must be a length in mm >= 0 (got '${text}')`);
  return v;
}

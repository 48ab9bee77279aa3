// Checks shared by the merge methods: every rater's mask is a label image of the same length.
import { InputError } from '../errors';

export function checkRaterMasks(masks: Uint8Array[], minRaters: number, method: string): number {
  if (masks.length < minRaters) {
    throw new InputError(undefined, `${method} needs at least ${minRaters} masks (got ${masks.length})`);
  }
  const n = masks[0]!.length;
  masks.forEach((m, r) => {
    if (m.length !== n)
      throw new InputError(undefined, `${method}: mask ${r} has ${m.length} voxels, mask 0 has ${n}`);
  });
  return n;
}

export function checkLabel(label: number, what = 'label'): void {
  if (!Number.isInteger(label) || label < 1 || label > 255) {
    throw new InputError(undefined, `${what} must be an integer 1..255 (got ${label})`);
  }
}

/** Which values occur in any mask (index = value). */
export function valuesPresent(masks: Uint8Array[]): Uint8Array {
  const seen = new Uint8Array(256);
  for (const m of masks) {
    let last = -1;
    for (let v = 0; v < m.length; v++) {
      const x = m[v]!;
      if (x !== last) {
        seen[x] = 1;
        last = x;
      }
    }
  }
  return seen;
}

/**
 * The value given to undecided voxels: `requested` when it is free, else 255 when free, else the smallest
 * free value. "Free" = not a value in play (inPlay[value] = 1).
 */
export function chooseUndecided(inPlay: Uint8Array, requested: number | undefined): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1 || requested > 255) {
      throw new InputError(undefined, `undecided label must be an integer 1..255 (got ${requested})`);
    }
    if (inPlay[requested]) {
      throw new InputError(
        undefined,
        `undecided label ${requested} is also a label in the masks; choose another`,
      );
    }
    return requested;
  }
  if (!inPlay[255]) return 255;
  for (let v = 1; v < 255; v++) if (!inPlay[v]) return v;
  throw new InputError(
    undefined,
    'every value 1..255 is a label in the masks: no value is left for undecided voxels',
  );
}

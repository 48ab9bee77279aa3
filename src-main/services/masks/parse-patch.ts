// Runtime check of a mask patch as it arrives over a socket (annotation:commit, adjudication's manual
// decisions): a six-integer box and a Uint8Array of labels; the box is checked against the grid by the
// mask store, which knows the grid.
import type { MaskPatch } from '../../core/model';
import { InputError } from '../../core/errors';
import { asObject } from '../validate';

export function parsePatch(raw: unknown): MaskPatch {
  const o = asObject(raw, 'patch');
  const box = o['box'];
  if (
    !Array.isArray(box) ||
    box.length !== 6 ||
    !box.every((x) => typeof x === 'number' && Number.isSafeInteger(x))
  ) {
    throw new InputError(undefined, 'patch.box must be six integers [i0, i1, j0, j1, k0, k1]');
  }
  const data = o['data'];
  if (!(data instanceof Uint8Array))
    throw new InputError(undefined, 'patch.data must be a Uint8Array of labels');
  return { box: box as MaskPatch['box'], data };
}

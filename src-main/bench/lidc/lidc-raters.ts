// The LIDC nodule crops (../shared/data/lidc_idri_slices_4raters_png) with each radiologist's mask kept
// apart, for the workstation's own import (lidc-cases.ts) and the hold-out score (holdout-dice.ts):
// lidc-slices.ts reads the same files for the quality benchmark, which needs only their vote and share.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { readPng } from '../../io/png/read';

export interface RaterSlice {
  patient: string;
  /** 'nodule-Y' */
  nodule: string;
  /** The slice's number (slice-K.png). */
  number: number;
  width: number;
  height: number;
  /** Grey 0..255, i (column) fastest. */
  image: Uint8Array;
  /** One mask per radiologist (mask-0..3), 0 or non-zero, same layout. */
  raters: Uint8Array[];
}

function dirs(p: string): string[] {
  return fs
    .readdirSync(p)
    .filter((name) => fs.statSync(path.join(p, name)).isDirectory())
    .sort();
}

async function grey(file: string): Promise<{ w: number; h: number; data: Uint8Array }> {
  const v = await readPng(file);
  if (!(v.data instanceof Uint8Array)) throw new InputError(file, 'expected an 8-bit PNG');
  return { w: v.geometry.dims[0], h: v.geometry.dims[1], data: v.data };
}

/** Every slice under `root` (LIDC-IDRI-XXXX folders, or one folder holding them). */
export async function loadRaterSlices(root: string): Promise<RaterSlice[]> {
  if (!fs.existsSync(root)) throw new InputError(root, 'no such folder');
  let top = root;
  const sub = dirs(root);
  if (!sub.some((d) => d.startsWith('LIDC-IDRI-')) && sub.length === 1) top = path.join(root, sub[0]!);
  const patients = dirs(top).filter((d) => d.startsWith('LIDC-IDRI-'));
  if (patients.length === 0) throw new InputError(root, 'no LIDC-IDRI-XXXX folders');
  const out: RaterSlice[] = [];
  for (const patient of patients)
    for (const nodule of dirs(path.join(top, patient))) {
      const base = path.join(top, patient, nodule);
      const raterDirs = dirs(base).filter((d) => /^mask-\d+$/.test(d));
      for (const file of fs
        .readdirSync(path.join(base, 'images'))
        .filter((f) => /^slice-\d+\.png$/.test(f))) {
        const img = await grey(path.join(base, 'images', file));
        const raters = await Promise.all(raterDirs.map((r) => grey(path.join(base, r, file))));
        if (raters.some((m) => m.w !== img.w || m.h !== img.h))
          throw new InputError(path.join(base, file), 'a mask differs in size from its image');
        out.push({
          patient,
          nodule,
          number: Number(/\d+/.exec(file)![0]),
          width: img.w,
          height: img.h,
          image: img.data,
          raters: raters.map((m) => m.data),
        });
      }
    }
  return out;
}

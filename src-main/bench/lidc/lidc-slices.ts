// The LIDC-IDRI nodule crops of ../shared/data/lidc_idri_slices_4raters_png: 128x128 8-bit CT slices
// (LIDC-IDRI-XXXX/nodule-Y/images/slice-K.png) with four radiologists' masks each (mask-0..3/slice-K.png,
// values 0/255). The training target is their majority vote (core/consensus/vote.ts, ITK's semantics):
// a pixel is nodule when more than half the raters marked it; a 2-2 tie is background by default.
import fs from 'node:fs';
import path from 'node:path';
import { majorityVote, type TiePolicy } from '../../core/consensus/vote';
import { InputError } from '../../core/errors';
import { readPng } from '../../io/png/read';

export interface SliceSample {
  patient: string;
  nodule: string;
  slice: string;
  width: number;
  height: number;
  /** Grey values 0..255, row-major (index x + y * width). */
  image: Uint8Array;
  /** Majority vote: 1 nodule, 0 background. */
  target: Uint8Array;
  /** How many of the raters marked anything on this slice. */
  ratersMarking: number;
  /** Share of the raters marking each pixel, as a byte (count / raters * 255, rounded: 0, 64, 128, 191,
   *  255 for four): the soft target of `bench quality --target agreement`, in the byte/255 convention of
   *  the product's soft targets (process/crop-batches.ts). Absent when read from a pack (votes only). */
  agreement?: Uint8Array;
  /** How many raters' masks the slice has (the denominator of `agreement`). */
  raters?: number;
}

async function grey(file: string): Promise<{ w: number; h: number; data: Uint8Array }> {
  const v = await readPng(file);
  const [w, h] = v.geometry.dims;
  if (!(v.data instanceof Uint8Array)) throw new InputError(file, 'expected an 8-bit PNG');
  return { w, h, data: v.data };
}

/** Sub-folders of p, sorted; symbolic links to folders count (data folders are often linked). */
function dirs(p: string): string[] {
  return fs
    .readdirSync(p)
    .filter((name) => fs.statSync(path.join(p, name)).isDirectory())
    .sort();
}

/** Every slice under `root` (a folder of LIDC-IDRI-XXXX patient folders, searched one level down too). */
export async function loadLidcSlices(root: string, ties: TiePolicy = 'background'): Promise<SliceSample[]> {
  if (!fs.existsSync(root)) throw new InputError(root, 'no such folder');
  let top = root;
  const sub = dirs(root);
  if (!sub.some((d) => d.startsWith('LIDC-IDRI-')) && sub.length === 1) top = path.join(root, sub[0]!);
  const patients = dirs(top).filter((d) => d.startsWith('LIDC-IDRI-'));
  if (patients.length === 0) throw new InputError(root, 'no LIDC-IDRI-XXXX folders');
  const out: SliceSample[] = [];
  for (const patient of patients) {
    for (const nodule of dirs(path.join(top, patient))) {
      const base = path.join(top, patient, nodule);
      const raterDirs = dirs(base).filter((d) => /^mask-\d+$/.test(d));
      const slices = fs.readdirSync(path.join(base, 'images')).filter((f) => f.endsWith('.png'));
      for (const slice of slices.sort()) {
        const img = await grey(path.join(base, 'images', slice));
        const masks = await Promise.all(raterDirs.map((r) => grey(path.join(base, r, slice))));
        for (const m of masks)
          if (m.w !== img.w || m.h !== img.h)
            throw new InputError(path.join(base, slice), 'mask size differs');
        const vote = majorityVote(
          masks.map((m) => m.data),
          { label: 255, ties },
        );
        const target = new Uint8Array(vote.mask.length);
        for (let i = 0; i < target.length; i++) target[i] = vote.mask[i] === 255 ? 1 : 0;
        const agreement = new Uint8Array(target.length);
        for (let i = 0; i < agreement.length; i++) {
          let marked = 0;
          for (const m of masks) if (m.data[i] !== 0) marked++;
          agreement[i] = Math.round((marked / masks.length) * 255);
        }
        out.push({
          patient,
          nodule,
          slice: slice.replace(/\.png$/, ''),
          width: img.w,
          height: img.h,
          image: img.data,
          target,
          ratersMarking: masks.filter((m) => m.data.some((v) => v !== 0)).length,
          agreement,
          raters: masks.length,
        });
      }
    }
  }
  return out;
}

// Test helper: the raters' masks of the shared real data sets (resources/test-data), read with Concord's own
// readers, and the peers' reference numbers next to them.
import fs from 'node:fs';
import path from 'node:path';
import { gridOf, type MaskGrid } from '../core/metrics/grid';
import type { ImageVolume } from '../core/volume/types';
import { readNifti } from '../io/nifti/read';
import { readPng } from '../io/png/read';
import { testData } from './tmp';

export interface RaterMasks {
  grid: MaskGrid;
  masks: Uint8Array[];
  volumes: ImageVolume[];
}

function toMask(v: ImageVolume): Uint8Array {
  if (v.data instanceof Uint8Array) return v.data;
  return Uint8Array.from(v.data as ArrayLike<number>);
}

export async function readMasks(files: string[]): Promise<RaterMasks> {
  const volumes = await Promise.all(files.map((f) => (f.endsWith('.png') ? readPng(f) : readNifti(f))));
  return { grid: gridOf(volumes[0]!.geometry), masks: volumes.map(toMask), volumes };
}

export const LIVER = testData('simpleitk_liver_tumor_3radiologists');
export const LIDC1 = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001');
export const LIDC2 = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0002');
export const PNG_SLICES = testData('lidc_idri_slices_4raters_png');

export const liverFiles = [1, 2, 3].map((r) =>
  path.join(LIVER, 'nifti_converted', `Patient01Homo_Rad0${r}.nii.gz`),
);
export const lidc1Files = [0, 1, 2, 3].map((r) =>
  path.join(LIDC1, 'derived_masks_nifti', `reader${r}_mask.nii.gz`),
);
export const lidc2Files = [2, 3].map((r) =>
  path.join(LIDC2, 'derived_masks_nifti', `reader${r}_mask.nii.gz`),
);

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** ITK 5.2 reference (itk_reference/*.json, from the data set's README). */
export interface ItkReference {
  foreground_voxels: number[];
  pairwise: {
    a: number;
    b: number;
    dice: number | string;
    jaccard: number | string;
    volume_similarity: number | string;
    hausdorff_mm: number | null;
    avg_hausdorff_mm: number | null;
  }[];
  label_voting: { count_0: number; count_1: number; count_undecided: number };
  staple: {
    elapsed_iterations: number;
    sum_probability: number | string;
    'count_p_gt_0.5': number;
    sensitivity: (number | string)[];
    specificity: (number | string)[];
  };
}

/** Concord's own ITK run (resources/bench/itk_consensus.cxx, reference mode), for what the README lacks. */
export interface ItkConsensusReference {
  pairwise: {
    a: number;
    b: number;
    dice: number;
    hausdorff: number;
    avg_hausdorff: number;
    hd95: number;
    assd: number;
    surface_dice_1mm: number;
    boundary_voxels: [number, number];
  }[];
  multi_label_staple: { iterations: number; label_counts: Record<string, number>; confusion: number[][][] };
}

/** plastimatch `dice --all` output, per pair of file names. */
export interface PlastimatchPair {
  a: string;
  b: string;
  tp: number;
  fn: number;
  fp: number;
  dice: number;
  hausdorff: number;
  avgHausdorff: number;
  percentHausdorff: number;
  boundaryHausdorff: number;
}

export function readPlastimatch(file: string): PlastimatchPair[] {
  const text = fs.readFileSync(file, 'utf8');
  return text
    .split('=== plastimatch dice --all ')
    .slice(1)
    .map((block) => {
      const [names, ...lines] = block.split('\n');
      const [a, b] = names!.trim().split(/\s+/);
      const value = (label: string) => {
        const line = lines.find((l) => l.startsWith(label));
        if (!line) throw new Error(`no '${label}' in plastimatch block ${names}`);
        return Number(line.split(/[:=]/).pop()!.trim());
      };
      return {
        a: a!,
        b: b!,
        tp: value('TP:'),
        fn: value('FN:'),
        fp: value('FP:'),
        dice: value('DICE:'),
        hausdorff: value('Hausdorff distance ='),
        avgHausdorff: value('Avg average Hausdorff distance ='),
        percentHausdorff: value('Percent (0.95) Hausdorff distance ='),
        boundaryHausdorff: value('Hausdorff distance (boundary) ='),
      };
    });
}

/** One line of itk_reference_fixtures_first40nodules.jsonl. */
export interface SliceReference {
  foreground_voxels: number[];
  pairwise: ItkReference['pairwise'];
  label_voting: ItkReference['label_voting'];
  staple: ItkReference['staple'];
  nodule: string;
  slice: string;
  masks: string[];
}

export function readSliceReferences(): SliceReference[] {
  return fs
    .readFileSync(path.join(PNG_SLICES, 'itk_reference_fixtures_first40nodules.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SliceReference);
}

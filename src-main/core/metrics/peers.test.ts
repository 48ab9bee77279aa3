// Known answers on the shared real data: every metric against ITK 5.2 (the data sets' own references, and
// Concord's ITK run for the boundary metrics) and plastimatch 1.9.4, at the tolerances the issue requires
// (Dice and Jaccard 1e-6, Hausdorff 1e-3 mm) or tighter where the peers print more digits.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LIDC1,
  LIDC2,
  LIVER,
  PNG_SLICES,
  lidc1Files,
  lidc2Files,
  liverFiles,
  readJson,
  readMasks,
  readPlastimatch,
  readSliceReferences,
  type ItkConsensusReference,
  type ItkReference,
  type RaterMasks,
} from '../../test-support/peer-masks';
import { compareRaters, type PairMetrics } from './compare';
import { overlapCounts } from './overlap-counts';
import { directedDistances } from './surface-distance';
import { naiveDistances } from './test-support/naive';

const SETS = [
  { name: 'liver tumour, 3 radiologists', dir: LIVER, files: liverFiles, itk: 'itk_reference/rad01-03.json' },
  { name: 'LIDC-IDRI-0001, 4 readers', dir: LIDC1, files: lidc1Files, itk: 'itk_reference/readers0-3.json' },
  {
    name: 'LIDC-IDRI-0002, readers 2 and 3',
    dir: LIDC2,
    files: lidc2Files,
    itk: 'itk_reference/readers2-3.json',
  },
];

/** Index of the file plastimatch named (it ran on the .mha originals of the liver masks). */
function fileIndex(files: string[], name: string): number {
  const stem = (f: string) => path.basename(f).replace(/\.(nii\.gz|nii|mha)$/, '');
  const i = files.findIndex((f) => stem(f) === stem(name));
  if (i < 0) throw new Error(`plastimatch names ${name}, not one of the masks`);
  return i;
}

function pair(pairs: PairMetrics[], a: number, b: number): PairMetrics {
  const p = pairs.find((x) => x.a === a && x.b === b);
  if (!p) throw new Error(`no pair ${a}-${b}`);
  return p;
}

/** plastimatch's "Percent (0.95) Hausdorff": the mean over both directions of the k-th smallest, k = floor(0.95 n - 1). */
function plastimatchPercent(ab: Float64Array, ba: Float64Array): number {
  const kth = (v: Float64Array) => {
    const s = Float64Array.from(v).sort();
    return s[Math.min(s.length - 1, Math.floor(0.95 * s.length - 1))]!;
  };
  return 0.5 * kth(ab) + 0.5 * kth(ba);
}

describe.each(SETS)('$name against ITK and plastimatch', ({ dir, files, itk }) => {
  let data: RaterMasks;
  let pairs: PairMetrics[];
  const ref = readJson<ItkReference>(path.join(dir, itk));
  const plm = readPlastimatch(path.join(dir, 'plastimatch_reference_dice.txt'));
  const own = readJson<ItkConsensusReference>(path.join(dir, 'itk_consensus_reference.json'));

  it('reads the masks the references describe', async () => {
    data = await readMasks(files);
    pairs = compareRaters(data.masks, data.grid, { label: 1 }).pairs;
    expect(data.masks.map((m) => m.reduce((s, x) => s + (x === 1 ? 1 : 0), 0))).toEqual(
      ref.foreground_voxels,
    );
  });

  it('Dice, Jaccard and volume similarity agree with ITK to 1e-9', () => {
    for (const r of ref.pairwise) {
      const p = pair(pairs, r.a, r.b);
      expect(Math.abs(p.dice - Number(r.dice))).toBeLessThan(1e-9);
      expect(Math.abs(p.jaccard - Number(r.jaccard))).toBeLessThan(1e-9);
      expect(Math.abs(p.volumeSimilarity! - Number(r.volume_similarity))).toBeLessThan(1e-9);
    }
  });

  it('Hausdorff (all voxels) and ITK average Hausdorff agree with ITK to 1e-6 mm', () => {
    for (const r of ref.pairwise) {
      const p = pair(pairs, r.a, r.b);
      expect(Math.abs(p.hausdorff! - r.hausdorff_mm!)).toBeLessThan(1e-6);
      expect(Math.abs(p.averageHausdorff! - r.avg_hausdorff_mm!)).toBeLessThan(1e-6);
    }
  });

  it('TP / FN / FP and Dice agree with plastimatch', () => {
    for (const r of plm) {
      const a = fileIndex(files, r.a);
      const b = fileIndex(files, r.b);
      const p = pair(pairs, a, b);
      expect([p.voxelsBoth, p.voxelsA - p.voxelsBoth, p.voxelsB - p.voxelsBoth]).toEqual([r.tp, r.fn, r.fp]);
      expect(Math.abs(p.dice - r.dice)).toBeLessThan(5e-7); // plastimatch prints 6 decimals
    }
  });

  it("plastimatch's percentile Hausdorff from Concord's directed distances", () => {
    for (const r of plm) {
      const a = fileIndex(files, r.a);
      const b = fileIndex(files, r.b);
      const d = directedDistances(
        data.masks[a]!,
        data.masks[b]!,
        data.grid,
        1,
        overlapCounts(data.masks[a]!, data.masks[b]!, data.grid.dims, 1),
      )!;
      expect(Math.abs(plastimatchPercent(d.allAB, d.allBA) - r.percentHausdorff)).toBeLessThan(2e-6);
    }
  });

  it('where plastimatch and ITK disagree on the Hausdorff distance, brute force sides with ITK', () => {
    for (const r of plm) {
      const a = fileIndex(files, r.a);
      const b = fileIndex(files, r.b);
      const p = pair(pairs, a, b);
      if (Math.abs(p.hausdorff! - r.hausdorff) < 2e-6) continue;
      const brute = naiveDistances(data.masks[a]!, data.masks[b]!, data.grid.dims, data.grid.spacing, 1, 1);
      expect(p.hausdorff!).toBeCloseTo(brute.hausdorff, 9);
    }
  });

  it('HD95, ASSD and surface Dice (1 mm) agree with ITK contours + Maurer distance maps', () => {
    for (const r of own.pairwise) {
      const p = pair(pairs, r.a, r.b);
      if (dir === LIDC2) {
        // These readers' masks reach the first and last slice, where Concord counts the outside of the image
        // as background (Concord's definition) and ITK's BinaryContourImageFilter does not: the two
        // boundaries differ there by definition, so only the all-voxel metrics are compared.
        expect(p.boundaryVoxelsA).toBeGreaterThan(r.boundary_voxels[0]);
        continue;
      }
      expect([p.boundaryVoxelsA, p.boundaryVoxelsB]).toEqual(r.boundary_voxels);
      // ITK's distance map is float32: 1e-5 mm.
      expect(Math.abs(p.hd95! - r.hd95)).toBeLessThan(1e-5);
      expect(Math.abs(p.assd! - r.assd)).toBeLessThan(1e-5);
      expect(p.surfaceDice).toBeCloseTo(r.surface_dice_1mm, 12);
    }
  });
});

describe('LIDC nodule crops (PNG, 196 slices x 6 pairs) against ITK, empty masks included', () => {
  const refs = readSliceReferences();

  it('covers the slices the reference lists, 37 with an empty mask and one all empty', () => {
    expect(refs).toHaveLength(196);
    expect(refs.filter((r) => r.foreground_voxels.includes(0)).length).toBeGreaterThan(30);
    expect(refs.filter((r) => r.foreground_voxels.every((n) => n === 0))).toHaveLength(1);
  });

  it("Dice, Jaccard, Hausdorff and average Hausdorff agree with ITK; empty masks follow Concord's rules", async () => {
    let compared = 0;
    for (const ref of refs) {
      const { masks, grid } = await readMasks(ref.masks.map((m) => path.join(PNG_SLICES, m)));
      // The PNG masks hold 0/255; the reference binarised them to 0/1.
      const { pairs } = compareRaters(masks, grid, { label: 255 });
      for (const r of ref.pairwise) {
        const p = pair(pairs, r.a, r.b);
        const na = ref.foreground_voxels[r.a]!;
        const nb = ref.foreground_voxels[r.b]!;
        if (na === 0 && nb === 0) {
          expect([r.dice, p.dice, p.jaccard]).toEqual(['inf', 1, 1]); // ITK: Dice = inf
          expect(p.distanceReason).toBe('both-empty');
        } else {
          expect(Math.abs(p.dice - Number(r.dice))).toBeLessThan(1e-9);
          expect(Math.abs(p.jaccard - Number(r.jaccard))).toBeLessThan(1e-9);
        }
        if (r.hausdorff_mm === null) {
          // ITK threw "pixelcount is equal to 0"; Concord gives null with the reason.
          expect(na === 0 || nb === 0).toBe(true);
          expect(p.hausdorff).toBeNull();
          expect(p.distanceReason).toBe(na === 0 && nb === 0 ? 'both-empty' : 'one-empty');
        } else {
          expect(Math.abs(p.hausdorff! - r.hausdorff_mm)).toBeLessThan(1e-6);
          expect(Math.abs(p.averageHausdorff! - r.avg_hausdorff_mm!)).toBeLessThan(1e-6);
          compared++;
        }
      }
    }
    expect(compared).toBe(409); // pairs where neither mask is empty
  });
});

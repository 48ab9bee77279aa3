// `concord compare` and `concord consensus` in-process on the shared real data: JSON shape, numbers against
// the ITK references, outputs written on the input grid, and exit 2 for bad input.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sameGrid } from '../../core/metrics/grid';
import { readNifti } from '../../io/nifti/read';
import {
  LIDC1,
  LIVER,
  PNG_SLICES,
  lidc1Files,
  lidc2Files,
  liverFiles,
  readJson,
  type ItkReference,
} from '../../test-support/peer-masks';
import { tempDir } from '../../test-support/tmp';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

function sum(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]!;
  return s;
}

interface CompareJson {
  labels: number[];
  pairs: {
    a: number;
    b: number;
    label: number;
    dice: number;
    jaccard: number;
    hausdorff: number | null;
    hd95: number | null;
    assd: number | null;
    surfaceDice: number | null;
    volumeA_ml: number;
    volumeB_ml: number;
    cohenKappa: number | null;
    distanceReason: string | null;
  }[];
  fleissKappa: number | null;
  kappaRegion: { min: number[]; max: number[]; voxels: number; marginMm: number } | null;
}

interface ConsensusJson {
  method: string;
  iterations: number | null;
  raters: { file: string; sensitivity: number | null; specificity: number | null }[];
  foregroundVoxels: number;
  undecidedVoxels: number;
  provenance: { method: string; parameters: Record<string, unknown>; inputs: string[] };
}

describe('concord compare', () => {
  it("prints every pair of the four LIDC readers with ITK's Dice and Hausdorff, and Fleiss' kappa", async () => {
    const r = await cli('compare', ...lidc1Files, '--label', '1', '--tolerance', '2', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as CompareJson;
    const ref = readJson<ItkReference>(path.join(LIDC1, 'itk_reference', 'readers0-3.json'));
    expect(out.labels).toEqual([1]);
    expect(out.pairs.map((p) => [p.a, p.b])).toEqual(ref.pairwise.map((p) => [p.a, p.b]));
    out.pairs.forEach((p, n) => {
      expect(Math.abs(p.dice - Number(ref.pairwise[n]!.dice))).toBeLessThan(1e-9);
      expect(Math.abs(p.hausdorff! - ref.pairwise[n]!.hausdorff_mm!)).toBeLessThan(1e-6);
      expect(p.hd95).toBeGreaterThan(0);
      expect(p.surfaceDice).toBeGreaterThan(0.5);
      expect(p.volumeA_ml).toBeCloseTo((ref.foreground_voxels[p.a]! * 0.703125 * 0.703125 * 2.5) / 1000, 4);
    });
    expect(out.fleissKappa).toBeGreaterThan(0.8);
    expect(out.fleissKappa).toBeLessThan(1);
    expect(out.kappaRegion!.marginMm).toBe(5);
  });

  it('reads PNG masks (0/255) and reports empty masks with a reason instead of a distance', async () => {
    const dir = path.join(PNG_SLICES, 'fixtures_block_0001-0100', 'LIDC-IDRI-0001', 'nodule-0');
    const files = [0, 1].map((m) => path.join(dir, `mask-${m}`, 'slice-0.png'));
    const r = await cli('compare', ...files, '--label', '255', '--json');
    expect(r.code).toBe(0);
    const p = (JSON.parse(r.stdout) as CompareJson).pairs[0]!;
    expect(p).toMatchObject({ dice: 0, hausdorff: null, distanceReason: 'one-empty' });
  });

  it('prints a table without --json', async () => {
    const r = await cli('compare', ...liverFiles.slice(0, 2));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Dice/);
    expect(r.stdout).toMatch(/^\s+1\s+0\s+1\s+0\.8372/m);
  });

  it('exits 2 naming the file when masks are not on one grid', async () => {
    const r = await cli('compare', liverFiles[0]!, lidc1Files[0]!, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(lidc1Files[0]!);
    expect(r.stderr).toMatch(/not on the grid of .*Rad01.*dims differ/);
  });

  it('exits 2 for one mask, a bad label, a bad tolerance or a folder that is no workspace', async () => {
    expect((await cli('compare', liverFiles[0]!)).code).toBe(2);
    expect((await cli('compare', ...liverFiles, '--label', '0')).stderr).toMatch(
      /--label must be an integer 1\.\.255/,
    );
    expect((await cli('compare', ...liverFiles, '--tolerance', '-1')).stderr).toMatch(/--tolerance/);
    const ws = await cli('compare', '--workspace', tempDir(), '--case', '1');
    expect(ws.code).toBe(2);
    expect(ws.stderr).toMatch(/no Concord workspace here/);
  });
});

describe('concord consensus', () => {
  it("STAPLE on the liver tumour: ITK's iterations and estimates; mask and probability map on the input grid", async () => {
    const dir = tempDir();
    const out = path.join(dir, 'staple.nii.gz');
    const prob = path.join(dir, 'staple-prob.nii.gz');
    const r = await cli(
      'consensus',
      ...liverFiles,
      '--method',
      'staple',
      '--out',
      out,
      '--prob',
      prob,
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as ConsensusJson;
    const ref = readJson<ItkReference>(path.join(LIVER, 'itk_reference', 'rad01-03.json'));
    expect(j.method).toBe('staple');
    expect(j.iterations).toBe(12);
    expect(j.foregroundVoxels).toBe(1355);
    j.raters.forEach((x, n) => {
      expect(Math.abs(x.sensitivity! - Number(ref.staple.sensitivity[n]))).toBeLessThan(1e-9);
      expect(Math.abs(x.specificity! - Number(ref.staple.specificity[n]))).toBeLessThan(1e-9);
    });
    expect(j.provenance).toMatchObject({
      method: 'staple',
      parameters: { label: 1, threshold: 0.5 },
      inputs: liverFiles,
    });
    const input = await readNifti(liverFiles[0]!);
    const mask = await readNifti(out);
    expect(sameGrid(input.geometry, mask.geometry)).toEqual({ same: true });
    expect(mask.scalarType).toBe('uint8');
    expect(sum(mask.data)).toBe(1355);
    const p = await readNifti(prob);
    expect(p.scalarType).toBe('float32');
    expect(Math.abs(sum(p.data) - 1381.210087)).toBeLessThan(1e-3);
  });

  it('majority vote on the four LIDC readers: 5594 voxels, 688 undecided (2-2), or none with --ties background', async () => {
    const r = await cli('consensus', ...lidc1Files, '--method', 'vote', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as ConsensusJson;
    expect([j.foregroundVoxels, j.undecidedVoxels, j.iterations]).toEqual([5594, 688, null]);
    expect(j.raters).toHaveLength(4);
    const bg = JSON.parse(
      (await cli('consensus', ...lidc1Files, '--method', 'vote', '--ties', 'background', '--json')).stdout,
    ) as ConsensusJson;
    expect([bg.foregroundVoxels, bg.undecidedVoxels]).toEqual([5594, 0]);
    const fg = JSON.parse(
      (await cli('consensus', ...lidc1Files, '--method', 'vote', '--ties', 'foreground', '--json')).stdout,
    ) as ConsensusJson;
    expect(fg.foregroundVoxels).toBe(5594 + 688);
  });

  it('multi-label STAPLE on LIDC-IDRI-0002: ITK resolves the 1-1 voxels, and so does Concord', async () => {
    const r = await cli('consensus', ...lidc2Files, '--method', 'mstaple', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as ConsensusJson;
    expect([j.iterations, j.foregroundVoxels, j.undecidedVoxels]).toEqual([2, 1272, 0]);
  });

  it('exits 2 for a missing or unknown method, --prob with a vote, --ties with STAPLE, a non-NIfTI output', async () => {
    expect((await cli('consensus', ...liverFiles)).stderr).toMatch(/--method is required/);
    expect((await cli('consensus', ...liverFiles, '--method', 'simple')).code).toBe(2);
    expect((await cli('consensus', ...liverFiles, '--method', 'vote', '--prob', 'p.nii.gz')).stderr).toMatch(
      /--prob needs/,
    );
    expect((await cli('consensus', ...liverFiles, '--method', 'staple', '--ties', 'background')).code).toBe(
      2,
    );
    expect((await cli('consensus', ...liverFiles, '--method', 'staple', '--out', 'x.png')).stderr).toMatch(
      /\.nii/,
    );
  });
});

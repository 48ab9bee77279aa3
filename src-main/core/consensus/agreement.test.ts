// Agreement map and disagreement regions on grids small enough to check by hand.
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors';
import type { Vec3 } from '../geometry/affine';
import { neighbourOffsets, raterAgreementMap } from './agreement';
import { staple } from './staple';
import { lidc1Files, readMasks } from '../../test-support/peer-masks';

const dims: Vec3 = [6, 4, 3];
const at = (i: number, j: number, k: number) => i + j * dims[0] + k * dims[0] * dims[1];

function maskWith(voxels: Vec3[], label = 1): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const [i, j, k] of voxels) m[at(i, j, k)] = label;
  return m;
}

// Three raters. All agree on (1,1,1). Region A: (0,0,0), (1,0,0) [rater 0 and 1]; (2,0,0) [rater 0].
// Region B, touching A only at a corner: (3,1,1) [rater 2]. Elsewhere nobody.
const r0 = maskWith([
  [1, 1, 1],
  [0, 0, 0],
  [1, 0, 0],
  [2, 0, 0],
]);
const r1 = maskWith([
  [1, 1, 1],
  [0, 0, 0],
  [1, 0, 0],
]);
const r2 = maskWith([
  [1, 1, 1],
  [3, 1, 1],
]);

describe('raterAgreementMap', () => {
  it('counts votes per voxel and ranks the disagreement regions by size (26-connectivity joins corners)', () => {
    const r = raterAgreementMap([r0, r1, r2], dims, { measure: 'votes' });
    expect(r.maxValue).toBe(3);
    expect(r.map[at(1, 1, 1)]).toBe(3);
    expect(r.map[at(0, 0, 0)]).toBe(2);
    expect(r.map[at(2, 0, 0)]).toBe(1);
    expect(r.map[at(5, 3, 2)]).toBe(0);
    expect(r.unanimousVoxels).toBe(1);
    expect(r.disagreementVoxels).toBe(4);
    // (2,0,0) and (3,1,1) differ by (1,1,1): one region with 26-connectivity.
    expect(r.connectivity).toBe(26);
    expect(r.regions).toHaveLength(1);
    expect(r.regions[0]).toMatchObject({
      id: 1,
      voxels: 4,
      min: [0, 0, 0],
      max: [3, 1, 1],
      raterVoxels: [3, 2, 1],
      votes: 2 + 2 + 1 + 1,
      centroid: [6 / 4, 1 / 4, 1 / 4],
    });
    expect([...r.regionVoxels]).toEqual(
      [at(0, 0, 0), at(1, 0, 0), at(2, 0, 0), at(3, 1, 1)].sort((a, b) => a - b),
    );
  });

  it('splits regions that touch only at a corner or edge with 6-connectivity, largest first', () => {
    const r6 = raterAgreementMap([r0, r1, r2], dims, { measure: 'votes', connectivity: 6 });
    expect(r6.regions.map((x) => [x.id, x.voxels, x.min, x.max])).toEqual([
      [1, 3, [0, 0, 0], [2, 0, 0]],
      [2, 1, [3, 1, 1], [3, 1, 1]],
    ]);
    expect(r6.regions[0]!.seed).toEqual([1, 0, 0]); // the voxel at the centroid
    expect([...r6.regionOffsets]).toEqual([0, 3, 4]);
    expect([...r6.regionVoxels.subarray(3)]).toEqual([at(3, 1, 1)]);
    expect(r6.regions[1]!.raterVoxels).toEqual([0, 0, 1]);
    // 18-connectivity: (2,0,0)-(3,1,1) is a corner step (three axes), so still apart.
    expect(
      raterAgreementMap([r0, r1, r2], dims, { measure: 'votes', connectivity: 18 }).regions,
    ).toHaveLength(2);
    expect(neighbourOffsets(6)).toHaveLength(6);
    expect(neighbourOffsets(18)).toHaveLength(18);
    expect(neighbourOffsets(26)).toHaveLength(26);
  });

  it('gives binary entropy scaled to 0..255 and STAPLE probability scaled to 0..255', () => {
    const e = raterAgreementMap([r0, r1, r2], dims, { measure: 'entropy' });
    const h = (p: number) => -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
    expect(e.map[at(1, 1, 1)]).toBe(0);
    expect(e.map[at(5, 3, 2)]).toBe(0);
    expect(e.map[at(0, 0, 0)]).toBe(Math.round(255 * h(2 / 3)));
    expect(e.map[at(2, 0, 0)]).toBe(Math.round(255 * h(1 / 3)));
    const even = raterAgreementMap([r0, r2], dims, { measure: 'entropy' });
    expect(even.map[at(0, 0, 0)]).toBe(255);
    const s = raterAgreementMap([r0, r1, r2], dims, { measure: 'staple' });
    const w = staple([r0, r1, r2]).probability!;
    for (const v of [at(0, 0, 0), at(2, 0, 0), at(1, 1, 1), at(5, 3, 2)]) {
      expect(s.map[v]).toBe(Math.round(255 * w[v]!));
    }
    expect(s.maxValue).toBe(255);
  });

  it('has no regions when raters agree or nobody gave the label, and refuses bad input', () => {
    const same = raterAgreementMap([r0, r0.slice()], dims, { measure: 'votes' });
    expect(same.regions).toEqual([]);
    expect(same.disagreementVoxels).toBe(0);
    const none = raterAgreementMap([r0, r1], dims, { measure: 'votes', label: 7 });
    expect(none.regions).toEqual([]);
    expect(none.unanimousVoxels).toBe(0);
    expect(() => raterAgreementMap([r0], dims, { measure: 'votes' })).toThrow(/at least 2 masks/);
    expect(() => raterAgreementMap([r0, r1], dims, { measure: 'votes', label: 0 })).toThrow(/1\.\.255/);
    expect(() => raterAgreementMap([r0, r1], [2, 2, 2], { measure: 'votes' })).toThrow(/grid 2x2x2/);
    expect(() => raterAgreementMap([r0, r1], dims, { measure: 'votes', connectivity: 4 as 6 })).toThrow(
      /connectivity/,
    );
  });

  it('stops with CancelledError when cancelled', () => {
    expect(() =>
      raterAgreementMap([r0, r1], dims, { measure: 'votes' }, { isCancelled: () => true }),
    ).toThrow(CancelledError);
  });

  it('gives STAPLE bytes equal to round(255 W) of binary STAPLE on the four LIDC readers, and their regions', async () => {
    const { masks, grid } = await readMasks(lidc1Files);
    const r = raterAgreementMap(masks, grid.dims, { measure: 'staple' });
    const w = staple(masks).probability!;
    let differ = 0;
    for (let v = 0; v < w.length; v++) if (r.map[v] !== Math.round(255 * w[v]!)) differ++;
    expect(differ).toBe(0);
    const votes = raterAgreementMap(masks, grid.dims, { measure: 'votes' });
    let disagree = 0;
    for (let v = 0; v < votes.map.length; v++) if (votes.map[v]! > 0 && votes.map[v]! < 4) disagree++;
    expect(votes.disagreementVoxels).toBe(disagree);
    expect(votes.regions.reduce((n, g) => n + g.voxels, 0)).toBe(disagree);
    expect(votes.regions.every((g, i) => i === 0 || g.voxels <= votes.regions[i - 1]!.voxels)).toBe(true);
  });
});

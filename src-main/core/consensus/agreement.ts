// Agreement between raters for one label, voxel by voxel, and the regions where they disagree.
//
// Per voxel v, with N raters and votes(v) = number of raters whose mask holds the label at v:
//   'votes'    map(v) = votes(v), 0..N
//   'staple'   map(v) = round(255 W(v)), W = binary STAPLE's probability of the label (staple.ts, ITK's
//              defaults), so 0..255 stands for 0..1
//   'entropy'  map(v) = round(255 H(p)), p = votes(v)/N, H(p) = -p log2 p - (1-p) log2 (1-p) bits (0 when all
//              raters agree, 1 bit at an even split)
//
// Disagreement regions: the connected components of the voxels where 0 < votes(v) < N (some raters gave
// the label, some did not), with 6- (faces), 18- (faces and edges) or 26-connectivity (faces, edges and
// corners; the default: a rim one voxel thick around a nodule stays one region across slices even where it
// only touches diagonally). They are ranked by voxel count, largest first; equal counts by the index of
// their first voxel. Each region lists its voxels (global indices i + j*nx + k*nx*ny) so that a reviewer's
// decision can be applied to exactly those voxels.
//
// Memory: the map (1 byte per voxel), one Int32 component id per voxel of the bounding box of the label in
// any rater (not of the whole grid), and 4 bytes per disagreement voxel for the region voxel lists.
import { checkpoint, subControl, type ComputeControl } from '../compute/control';
import { InputError } from '../errors';
import type { Vec3 } from '../geometry/affine';
import { checkLabel, checkRaterMasks } from './masks';
import { MAX_BINARY_RATERS } from './rater-patterns';
import { ITK_MAX_ITERATIONS, stapleEm } from './staple';

export type AgreementMeasure = 'votes' | 'staple' | 'entropy';
export type Connectivity = 6 | 18 | 26;

export interface AgreementOptions {
  label?: number;
  measure: AgreementMeasure;
  connectivity?: Connectivity;
}

export interface RegionStats {
  /** 1 = largest. */
  id: number;
  voxels: number;
  /** Inclusive IJK bounds. */
  min: Vec3;
  max: Vec3;
  /** Mean voxel index. */
  centroid: Vec3;
  /** The region's voxel nearest the centroid (in voxel index units, ties: lowest index). */
  seed: Vec3;
  /** Per rater: voxels of the region the rater gave the label. */
  raterVoxels: number[];
  /** Sum over the region's voxels of votes(v). */
  votes: number;
}

export interface AgreementResult {
  method: 'agreement';
  label: number;
  measure: AgreementMeasure;
  connectivity: Connectivity;
  raters: number;
  /** One byte per voxel, meaning per measure (see the header). */
  map: Uint8Array;
  /** The largest map value meaning complete agreement on the label: N for votes, 255 otherwise. */
  maxValue: number;
  disagreementVoxels: number;
  unanimousVoxels: number;
  regions: RegionStats[];
  /** Voxel indices of region id r are regionVoxels[regionOffsets[r-1] .. regionOffsets[r]). */
  regionOffsets: Uint32Array;
  regionVoxels: Uint32Array;
}

/** Neighbour offsets (di, dj, dk) for a connectivity, excluding (0, 0, 0). */
export function neighbourOffsets(connectivity: Connectivity): Vec3[] {
  const out: Vec3[] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const nonZero = (di !== 0 ? 1 : 0) + (dj !== 0 ? 1 : 0) + (dk !== 0 ? 1 : 0);
        if (nonZero === 0) continue;
        if (connectivity === 6 && nonZero > 1) continue;
        if (connectivity === 18 && nonZero > 2) continue;
        out.push([di, dj, dk]);
      }
  return out;
}

/**
 * round(255 W) per voxel, W = binary STAPLE's probability with ITK's defaults (as staple.ts computes it: the
 * EM runs on the histogram of rater-decision patterns, ascending by pattern, exactly as
 * binaryPatternHistogram builds it), written straight to bytes: no float map. Voxels no rater gave the label
 * (votes 0) all have pattern 0, so only the others are visited.
 */
function stapleBytes(
  masks: Uint8Array[],
  label: number,
  votes: Uint8Array,
  control: ComputeControl | undefined,
): Uint8Array {
  const n = votes.length;
  const R = masks.length;
  if (R > MAX_BINARY_RATERS) {
    throw new InputError(undefined, `STAPLE takes at most ${MAX_BINARY_RATERS} raters (got ${R})`);
  }
  const w4 = words(votes)!;
  const code = (v: number) => {
    let c = 0;
    for (let r = 0; r < R; r++) if (masks[r]![v] === label) c |= 1 << r;
    return c;
  };
  const eachVoted = (fn: (v: number) => void) => {
    for (let q = 0; q < w4.length; q++) {
      if (w4[q] === 0) continue;
      for (let v = q << 2; v < (q << 2) + 4; v++) if (votes[v] !== 0) fn(v);
    }
    for (let v = w4.length << 2; v < n; v++) if (votes[v] !== 0) fn(v);
  };
  const counts = new Map<number, number>();
  let voted = 0;
  eachVoted((v) => {
    const c = code(v);
    counts.set(c, (counts.get(c) ?? 0) + 1);
    voted++;
  });
  if (voted < n) counts.set(0, n - voted);
  const patterns = [...counts.keys()].sort((x, y) => x - y);
  const h = { raters: R, patterns, counts: patterns.map((p) => counts.get(p)!), voxels: n };
  checkpoint(control, 0.4, 'staple');
  const all = R >= 31 ? -1 : (1 << R) - 1;
  let w: ArrayLike<number>;
  if (patterns.length === 1 && patterns[0] === 0) w = [0];
  else if (patterns.length === 1 && patterns[0] === all) w = [1];
  else w = stapleEm(h, 1, ITK_MAX_ITERATIONS, 'float32', subControl(control, 0.4, 0.8)).w;
  const byte = new Map<number, number>();
  patterns.forEach((p, k) => byte.set(p, Math.round(255 * w[k]!)));
  const map = new Uint8Array(n);
  if (byte.has(0)) map.fill(byte.get(0)!);
  eachVoted((v) => {
    map[v] = byte.get(code(v))!;
  });
  checkpoint(control, 1, 'staple');
  return map;
}

/** Four voxels at a time, to skip background quickly (null when the view cannot be aligned). */
function words(m: Uint8Array): Uint32Array | null {
  return m.byteOffset % 4 === 0 ? new Uint32Array(m.buffer, m.byteOffset, m.length >> 2) : null;
}

interface Counted {
  votes: Uint8Array;
  /** Bounding box of voxels with at least one vote, or null when there are none. */
  min: Vec3 | null;
  max: Vec3 | null;
  disagreementVoxels: number;
  unanimousVoxels: number;
}

/** Votes per voxel for the label (0..N), their bounding box, and the disagreement and unanimous counts. */
function countVotes(
  masks: Uint8Array[],
  dims: Vec3,
  label: number,
  control: ComputeControl | undefined,
): Counted {
  const [nx, ny] = dims;
  const nxy = nx * ny;
  const n = nxy * dims[2];
  const R = masks.length;
  const votes = new Uint8Array(n);
  masks.forEach((m, r) => {
    checkpoint(control, (0.8 * r) / R, 'votes');
    const w = words(m);
    const nw = w ? w.length : 0;
    for (let q = 0; q < nw; q++) {
      if (w![q] === 0) continue;
      const v = q << 2;
      for (let b = v; b < v + 4; b++) if (m[b] === label) votes[b]!++;
    }
    for (let v = nw << 2; v < n; v++) if (m[v] === label) votes[v]!++;
  });
  checkpoint(control, 0.8, 'votes');
  let i0 = Infinity;
  let j0 = Infinity;
  let k0 = Infinity;
  let i1 = -1;
  let j1 = -1;
  let k1 = -1;
  let disagreementVoxels = 0;
  let unanimousVoxels = 0;
  const visit = (v: number) => {
    const c = votes[v]!;
    if (c === 0) return;
    if (c === R) unanimousVoxels++;
    else disagreementVoxels++;
    const k = Math.floor(v / nxy);
    const j = Math.floor((v - k * nxy) / nx);
    const i = v - k * nxy - j * nx;
    if (i < i0) i0 = i;
    if (i > i1) i1 = i;
    if (j < j0) j0 = j;
    if (j > j1) j1 = j;
    if (k < k0) k0 = k;
    if (k > k1) k1 = k;
  };
  const w = words(votes)!;
  for (let q = 0; q < w.length; q++) {
    if (w[q] === 0) continue;
    const v = q << 2;
    for (let b = v; b < v + 4; b++) visit(b);
  }
  for (let v = w.length << 2; v < n; v++) visit(v);
  const found = i1 >= 0;
  return {
    votes,
    min: found ? [i0, j0, k0] : null,
    max: found ? [i1, j1, k1] : null,
    disagreementVoxels,
    unanimousVoxels,
  };
}

export function raterAgreementMap(
  masks: Uint8Array[],
  dims: Vec3,
  opts: AgreementOptions,
  control?: ComputeControl,
): AgreementResult {
  const n = checkRaterMasks(masks, 2, 'an agreement map');
  if (n !== dims[0] * dims[1] * dims[2]) {
    throw new InputError(
      undefined,
      `masks have ${n} voxels, the grid ${dims.join('x')} has ${dims[0] * dims[1] * dims[2]}`,
    );
  }
  if (masks.length > 255) throw new InputError(undefined, `at most 255 raters (got ${masks.length})`);
  const label = opts.label ?? 1;
  checkLabel(label);
  const connectivity = opts.connectivity ?? 26;
  if (![6, 18, 26].includes(connectivity))
    throw new InputError(undefined, `connectivity must be 6, 18 or 26 (got ${String(connectivity)})`);
  const R = masks.length;
  const counted = countVotes(masks, dims, label, subControl(control, 0, 0.2));
  const votes = counted.votes;

  let map: Uint8Array;
  let maxValue = 255;
  if (opts.measure === 'votes') {
    map = votes;
    maxValue = R;
  } else if (opts.measure === 'entropy') {
    const table = new Uint8Array(R + 1);
    for (let c = 0; c <= R; c++) {
      const p = c / R;
      const h = p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
      table[c] = Math.round(255 * h);
    }
    map = new Uint8Array(n);
    for (let v = 0; v < n; v++) map[v] = table[votes[v]!]!;
  } else if (opts.measure === 'staple') {
    map = stapleBytes(masks, label, votes, subControl(control, 0.2, 0.6));
  } else {
    throw new InputError(undefined, `measure must be votes, staple or entropy (got ${String(opts.measure)})`);
  }

  const { disagreementVoxels, unanimousVoxels } = counted;
  const regions =
    counted.min && counted.max
      ? disagreementRegions(
          masks,
          votes,
          dims,
          label,
          counted.min,
          counted.max,
          connectivity,
          disagreementVoxels,
          subControl(control, 0.6, 1),
        )
      : { regions: [], offsets: new Uint32Array(1), voxels: new Uint32Array(0) };
  checkpoint(control, 1, 'regions');
  return {
    method: 'agreement',
    label,
    measure: opts.measure,
    connectivity,
    raters: R,
    map,
    maxValue,
    disagreementVoxels,
    unanimousVoxels,
    regions: regions.regions,
    regionOffsets: regions.offsets,
    regionVoxels: regions.voxels,
  };
}

/** Connected components (breadth-first) of 0 < votes < R within the box [min, max]. */
function disagreementRegions(
  masks: Uint8Array[],
  votes: Uint8Array,
  dims: Vec3,
  label: number,
  min: Vec3,
  max: Vec3,
  connectivity: Connectivity,
  total: number,
  control: ComputeControl | undefined,
): { regions: RegionStats[]; offsets: Uint32Array; voxels: Uint32Array } {
  const R = masks.length;
  const [nx, ny] = dims;
  const nxy = nx * ny;
  const bw = max[0] - min[0] + 1;
  const bh = max[1] - min[1] + 1;
  const bd = max[2] - min[2] + 1;
  const visited = new Uint8Array(bw * bh * bd);
  const order = new Uint32Array(total); // voxels in visiting order; each component is a contiguous run
  const offsets = neighbourOffsets(connectivity);
  const nb = offsets.length;
  const dI = Int32Array.from(offsets, (o) => o[0]);
  const dJ = Int32Array.from(offsets, (o) => o[1]);
  const dK = Int32Array.from(offsets, (o) => o[2]);
  // The same steps as index differences in the grid (dV) and in the box (dB).
  const dV = Int32Array.from(offsets, (o) => o[0] + o[1] * nx + o[2] * nxy);
  const dB = Int32Array.from(offsets, (o) => o[0] + o[1] * bw + o[2] * bw * bh);
  const found: { start: number; end: number; stats: Omit<RegionStats, 'id' | 'seed'> }[] = [];
  let filled = 0;
  for (let k = min[2]; k <= max[2]; k++) {
    checkpoint(control, (0.8 * (k - min[2])) / bd, 'regions');
    for (let j = min[1]; j <= max[1]; j++) {
      let v = min[0] + j * nx + k * nxy;
      let b = (j - min[1]) * bw + (k - min[2]) * bw * bh;
      for (let i = min[0]; i <= max[0]; i++, v++, b++) {
        const c = votes[v]!;
        if (c === 0 || c === R || visited[b]) continue;
        visited[b] = 1;
        const start = filled;
        order[filled++] = v;
        const lo: Vec3 = [i, j, k];
        const hi: Vec3 = [i, j, k];
        let si = 0;
        let sj = 0;
        let sk = 0;
        let voteSum = 0;
        const raterVoxels = new Array<number>(R).fill(0);
        for (let head = start; head < filled; head++) {
          const u = order[head]!;
          const uk = Math.floor(u / nxy);
          const uj = Math.floor((u - uk * nxy) / nx);
          const ui = u - uk * nxy - uj * nx;
          const ub = ui - min[0] + (uj - min[1]) * bw + (uk - min[2]) * bw * bh;
          si += ui;
          sj += uj;
          sk += uk;
          voteSum += votes[u]!;
          for (let r = 0; r < R; r++) if (masks[r]![u] === label) raterVoxels[r]!++;
          if (ui < lo[0]) lo[0] = ui;
          if (ui > hi[0]) hi[0] = ui;
          if (uj < lo[1]) lo[1] = uj;
          if (uj > hi[1]) hi[1] = uj;
          if (uk < lo[2]) lo[2] = uk;
          if (uk > hi[2]) hi[2] = uk;
          const interior =
            ui > min[0] && ui < max[0] && uj > min[1] && uj < max[1] && uk > min[2] && uk < max[2];
          for (let t = 0; t < nb; t++) {
            if (!interior) {
              const a = ui + dI[t]!;
              const bb = uj + dJ[t]!;
              const cc = uk + dK[t]!;
              if (a < min[0] || a > max[0] || bb < min[1] || bb > max[1] || cc < min[2] || cc > max[2])
                continue;
            }
            const w = u + dV[t]!;
            const cw = votes[w]!;
            if (cw === 0 || cw === R) continue;
            const wb = ub + dB[t]!;
            if (visited[wb]) continue;
            visited[wb] = 1;
            order[filled++] = w;
          }
        }
        const count = filled - start;
        found.push({
          start,
          end: filled,
          stats: {
            voxels: count,
            min: lo,
            max: hi,
            centroid: [si / count, sj / count, sk / count],
            raterVoxels,
            votes: voteSum,
          },
        });
      }
    }
  }
  // Largest first; components were found in order of their first voxel index, and the sort is stable.
  found.sort((x, y) => y.stats.voxels - x.stats.voxels);
  const outOffsets = new Uint32Array(found.length + 1);
  const outVoxels = new Uint32Array(total);
  let at = 0;
  const regions: RegionStats[] = found.map((f, n) => {
    if ((n & 255) === 0) checkpoint(control, 0.8 + (0.2 * n) / found.length, 'regions');
    const run = order.subarray(f.start, f.end);
    // Each region's voxels in ascending index order, so that applying a decision walks memory forwards.
    const sorted = Uint32Array.from(run).sort();
    outVoxels.set(sorted, at);
    at += sorted.length;
    outOffsets[n + 1] = at;
    const [ci, cj, ck] = f.stats.centroid;
    let best = Infinity;
    let seed: Vec3 = [0, 0, 0];
    for (const u of sorted) {
      const uk = Math.floor(u / nxy);
      const uj = Math.floor((u - uk * nxy) / nx);
      const ui = u - uk * nxy - uj * nx;
      const d = (ui - ci) ** 2 + (uj - cj) ** 2 + (uk - ck) ** 2;
      if (d < best) {
        best = d;
        seed = [ui, uj, uk];
      }
    }
    return { id: n + 1, ...f.stats, seed };
  });
  return { regions, offsets: outOffsets, voxels: outVoxels };
}

// The "quick draft": a model run on a reduced in-plane grid, for a draft in seconds rather than minutes.
// Two reductions, both in-plane (slices k are never skipped, so 2.5D channels stay the volume's own
// neighbours):
//   - the body's box: with `bodyThreshold`, only the bounding box (over all slices, plus a margin) of the
//     voxels above that normalised value is run; outside it the draft is background with certainty (air
//     around the patient in CT, where the full inference spends most of a 512x512 slice);
//   - the scale (default QUICK_SCALE, 1): the box is resampled to `scale` times its size (bilinear, pixel
//     centres aligned: at 0.5 each reduced pixel is the mean of a 2x2 block), inferred by
//     engine/infer-volume.ts, and the foreground probability is resampled back (bilinear) and thresholded
//     on the volume's own grid.
// Compute falls with the reduced area: a chest CT's body box is about half of the slice, scale 0.5 a
// quarter again. Inside the box at scale 1 the model sees what the full inference shows it (the padding
// outside is 0, the window's floor, as air is); at scale 0.5 it sees structures at half their trained size,
// which cost most of the Dice on the LIDC hold-out (README). The rest of a quick draft's speed comes from a
// quick model (quick-params.ts, `train --preset quick`).
//
// Layout: volume voxel (i, j, k) at i + j*nx + k*nx*ny, as infer-volume.ts; the reduced volume the same
// with rw x rh slices.
import type { Normalisation } from '../../core/model';
import type { CoordinateFrame } from '../data/coordinate-planes';
import type { Network } from '../model/ensemble';
import { inferVolume, type InferVolumeOptions, type VolumeInference } from './infer-volume';
import { BODY_HU, QUICK_SCALE } from './quick-params';

export { QUICK_SCALE } from './quick-params';

export interface QuickInferOptions extends InferVolumeOptions {
  /** In-plane scale of the reduced grid, in (0, 1] (default 0.5). */
  scale?: number;
  /** A voxel above this normalised value is body; undefined: whole slices (no box). */
  bodyThreshold?: number;
  /** Voxels added around the body's box on each side, on the volume's grid (default 8). */
  bodyMargin?: number;
}

/** A half-open in-plane box: i0 <= i < i1, j0 <= j < j1. */
export interface PlaneBox {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** The normalised value of BODY_HU under a CT window (inputs in [0, 1]); undefined for other
 *  normalisations, whose inputs say nothing absolute about air (the quick path then runs whole slices). */
export function bodyThresholdOf(n: Normalisation): number | undefined {
  if (n.kind !== 'ct-window') return undefined;
  return Math.min(1, Math.max(0, (BODY_HU - (n.center - n.width / 2)) / n.width));
}

/** Bounding box over all slices of the voxels above `threshold`, grown by `margin` and clipped to the
 *  slice; null when no voxel is above it. */
export function bodyBox(
  data: Float32Array,
  dims: [number, number, number],
  threshold: number,
  margin: number,
): PlaneBox | null {
  const [nx, ny, nz] = dims;
  let i0 = nx;
  let i1 = -1;
  let j0 = ny;
  let j1 = -1;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const row = k * nx * ny + j * nx;
      let first = -1;
      let last = -1;
      for (let i = 0; i < nx; i++)
        if (data[row + i]! > threshold) {
          if (first < 0) first = i;
          last = i;
        }
      if (first < 0) continue;
      if (first < i0) i0 = first;
      if (last > i1) i1 = last;
      if (j < j0) j0 = j;
      if (j > j1) j1 = j;
    }
  if (i1 < 0) return null;
  return {
    i0: Math.max(0, i0 - margin),
    i1: Math.min(nx, i1 + 1 + margin),
    j0: Math.max(0, j0 - margin),
    j1: Math.min(ny, j1 + 1 + margin),
  };
}

/** For each of `n` output positions along an axis of `from` source pixels: the lower source index and the
 *  weight of the upper one (bilinear, pixel centres aligned: source x = (o + 0.5) * from / n - 0.5,
 *  clamped to the source). */
export function linearTaps(from: number, n: number): { lo: Int32Array; w: Float32Array } {
  const lo = new Int32Array(n);
  const w = new Float32Array(n);
  for (let o = 0; o < n; o++) {
    const x = Math.min(from - 1, Math.max(0, ((o + 0.5) * from) / n - 0.5));
    const l = Math.min(from - 2, Math.floor(x));
    lo[o] = Math.max(0, l);
    w[o] = from === 1 ? 0 : x - lo[o]!;
  }
  return { lo, w };
}

/** Resamples a sw x sh plane (at `src`, row stride `srcStride`, starting `srcOff`) to dw x dh (at `dst`,
 *  dense, from `dstOff`), bilinear. */
export function resamplePlane(
  src: ArrayLike<number>,
  srcOff: number,
  srcStride: number,
  sw: number,
  sh: number,
  dst: Float32Array,
  dstOff: number,
  dw: number,
  dh: number,
  taps = { x: linearTaps(sw, dw), y: linearTaps(sh, dh) },
): void {
  const { x, y } = taps;
  const x1 = Math.min(1, sw - 1);
  const y1 = Math.min(1, sh - 1);
  for (let j = 0; j < dh; j++) {
    const r0 = srcOff + y.lo[j]! * srcStride;
    const r1 = r0 + y1 * srcStride;
    const wy = y.w[j]!;
    for (let i = 0; i < dw; i++) {
      const c = x.lo[i]!;
      const wx = x.w[i]!;
      const top = src[r0 + c]! + wx * (src[r0 + c + x1]! - src[r0 + c]!);
      const bottom = src[r1 + c]! + wx * (src[r1 + c + x1]! - src[r1 + c]!);
      dst[dstOff + j * dw + i] = top + wy * (bottom - top);
    }
  }
}

/** The reduced grid of a box: each side times `scale`, at least one pixel. */
export function reducedSize(box: PlaneBox, scale: number): [number, number] {
  return [
    Math.max(1, Math.round((box.i1 - box.i0) * scale)),
    Math.max(1, Math.round((box.j1 - box.j0) * scale)),
  ];
}

/** Inference on the reduced grid, answered on the volume's grid (as inferVolume). The mean entropy is the
 *  reduced grid's inside the box, outside it zero (certain background), averaged over whole slices. */
export async function inferVolumeQuick(
  model: Network,
  volume: { dims: [number, number, number]; data: Float32Array },
  o: QuickInferOptions = {},
): Promise<VolumeInference & { box: PlaneBox; reduced: [number, number] }> {
  const [nx, ny, nz] = volume.dims;
  const n = nx * ny;
  if (volume.data.length !== n * nz)
    throw new RangeError(`volume has ${volume.data.length} values, dims ${nx}x${ny}x${nz} need ${n * nz}`);
  const scale = o.scale ?? QUICK_SCALE;
  if (!(scale > 0 && scale <= 1)) throw new RangeError('scale must be in (0, 1]');
  const whole: PlaneBox = { i0: 0, i1: nx, j0: 0, j1: ny };
  const box =
    o.bodyThreshold === undefined
      ? whole
      : (bodyBox(volume.data, volume.dims, o.bodyThreshold, o.bodyMargin ?? 8) ?? whole);
  const bw = box.i1 - box.i0;
  const bh = box.j1 - box.j0;
  const [rw, rh] = reducedSize(box, scale);
  // At scale 1 (QUICK_SCALE) the reduced grid is the box itself: its rows are copied in and the labels out,
  // with no resampling (which cost ~2 s of a 300-slice CT's quick draft, on the thread the convolutions
  // wait for).
  const same = rw === bw && rh === bh;
  const reduced = new Float32Array(rw * rh * nz);
  const down = same ? null : { x: linearTaps(bw, rw), y: linearTaps(bh, rh) };
  for (let k = 0; k < nz; k++)
    if (!down)
      for (let j = 0; j < bh; j++) {
        const from = k * n + (box.j0 + j) * nx + box.i0;
        reduced.set(volume.data.subarray(from, from + bw), (k * bh + j) * bw);
      }
    else
      resamplePlane(
        volume.data,
        k * n + box.j0 * nx + box.i0,
        nx,
        bw,
        bh,
        reduced,
        k * rw * rh,
        rw,
        rh,
        down,
      );
  const threshold = o.threshold ?? 0.5;
  const K = model.outputChannels();
  // Coordinate planes: reduced pixel x shows the box's pixel at centre (x + 0.5) * bw / rw - 0.5 (pixel
  // centres aligned, as the resampling), measured on the scan's slice.
  const di = bw / rw;
  const dj = bh / rh;
  const frame: CoordinateFrame = { nx, ny, i0: box.i0 + di / 2 - 0.5, di, j0: box.j0 + dj / 2 - 0.5, dj };
  const r = await inferVolume(
    model,
    { dims: [rw, rh, nz], data: reduced },
    { ...o, frame, keepProbabilities: !same || o.keepProbabilities === true },
  );
  const labels = new Uint8Array(n * nz);
  const probabilities = o.keepProbabilities ? new Float32Array(n * nz) : null;
  const sliceEntropy = new Float64Array(nz);
  for (let k = 0; k < nz; k++) sliceEntropy[k] = (r.sliceEntropyBits[k]! * bw * bh) / n;
  let foreground = 0;
  if (same) {
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < bh; j++) {
        const from = (k * bh + j) * bw;
        const to = k * n + (box.j0 + j) * nx + box.i0;
        labels.set(r.labels.subarray(from, from + bw), to);
        if (probabilities) probabilities.set(r.probabilities!.subarray(from, from + bw), to);
      }
    foreground = r.foregroundVoxels;
  } else {
    const up = { x: linearTaps(rw, bw), y: linearTaps(rh, bh) };
    const plane = new Float32Array(bw * bh);
    // Several labels: each voxel takes the label of the nearest reduced pixel (a label map does not
    // interpolate); its foreground probability is still resampled.
    const nearestI = Int32Array.from({ length: bw }, (_, i) =>
      Math.min(rw - 1, Math.floor(((i + 0.5) * rw) / bw)),
    );
    const nearestJ = Int32Array.from({ length: bh }, (_, j) =>
      Math.min(rh - 1, Math.floor(((j + 0.5) * rh) / bh)),
    );
    for (let k = 0; k < nz; k++) {
      resamplePlane(r.probabilities!, k * rw * rh, rw, rw, rh, plane, 0, bw, bh, up);
      for (let j = 0; j < bh; j++)
        for (let i = 0; i < bw; i++) {
          const p = plane[j * bw + i]!;
          const dst = k * n + (box.j0 + j) * nx + box.i0 + i;
          const label =
            K === 1 ? (p > threshold ? 1 : 0) : r.labels[k * rw * rh + nearestJ[j]! * rw + nearestI[i]!]!;
          if (label) {
            labels[dst] = label;
            foreground++;
          }
          if (probabilities) probabilities[dst] = p;
        }
    }
  }
  return {
    dims: [nx, ny, nz],
    labels,
    probabilities,
    meanEntropyBits: sliceEntropy.reduce((a, v) => a + v, 0) / Math.max(1, nz),
    sliceEntropyBits: sliceEntropy,
    foregroundVoxels: foreground,
    box,
    reduced: [rw, rh],
  };
}

// Exact Euclidean distance transforms on a 2D grid with anisotropic pixels (Felzenszwalb & Huttenlocher,
// "Distance Transforms of Sampled Functions", 2012): squared distances in mm² from each pixel centre to the
// nearest feature pixel centre, in two separable passes of lower envelopes of parabolas.
//
// Layout: row-major, pixel (x, y) at x + y*w; x steps are `sx` mm, y steps `sy` mm.
import { lowerEnvelope } from '../geometry/parabola-envelope';

/** 1D pass over f: out[q] = min_p (q−p)²·s² + f[p] (Infinity when every f[p] is). */
function edt1d(
  f: Float64Array,
  n: number,
  s: number,
  out: Float64Array,
  v: Int32Array,
  z: Float64Array,
): void {
  const s2 = s * s;
  if (lowerEnvelope(f, 0, n, s2, v, z) === 0) {
    out.fill(Infinity, 0, n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1]! < q) j++;
    const p = v[j]!;
    out[q] = (q - p) * (q - p) * s2 + f[p]!;
  }
}

/** Squared distance (mm²) from each pixel to the nearest pixel where `feature` is non-zero (Infinity if none). */
export function squaredDistance2d(
  feature: Uint8Array,
  w: number,
  h: number,
  sx: number,
  sy: number,
): Float64Array {
  const d = new Float64Array(w * h);
  for (let n = 0; n < w * h; n++) d[n] = feature[n] ? 0 : Infinity;
  const len = Math.max(w, h);
  const f = new Float64Array(len);
  const out = new Float64Array(len);
  const v = new Int32Array(len);
  const z = new Float64Array(len + 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = d[x + y * w]!;
    edt1d(f, w, sx, out, v, z);
    for (let x = 0; x < w; x++) d[x + y * w] = out[x]!;
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = d[x + y * w]!;
    edt1d(f, h, sy, out, v, z);
    for (let y = 0; y < h; y++) d[x + y * w] = out[y]!;
  }
  return d;
}

/**
 * Signed distance (mm) of each pixel to the shape `inside` (non-zero = in): positive outside (distance to the
 * nearest inside pixel), negative inside (minus the distance to the nearest outside pixel).
 */
export function signedDistance2d(
  inside: Uint8Array,
  w: number,
  h: number,
  sx: number,
  sy: number,
): Float64Array {
  const toIn = squaredDistance2d(inside, w, h, sx, sy);
  const outside = new Uint8Array(w * h);
  for (let n = 0; n < w * h; n++) outside[n] = inside[n] ? 0 : 1;
  const toOut = squaredDistance2d(outside, w, h, sx, sy);
  const sd = new Float64Array(w * h);
  for (let n = 0; n < w * h; n++) sd[n] = inside[n] ? -Math.sqrt(toOut[n]!) : Math.sqrt(toIn[n]!);
  return sd;
}

// The one-dimensional step of the exact Euclidean distance transforms (Felzenszwalb & Huttenlocher,
// "Distance Transforms of Sampled Functions", Theory of Computing 8, 2012): the lower envelope of the
// parabolas s2 (x - q)^2 + f(q), in O(n). The 3D transform of the metrics (metrics/edt.ts) and the 2D one
// of the labelling tools (labelling/distance.ts) both build on it.

/**
 * Lower envelope of the parabolas y = s2 (x - q)^2 + f[base + q] for q in 0..n-1 with finite f
 * (Felzenszwalb-Huttenlocher). Writes vertex positions to v[0..m) and the breakpoints to z[0..m]; returns m.
 */
export function lowerEnvelope(
  f: Float64Array,
  base: number,
  n: number,
  s2: number,
  v: Int32Array,
  z: Float64Array,
): number {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[base + q]!;
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    const hq = fq + s2 * q * q;
    let s: number;
    for (;;) {
      const p = v[k]!;
      s = (hq - (f[base + p]! + s2 * p * p)) / (2 * s2 * (q - p));
      if (s <= z[k]!) k--;
      else break;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  return k + 1;
}

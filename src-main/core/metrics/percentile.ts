// Percentiles as numpy.percentile's default ('linear', Hyndman & Fan type 7): for sorted x[0..n-1] and
// q in [0, 100], rank h = (n - 1) q / 100, and the result is x[floor h] + (h - floor h)(x[ceil h] - x[floor h]).

/** The q-th percentile of `values` (sorted in place). NaN for an empty array. */
export function percentileLinear(values: Float64Array, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  values.sort();
  const h = ((n - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const t = h - lo;
  const a = values[lo]!;
  const b = values[hi]!;
  // numpy's _lerp: evaluate from the nearer end so that t = 1 gives b exactly.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

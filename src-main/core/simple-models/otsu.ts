// Otsu's threshold, as scikit-image's threshold_otsu computes it: a histogram of `nbins` equal bins over
// [min, max] of the values (numpy's binning: the maximum falls in the last bin), the between-class variance
// w1·w2·(m1 − m2)² of each split between two bins, with bin centres as the values, and the centre of the
// last bin of the lower class at the first maximum as the threshold. Foreground is `value > threshold`.
// Values are physical (HU for CT); NaNs are skipped.

export interface OtsuResult {
  threshold: number;
  /** The histogram's range, in the values' units. */
  min: number;
  max: number;
}

export function otsuThreshold(values: ArrayLike<number>, nbins = 256): OtsuResult {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) throw new RangeError('Otsu needs at least one value');
  // One value only: nothing to split; every voxel is at the threshold (none above it).
  if (min === max) return { threshold: min, min, max };
  const width = (max - min) / nbins;
  const hist = new Float64Array(nbins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    hist[Math.min(nbins - 1, Math.floor((v - min) / width))]! += 1;
  }
  const centre = (b: number) => min + (b + 0.5) * width;
  let total = 0;
  let totalSum = 0;
  for (let b = 0; b < nbins; b++) {
    total += hist[b]!;
    totalSum += hist[b]! * centre(b);
  }
  let w1 = 0;
  let s1 = 0;
  let best = -1;
  let bestBin = 0;
  for (let b = 0; b < nbins - 1; b++) {
    w1 += hist[b]!;
    s1 += hist[b]! * centre(b);
    const w2 = total - w1;
    if (w1 === 0 || w2 === 0) continue;
    const d = s1 / w1 - (totalSum - s1) / w2;
    const between = w1 * w2 * d * d;
    if (between > best) {
      best = between;
      bestBin = b;
    }
  }
  return { threshold: centre(bestBin), min, max };
}

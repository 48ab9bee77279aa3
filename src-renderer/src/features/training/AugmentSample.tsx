// One augmented sample drawn on a canvas: the image (normalised 0..1, row-major with i fastest, as the
// network sees it) in grey, the augmented mask tinted yellow over it, and what was applied underneath.
import { useEffect, useRef } from 'react';

export interface AugmentSampleData {
  width: number;
  height: number;
  /** width*height intensities in 0..1, index i + j*width. */
  image: ArrayLike<number>;
  /** width*height labels (0 = background), the same transform applied; null when the case has none. */
  mask: ArrayLike<number> | null;
  /** What was applied, e.g. "rotate 12°", "gamma 0.8". */
  applied: string[];
}

/** RGBA pixels: grey image, mask voxels tinted (alpha-blended 40 % towards #ffd54a). */
export function samplePixels(s: AugmentSampleData): Uint8ClampedArray<ArrayBuffer> {
  const n = s.width * s.height;
  const out = new Uint8ClampedArray(new ArrayBuffer(n * 4));
  for (let p = 0; p < n; p++) {
    const g = Math.round(Math.min(1, Math.max(0, Number(s.image[p] ?? 0))) * 255);
    const m = s.mask !== null && Number(s.mask[p] ?? 0) !== 0;
    out[p * 4] = m ? Math.round(g * 0.6 + 255 * 0.4) : g;
    out[p * 4 + 1] = m ? Math.round(g * 0.6 + 213 * 0.4) : g;
    out[p * 4 + 2] = m ? Math.round(g * 0.6 + 74 * 0.4) : g;
    out[p * 4 + 3] = 255;
  }
  return out;
}

export function AugmentSample({ sample, index }: { sample: AugmentSampleData; index: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(samplePixels(sample), sample.width, sample.height), 0, 0);
  }, [sample]);
  return (
    <figure className="augment-sample" data-testid={`augment-sample-${index}`}>
      <canvas ref={canvas} width={sample.width} height={sample.height} />
      <figcaption className="muted">
        {sample.applied.length ? sample.applied.join(', ') : 'unchanged'}
      </figcaption>
    </figure>
  );
}

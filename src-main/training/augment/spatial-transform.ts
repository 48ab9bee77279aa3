// Geometric augmentation of a 2D sample: rotation, isotropic scaling and mirroring about the slice's
// centre, applied to the image channels and the target by ONE mapping, so they stay aligned.
//
// Layout: a plane is h rows of w pixels, pixel (x, y) at x + y*w (x along the volume's i, y along j).
// Output pixel p = (x, y) reads the input at  c + R(angle) * scale * (m(p) - c),  c = ((w-1)/2, (h-1)/2),
// m mirroring x and/or y about c. Images: bilinear; targets: nearest (hard labels) or bilinear (soft
// targets, values in [0, 1]). Outside the input the image reads 0 (the mean of a z-scored image; nnU-Net's
// grid_sample pads with zeros too) and the target reads 0 (background).
import type { SeededRandom } from '../model/seeded-random';
import type { AugmentConfig, Range } from './augment-config';

export interface SpatialParams {
  /** Radians, counter-clockwise in (x, y). */
  angle: number;
  /** Sampling-grid scale: > 1 shows more of the slice (objects smaller). */
  scale: number;
  mirrorX: boolean;
  mirrorY: boolean;
}

export const IDENTITY: SpatialParams = { angle: 0, scale: 1, mirrorX: false, mirrorY: false };

export function uniform(r: Range, rnd: SeededRandom): number {
  if (r.split) {
    // BGContrast: half the time below 1, half above (when the range straddles 1).
    if (r.lo < 1 && r.hi > 1)
      return rnd.next() < 0.5 ? r.lo + (1 - r.lo) * rnd.next() : 1 + (r.hi - 1) * rnd.next();
  }
  return r.lo + (r.hi - r.lo) * rnd.next();
}

/** Draws the geometric parameters (always the same number of draws, so later draws do not depend on
 *  which transforms fired). */
export function sampleSpatial(c: AugmentConfig, rnd: SeededRandom): SpatialParams {
  const doRot = rnd.next() < c.rotation.p;
  const angle = uniform(c.rotation.range, rnd);
  const doScale = rnd.next() < c.scaling.p;
  const scale = uniform(c.scaling.range, rnd);
  const mirrorX = rnd.next() < c.mirror.pPerAxis;
  const mirrorY = rnd.next() < c.mirror.pPerAxis;
  return { angle: doRot ? angle : 0, scale: doScale ? scale : 1, mirrorX, mirrorY };
}

export function isIdentity(p: SpatialParams): boolean {
  return p.angle === 0 && p.scale === 1 && !p.mirrorX && !p.mirrorY;
}

/** Source coordinates (fractional) of every output pixel: [sx0, sy0, sx1, sy1, ...]. */
function sourceGrid(w: number, h: number, p: SpatialParams): Float64Array {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const cos = Math.cos(p.angle) * p.scale;
  const sin = Math.sin(p.angle) * p.scale;
  const g = new Float64Array(2 * w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const dx = (p.mirrorX ? w - 1 - x : x) - cx;
      const dy = (p.mirrorY ? h - 1 - y : y) - cy;
      const o = 2 * (x + y * w);
      g[o] = cx + cos * dx - sin * dy;
      g[o + 1] = cy + sin * dx + cos * dy;
    }
  return g;
}

function bilinear(src: ArrayLike<number>, w: number, h: number, sx: number, sy: number, scale = 1): number {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  let v = 0;
  for (let dy = 0; dy < 2; dy++) {
    const yy = y0 + dy;
    if (yy < 0 || yy >= h) continue;
    const wy = dy ? fy : 1 - fy;
    for (let dx = 0; dx < 2; dx++) {
      const xx = x0 + dx;
      if (xx < 0 || xx >= w) continue;
      const wx = dx ? fx : 1 - fx;
      v += wx * wy * src[xx + yy * w]! * scale;
    }
  }
  return v;
}

/** Applies p to each image channel (bilinear) and to the target (nearest, or bilinear when soft).
 *  Returns new arrays; the inputs are not changed. */
export function applySpatial(
  channels: Float32Array[],
  target: Float32Array | null,
  w: number,
  h: number,
  p: SpatialParams,
  softTarget = false,
): { channels: Float32Array[]; target: Float32Array | null } {
  if (isIdentity(p)) return { channels: channels.map((c) => c.slice()), target: target?.slice() ?? null };
  const g = sourceGrid(w, h, p);
  const n = w * h;
  const outCh = channels.map((c) => {
    const o = new Float32Array(n);
    for (let i = 0; i < n; i++) o[i] = bilinear(c, w, h, g[2 * i]!, g[2 * i + 1]!);
    return o;
  });
  let outT: Float32Array | null = null;
  if (target) {
    outT = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const sx = g[2 * i]!;
      const sy = g[2 * i + 1]!;
      if (softTarget) outT[i] = bilinear(target, w, h, sx, sy);
      else {
        const xx = Math.round(sx);
        const yy = Math.round(sy);
        outT[i] = xx >= 0 && xx < w && yy >= 0 && yy < h ? target[xx + yy * w]! : 0;
      }
    }
  }
  return { channels: outCh, target: outT };
}

export function describeSpatial(p: SpatialParams): string[] {
  const out: string[] = [];
  if (p.angle !== 0) out.push(`rotate ${((p.angle * 180) / Math.PI).toFixed(0)}°`);
  if (p.scale !== 1) out.push(`scale ${p.scale.toFixed(2)}`);
  if (p.mirrorX) out.push('mirror i');
  if (p.mirrorY) out.push('mirror j');
  return out;
}

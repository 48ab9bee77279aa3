// The coordinate planes of a model's input (unet-config.ts `coordinates`): two planes after the image
// channels holding each pixel's place on its slice, along i then j. Pixel i of an axis of n pixels sits at
// (2i + 1) / n - 1: -1 at the slice's first edge, +1 at its last, 0 at its centre, whatever the slice's size.
// Pixels a frame adds beyond the slice (zero padding to the network's multiple, a crop's padding) carry the
// same line continued, so padding reads as "beyond the edge" rather than as a place on the slice.
//
// A frame is what the network is shown: a crop, a padded slice, a mirrored view, a resampled box. Its pixel
// (x, y) shows the slice's pixel (i0 + di*x, j0 + dj*y) (fractional where the frame is resampled; di = -1 for
// a view mirrored along i), so the planes follow the pixels wherever the frame moved them, as the image does.
// Output: NHWC for one image, pixel (x, y)'s channel c at off + (y*wp + x)*stride + c.

export interface CoordinateFrame {
  /** The slice's size (pixels along i and j). */
  nx: number;
  ny: number;
  /** Slice pixel shown at the frame's pixel 0, and the step per frame pixel, along i and j. */
  i0: number;
  di: number;
  j0: number;
  dj: number;
}

/** The place of pixel index i (fractional allowed) on an axis of n pixels. */
export function coordinate(i: number, n: number): number {
  return (2 * i + 1) / n - 1;
}

/** A frame showing the slice as it lies (pixel (x, y) is the slice's (x, y)). */
export function sliceFrame(nx: number, ny: number): CoordinateFrame {
  return { nx, ny, i0: 0, di: 1, j0: 0, dj: 1 };
}

/** Frame `f` of a w x h image mirrored along i (bit 0 of `m`) and j (bit 1), as the test-time views of
 *  engine/infer-volume.ts show it: the view's pixel x shows the image's pixel w - 1 - x. */
export function mirrorFrame(f: CoordinateFrame, w: number, h: number, m: number): CoordinateFrame {
  return {
    ...f,
    i0: m & 1 ? f.i0 + f.di * (w - 1) : f.i0,
    di: m & 1 ? -f.di : f.di,
    j0: m & 2 ? f.j0 + f.dj * (h - 1) : f.j0,
    dj: m & 2 ? -f.dj : f.dj,
  };
}

/** Writes the two planes for every pixel of a wp x hp frame into channels `channel` and `channel + 1`. */
export function writeCoordinates(
  out: Float32Array,
  off: number,
  stride: number,
  channel: number,
  wp: number,
  hp: number,
  f: CoordinateFrame,
): void {
  if (channel + 1 >= stride) throw new RangeError('the coordinate planes lie outside the pixel stride');
  const ci = new Float32Array(wp);
  for (let x = 0; x < wp; x++) ci[x] = coordinate(f.i0 + f.di * x, f.nx);
  for (let y = 0; y < hp; y++) {
    const cj = coordinate(f.j0 + f.dj * y, f.ny);
    for (let x = 0; x < wp; x++) {
      const at = off + (y * wp + x) * stride + channel;
      out[at] = ci[x]!;
      out[at + 1] = cj;
    }
  }
}

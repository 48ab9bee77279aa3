// A "where is the crop's centre" input plane, for crop data sets cut around their object: the LIDC crops
// are centred on the nodule by their preprocessing (the majority vote's centroid lies within 5.5 pixels of
// the centre on 90% of the slices that have one), so position is information that a network trained on
// random windows (data/slice-batches.ts `patch`) cannot otherwise see. Each slice gets one more plane, the
// last, holding every pixel's distance to the slice's centre ((S-1)/2, (S-1)/2) as a byte: 0 at the centre,
// 255 at the corners (distance / half-diagonal * 255). It is CoordConv's idea with one radial plane, which
// the 8 flips/rotations of the square leave unchanged, and which a window cuts out with the image.
import type { SliceData } from '../../training/data/slice-batches';

/** The distance plane of a width x height slice, x + y*width. */
export function centreDistancePlane(width: number, height: number): Uint8Array {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const far = Math.hypot(cx, cy) || 1;
  const plane = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      plane[x + y * width] = Math.round((Math.hypot(x - cx, y - cy) / far) * 255);
  return plane;
}

/** The samples, in the same order, each with the distance plane appended as its last channel. */
export function withCentreDistance<T extends SliceData>(samples: T[]): T[] {
  const planes = new Map<string, Uint8Array>();
  return samples.map((s) => {
    const key = `${s.width}x${s.height}`;
    const plane = planes.get(key) ?? centreDistancePlane(s.width, s.height);
    planes.set(key, plane);
    const n = s.width * s.height;
    const C = s.channels ?? 1;
    if (s.image.length !== C * n) throw new RangeError(`image holds ${s.image.length} bytes, not ${C}x${n}`);
    const image = new Uint8Array((C + 1) * n);
    image.set(s.image);
    image.set(plane, C * n);
    return { ...s, image, channels: C + 1 };
  });
}

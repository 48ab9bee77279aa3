// Marker-based watershed (Meyer's flooding), as scikit-image's watershed(surface, markers) with
// 6-connectivity: every marker voxel floods outwards in order of the surface's value (lowest first; equal
// values in the order they were reached), and a voxel takes the label of the flood that reaches it first.
// On a gradient-magnitude surface the floods meet on the ridges: the edges of structures.
//
// Index layout: i + j*nx + k*nx*ny (i fastest); markers: 0 = unlabelled, 1..255 = a marker's label.
import { checkpoint, type ComputeControl } from '../compute/control';
import type { Vec3 } from '../geometry/affine';

/** A min-heap of voxel indices ordered by (value, age): equal values leave in arrival order. */
class FloodQueue {
  private keys: Float64Array;
  private ages: Float64Array;
  private items: Int32Array;
  size = 0;
  private age = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ages = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  private less(a: number, b: number): boolean {
    return this.keys[a]! < this.keys[b]! || (this.keys[a] === this.keys[b] && this.ages[a]! < this.ages[b]!);
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
    const g = this.ages[a]!;
    this.ages[a] = this.ages[b]!;
    this.ages[b] = g;
    const it = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = it;
  }

  push(item: number, key: number): void {
    let c = this.size++;
    this.keys[c] = key;
    this.ages[c] = this.age++;
    this.items[c] = item;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!this.less(c, p)) break;
      this.swap(c, p);
      c = p;
    }
  }

  pop(): number {
    const top = this.items[0]!;
    this.size--;
    if (this.size > 0) {
      this.keys[0] = this.keys[this.size]!;
      this.ages[0] = this.ages[this.size]!;
      this.items[0] = this.items[this.size]!;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < this.size && this.less(l, m)) m = l;
        if (r < this.size && this.less(r, m)) m = r;
        if (m === p) break;
        this.swap(p, m);
        p = m;
      }
    }
    return top;
  }
}

/** Labels every voxel reachable from a marker with the label of the flood that reaches it first. */
export function markerWatershed(
  surface: Float32Array,
  dims: Vec3,
  markers: Uint8Array,
  control?: ComputeControl,
): Uint8Array {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const n = nxy * nz;
  if (surface.length !== n || markers.length !== n)
    throw new RangeError(`surface and markers must have ${n} voxels (${dims.join('×')})`);
  const labels = markers.slice();
  const queue = new FloodQueue(n);
  for (let idx = 0; idx < n; idx++) if (labels[idx] !== 0) queue.push(idx, surface[idx]!);
  let done = 0;
  while (queue.size > 0) {
    const p = queue.pop();
    const label = labels[p]!;
    const i = p % nx;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / nxy);
    const visit = (q: number) => {
      if (labels[q] !== 0) return;
      labels[q] = label;
      queue.push(q, surface[q]!);
    };
    if (i > 0) visit(p - 1);
    if (i < nx - 1) visit(p + 1);
    if (j > 0) visit(p - nx);
    if (j < ny - 1) visit(p + nx);
    if (k > 0) visit(p - nxy);
    if (k < nz - 1) visit(p + nxy);
    if (++done % 262_144 === 0) checkpoint(control, done / n, 'watershed');
  }
  return labels;
}

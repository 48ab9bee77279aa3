// 2.5D input: axial slice k of a volume with its h neighbours on each side as channels (slices k-h..k+h,
// the nearest existing slice repeated beyond the volume's ends), for a model with 2h+1 input channels.
// Volume layout i + j*nx + k*nx*ny; output NHWC for one image: pixel (i, j), channel c at
// off + (j*wp + i)*stride + c (stride 2h+1, or more where other planes follow), in a frame of
// wp x hp >= nx x ny whose extra pixels are left as they are (zeros in a fresh array: the normalised mean).

export function sliceChannels(
  data: ArrayLike<number>,
  dims: [number, number, number],
  k: number,
  half: number,
  out: Float32Array,
  off: number,
  wp = dims[0],
  hp = dims[1],
  stride = 2 * half + 1,
): void {
  const [nx, ny, nz] = dims;
  if (k < 0 || k >= nz) throw new RangeError(`slice ${k} outside 0..${nz - 1}`);
  if (wp < nx || hp < ny) throw new RangeError('output frame smaller than the slice');
  const C = 2 * half + 1;
  if (stride < C) throw new RangeError('pixel stride smaller than the channels');
  for (let c = 0; c < C; c++) {
    const kk = Math.min(nz - 1, Math.max(0, k - half + c));
    const base = kk * nx * ny;
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) out[off + (j * wp + i) * stride + c] = data[base + j * nx + i]!;
  }
}

/** Slice k with its neighbours as channels: a new [ny, nx, 2h+1] array (NHWC without the batch). */
export function stackedSlice(
  data: ArrayLike<number>,
  dims: [number, number, number],
  k: number,
  half: number,
): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * (2 * half + 1));
  sliceChannels(data, dims, k, half, out, 0);
  return out;
}

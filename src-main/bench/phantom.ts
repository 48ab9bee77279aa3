// Synthetic test volumes for benchmarks.

/** A CT-like phantom (air, body, lungs, spine, noise) so that gzip compresses it as it would a real CT. */
export function ctPhantom(dims: [number, number, number]): Int16Array {
  const [nx, ny, nz] = dims;
  const out = new Int16Array(nx * ny * nz);
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = (i - nx / 2) / (nx * 0.42);
        const y = (j - ny / 2) / (ny * 0.32);
        let hu = -1000;
        if (x * x + y * y < 1) {
          hu = 40;
          const lx = (Math.abs(x) - 0.45) / 0.3;
          const ly = (y + 0.1) / 0.6;
          if (lx * lx + ly * ly < 1) hu = -850;
          const sx = x / 0.08;
          const sy = (y - 0.75) / 0.12;
          if (sx * sx + sy * sy < 1) hu = 700;
          hu += Math.round((rand() - 0.5) * 40);
        }
        out[i + j * nx + k * nx * ny] = hu + 1024; // stored; rescale intercept -1024
      }
    }
  }
  return out;
}

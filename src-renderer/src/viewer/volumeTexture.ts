// The copy of the volume the 3D view uploads as a texture: physical values (stored*slope + intercept),
// nearest-neighbour subsampled with an integer factor per axis so that it stays within a voxel budget
// (a 512×512×300 CT becomes 171×171×100). Subsampled voxel (a, b, c) is source voxel (a*fi, b*fj, c*fk),
// so the LPS origin is unchanged and the spacing grows by the factors.
//
// Index layout in and out: i fastest (i + j*nx + k*nx*ny).

import type { Vec3 } from '@core/geometry/affine';
import type { Rescale, ScalarType, VoxelArray } from '@core/volume/types';

/** Voxels uploaded to the 3D texture at most, and the largest size along one axis. */
export const TEXTURE_MAX_VOXELS = 4_000_000;
export const TEXTURE_MAX_DIM = 256;
/** Budget when WebGL runs on the CPU (SwiftShader, llvmpipe). */
export const SOFTWARE_TEXTURE_MAX_VOXELS = 1_000_000;
export const SOFTWARE_TEXTURE_MAX_DIM = 128;

export interface TextureVolume {
  dims: Vec3;
  /** Integer subsampling factor per axis (1 = every voxel). */
  factors: Vec3;
  /** Int16 when every physical value is an integer in range (CT in HU), else Float32. */
  data: Int16Array | Float32Array;
}

/** Per-axis factors: raise the factor of the axis with the most remaining samples until within budget. */
export function textureFactors(dims: Vec3, maxVoxels = TEXTURE_MAX_VOXELS, maxDim = TEXTURE_MAX_DIM): Vec3 {
  const f: Vec3 = [1, 1, 1];
  const size = (a: 0 | 1 | 2): number => Math.ceil(dims[a] / f[a]);
  for (;;) {
    const s: Vec3 = [size(0), size(1), size(2)];
    if (s[0] * s[1] * s[2] <= maxVoxels && Math.max(...s) <= maxDim) return f;
    const a: 0 | 1 | 2 = s[0] >= s[1] && s[0] >= s[2] ? 0 : s[1] >= s[2] ? 1 : 2;
    f[a] += 1;
  }
}

/**
 * Whether every physical value is an integer within int16: integer stored type and rescale, and either the
 * type's whole range or the known physical range (VolumeMeta.stats) fits.
 */
function fitsInt16(type: ScalarType, rescale: Rescale, physicalRange?: [number, number]): boolean {
  if (!Number.isInteger(rescale.slope) || !Number.isInteger(rescale.intercept)) return false;
  if (type === 'float32' || type === 'float64') return false;
  if (physicalRange && physicalRange[0] >= -32768 && physicalRange[1] <= 32767) return true;
  const range: Record<ScalarType, [number, number] | null> = {
    uint8: [0, 255],
    int8: [-128, 127],
    uint16: [0, 65535],
    int16: [-32768, 32767],
    uint32: null,
    int32: null,
    float32: null,
    float64: null,
  };
  const r = range[type];
  if (!r) return false;
  const a = r[0] * rescale.slope + rescale.intercept;
  const b = r[1] * rescale.slope + rescale.intercept;
  return Math.min(a, b) >= -32768 && Math.max(a, b) <= 32767;
}

export function buildTextureVolume(
  voxels: VoxelArray,
  type: ScalarType,
  dims: Vec3,
  rescale: Rescale,
  factors: Vec3 = textureFactors(dims),
  physicalRange?: [number, number],
): TextureVolume {
  const out: Vec3 = [
    Math.ceil(dims[0] / factors[0]),
    Math.ceil(dims[1] / factors[1]),
    Math.ceil(dims[2] / factors[2]),
  ];
  const n = out[0] * out[1] * out[2];
  const asInt16 = fitsInt16(type, rescale, physicalRange);
  const data = asInt16 ? new Int16Array(n) : new Float32Array(n);
  const { slope, intercept } = rescale;
  // Clamped so that a wrong physical range saturates instead of wrapping around in the Int16Array.
  const lo = asInt16 ? -32768 : -Infinity;
  const hi = asInt16 ? 32767 : Infinity;
  const sx = factors[0];
  const sy = factors[1] * dims[0];
  const sz = factors[2] * dims[0] * dims[1];
  let o = 0;
  for (let c = 0; c < out[2]; c++) {
    for (let b = 0; b < out[1]; b++) {
      let idx = c * sz + b * sy;
      for (let a = 0; a < out[0]; a++, idx += sx) {
        const x = voxels[idx]! * slope + intercept;
        data[o++] = x < lo ? lo : x > hi ? hi : x;
      }
    }
  }
  return { dims: out, factors, data };
}

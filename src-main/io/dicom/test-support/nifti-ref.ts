// Test helper: reads the few NIfTI-1 header fields needed to compare a DICOM volume with a peer tool's NIfTI
// conversion (dcm2niix), without depending on Concord's own NIfTI reader. Little-endian .nii / .nii.gz only.
import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Mat4, Vec3 } from '../../../core/geometry/affine';

export interface NiftiRef {
  dims: Vec3;
  datatype: number;
  /** sform (or qform-free fallback: sform is required here) as a row-major 4x4, RAS mm. */
  affineRAS: Mat4;
  sformCode: number;
  /** Voxel values as numbers (scl_slope/inter applied when set), index i + j*nx + k*nx*ny. */
  values: Float64Array;
}

export function readNiftiRef(file: string): NiftiRef {
  let buf = fs.readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getInt32(0, true) !== 348) throw new Error(`${file}: not a little-endian NIfTI-1 file`);
  const dims: Vec3 = [dv.getInt16(42, true), dv.getInt16(44, true), dv.getInt16(46, true)];
  const datatype = dv.getInt16(70, true);
  const voxOffset = dv.getFloat32(108, true);
  const slope = dv.getFloat32(112, true);
  const inter = dv.getFloat32(116, true);
  const sformCode = dv.getInt16(254, true);
  if (sformCode <= 0) throw new Error(`${file}: no sform`);
  const affineRAS: Mat4 = [];
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++) affineRAS.push(dv.getFloat32(280 + 16 * r + 4 * c, true));
  affineRAS.push(0, 0, 0, 1);
  const n = dims[0] * dims[1] * dims[2];
  const values = new Float64Array(n);
  const scale = slope !== 0 && Number.isFinite(slope) ? slope : 1;
  const offset = Number.isFinite(inter) && slope !== 0 ? inter : 0;
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (datatype) {
      case 4:
        v = dv.getInt16(voxOffset + 2 * i, true);
        break;
      case 512:
        v = dv.getUint16(voxOffset + 2 * i, true);
        break;
      case 2:
        v = dv.getUint8(voxOffset + i);
        break;
      case 16:
        v = dv.getFloat32(voxOffset + 4 * i, true);
        break;
      default:
        throw new Error(`${file}: datatype ${datatype} not handled by the test helper`);
    }
    values[i] = v * scale + offset;
  }
  return { dims, datatype, affineRAS, sformCode, values };
}

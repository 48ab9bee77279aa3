// The augmentation preview: N augmented versions of one axial slice of a stored volume, as training would
// make them (the same normalisation, the same transforms from training/augment/ with nnU-Net's defaults),
// with the caller's own mask of that slice transformed alongside (blinding: only their own annotation;
// none, null). Small and quick (a crop of at most 256x256, at most 16 samples), so it runs in the host;
// only the slice's bytes are read from the voxel blob.
import fs from 'node:fs';
import type { AugmentPreview } from '../../core/model';
import { InputError, NotFoundError } from '../../core/errors';
import { BYTES_PER_SCALAR, voxelView } from '../../core/volume/types';
import { findManualAnnotation } from '../../db/repositories/annotations';
import { getRevision } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import { NNUNET_2D_DEFAULTS } from '../../training/augment/augment-config';
import { previewAugmentations } from '../../training/augment/augment-sample';
import { defaultNormalisation, normaliseToBytes } from '../../training/process/normalise';
import type { Workspace } from '../../workspace/workspace';
import type { Profile } from '../identity/access';
import { readRevisionLabels } from '../masks/revision-reader';

export async function augmentPreview(
  ws: Workspace,
  viewer: Profile,
  r: { volumeId: number; slice: number; count: number; seed?: number; cropSize?: number },
): Promise<AugmentPreview> {
  const v = getVolume(ws.db, r.volumeId);
  if (!v) throw new NotFoundError(`volume ${r.volumeId} does not exist`);
  const [nx, ny, nz] = v.dims;
  if (!Number.isInteger(r.slice) || r.slice < 0 || r.slice >= nz)
    throw new InputError(undefined, `slice must be 0..${nz - 1}`);
  if (!Number.isInteger(r.count) || r.count < 1 || r.count > 16)
    throw new InputError(undefined, 'count must be 1..16');
  const crop = r.cropSize ?? 128;
  if (!Number.isInteger(crop) || crop < 8 || crop > 256)
    throw new InputError(undefined, 'cropSize must be 8..256');
  // The slice's stored values, straight from the blob (k-th block of nx*ny voxels).
  const size = BYTES_PER_SCALAR[v.scalarType];
  const bytes = Buffer.alloc(nx * ny * size);
  const fd = fs.openSync(ws.blobs.pathOf(v.checksum), 'r');
  try {
    fs.readSync(fd, bytes, 0, bytes.length, r.slice * nx * ny * size);
  } finally {
    fs.closeSync(fd);
  }
  const data = voxelView(v.scalarType, bytes.buffer, bytes.byteOffset, nx * ny);
  // Percentile and z-score normalisations are per volume in training; the preview takes the slice's own.
  const norm = defaultNormalisation(v.modality, v.stats.min);
  const raw = { data, rescale: v.rescale };
  const img = normaliseToBytes(raw, norm);

  let mask: Uint8Array | null = null;
  const own = findManualAnnotation(ws.db, v.id, viewer.id);
  if (own?.headRevisionId) {
    const rev = getRevision(ws.db, own.headRevisionId)!;
    const labels = await readRevisionLabels(ws, rev, v.dims);
    mask = labels.slice(r.slice * nx * ny, (r.slice + 1) * nx * ny);
  }
  // Crop centre: the mask's centroid when the slice has one, else the slice centre.
  let ci = nx >> 1;
  let cj = ny >> 1;
  if (mask) {
    let n = 0;
    let si = 0;
    let sj = 0;
    for (let p = 0; p < mask.length; p++)
      if (mask[p]) {
        n++;
        si += p % nx;
        sj += Math.floor(p / nx);
      }
    if (n > 0) [ci, cj] = [Math.round(si / n), Math.round(sj / n)];
  }
  const w = Math.min(crop, nx);
  const h = Math.min(crop, ny);
  const i0 = Math.max(0, Math.min(nx - w, ci - (w >> 1)));
  const j0 = Math.max(0, Math.min(ny - h, cj - (h >> 1)));
  const image = new Float32Array(w * h);
  const target = mask ? new Float32Array(w * h) : null;
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const p = i0 + i + (j0 + j) * nx;
      image[i + j * w] = img[p]! / 255;
      if (target) target[i + j * w] = mask![p] ? 1 : 0;
    }
  const samples = previewAugmentations(
    { width: w, height: h, channels: [image], target },
    r.count,
    NNUNET_2D_DEFAULTS,
    r.seed ?? 1,
  );
  const round = (a: Float32Array) => Array.from(a, (x) => Math.round(x * 1000) / 1000);
  return {
    width: w,
    height: h,
    origin: [i0, j0],
    normalisation: norm,
    samples: samples.map((s) => ({
      image: round(s.channels[0]!),
      mask: s.target ? Array.from(s.target, (x) => (x >= 0.5 ? 1 : 0)) : null,
      applied: s.applied,
    })),
  };
}

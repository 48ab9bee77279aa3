// Loads a stored volume back into memory as an ImageVolume (voxels verified against their checksum).
import { NotFoundError } from '../../core/errors';
import { BYTES_PER_SCALAR, voxelView } from '../../core/volume/types';
import type { ImageVolume } from '../../core/volume/types';
import { getVolume, getVolumeSource } from '../../db/repositories/volumes';
import type { Workspace } from '../../workspace/workspace';

export async function loadVolume(ws: Workspace, volumeId: number): Promise<ImageVolume> {
  const meta = getVolume(ws.db, volumeId);
  if (!meta) throw new NotFoundError(`volume ${volumeId} does not exist`);
  const stored = getVolumeSource(ws.db, volumeId)!;
  const bytes = await ws.blobs.read(meta.checksum);
  const size = BYTES_PER_SCALAR[meta.scalarType];
  // Typed arrays need an offset aligned to their element size; small Buffers may sit in a shared pool.
  const aligned = bytes.byteOffset % size === 0 ? bytes : Buffer.from(bytes);
  const data = voxelView(meta.scalarType, aligned.buffer, aligned.byteOffset, aligned.byteLength / size);
  const source = stored.source as ImageVolume['source'];
  return {
    geometry: { dims: meta.dims, affineLPS: meta.affineLPS },
    scalarType: meta.scalarType,
    data,
    frames: meta.frames,
    rescale: meta.rescale,
    source: { ...source, description: meta.name },
  };
}

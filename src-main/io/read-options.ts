// Options every volume reader takes: cancellation, progress (fraction 0..1 of the reader's work), the voxel limit.
export interface ReadOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, detail?: string) => void;
  /** Keep patient name / ID / birth date in source.patient (off by default: it is dropped at import). */
  keepPatientIdentity?: boolean;
  /**
   * Largest image accepted, in voxels (all frames counted); checked from the header before anything is
   * allocated or decompressed. Default: CONCORD_MAX_VOXELS, else DEFAULT_MAX_VOXELS (limits.ts: maxVoxelsOf).
   */
  maxVoxels?: number;
}

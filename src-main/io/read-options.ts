// Options every volume reader takes: cancellation and progress (fraction 0..1 of the reader's work).
export interface ReadOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, detail?: string) => void;
  /** Keep patient name / ID / birth date in source.patient (off by default: it is dropped at import). */
  keepPatientIdentity?: boolean;
}

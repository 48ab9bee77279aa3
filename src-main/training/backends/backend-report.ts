// What the training engine tells the user (and records with a run) about where it computes.

export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendRequest = BackendName | 'auto';

export interface BackendUnavailable {
  backend: BackendName;
  reason: string;
}

export interface BackendReport {
  requested: BackendRequest;
  /** The tfjs backend that runs the training step. */
  active: BackendName;
  /** One line for the UI: what computes, e.g. "WebAssembly SIMD, 2 threads (Concord conv kernels)". */
  device: string;
  /** Backend-specific facts: threads, fast kernels, GPU adapter, whether a GPU is really used. */
  detail: Record<string, unknown>;
  /** Every backend not active, with why (not installed, no GPU, not tried because a better one ran). */
  unavailable: BackendUnavailable[];
}

export function isBackendRequest(s: string): s is BackendRequest {
  return s === 'auto' || (BACKEND_NAMES as readonly string[]).includes(s);
}

/** The one-line reason of an error, without a stack. */
export function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 300);
}

/** Whether `e` says that `pkg` itself cannot be found (not installed), as opposed to the package being there
 *  and failing to load (a missing shared library, a broken addon). */
export function isPackageMissing(e: unknown, pkg: string): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (msg.includes(`'${pkg}'`) || msg.includes(`"${pkg}"`))
  );
}

/** reasonOf for people: absolute file paths (of the bundle, of node_modules) shortened to their base name,
 *  since the reason is shown in the app and the path says nothing to its user. */
export function plainReasonOf(e: unknown): string {
  return reasonOf(e).replace(
    /(?<=^|[\s'"(])(?:[A-Za-z]:)?(?:[\\/][^\s'"():;,\\/]+)+[\\/]([^\s'"():;,\\/]+)/g,
    '$1',
  );
}

// The one place that tells a resource failure from bad input: an allocation, a decoder or a file operation that
// failed because this machine or process ran out of memory, address space or open files (RangeError "Array buffer
// allocation failed", a WebAssembly instance or memory that cannot be allocated under `ulimit -v`, Emscripten's
// "Cannot enlarge memory" / "Aborted(OOM)", zlib's Z_MEM_ERROR, ENOMEM, EMFILE...). Readers pass every failure
// through resourceErrorOf before wording it as bad input, so such a failure is reported as what it is
// (a ResourceError: code 'resource', CLI exit 3) with what to try, never as "corrupt" or "cannot decode".
import { ResourceError } from '../core/errors';

/** A ResourceError met while reading `file`: the message is "<file>: <reason>", as InputError's. */
export class ReadResourceError extends ResourceError {
  readonly file: string | undefined;
  readonly reason: string;

  constructor(file: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(file ? `${file}: ${reason}` : reason, options);
    this.file = file;
    this.reason = reason;
  }
}

export type ResourceKind = 'memory' | 'open-files';

/** Error codes (errno or Node/zlib) that mean a resource ran out. */
const CODES: Record<string, ResourceKind> = {
  ENOMEM: 'memory',
  Z_MEM_ERROR: 'memory',
  ERR_MEMORY_ALLOCATION_FAILED: 'memory',
  EMFILE: 'open-files',
  ENFILE: 'open-files',
};

/**
 * Messages of memory failures: V8 (ArrayBuffer, WebAssembly instance and memory), Emscripten (heap growth,
 * aborts), C++ (std::bad_alloc). "Invalid array buffer length" is not among them: that is a size no machine
 * can allocate, which the readers refuse as input before trying.
 */
const MEMORY_MESSAGE =
  /Array buffer allocation failed|out of memory|Cannot enlarge memory|Cannot allocate Wasm memory|could not allocate memory|Maximum memory size exceeded|bad_alloc/i;
/** Emscripten's abort reason for a failed heap growth: "Aborted(OOM)" (upper case only). */
const OOM = /\bOOM\b/;

const ADVICE: Record<ResourceKind, string> = {
  memory:
    'not enough memory; this is a limit of the machine or process, not a fault in the file: close other ' +
    "programs, raise the process's memory limit (ulimit -v) or use a machine with more memory",
  'open-files':
    'too many open files; this is a limit of the process, not a fault in the file: raise it (ulimit -n)',
};

/** Message of `e` (or `String(e)` for a thrown non-Error, as Emscripten and Embind throw). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What ran out when `e` (or an error in its `cause` chain) is a resource failure; undefined otherwise. */
export function resourceFailureOf(e: unknown): { kind: ResourceKind; cause: string } | undefined {
  for (let x: unknown = e, depth = 0; x !== undefined && x !== null && depth < 8; depth++) {
    const code = (x as { code?: unknown }).code;
    const kind =
      (typeof code === 'string' ? CODES[code] : undefined) ??
      (MEMORY_MESSAGE.test(messageOf(x)) || OOM.test(messageOf(x)) ? 'memory' : undefined);
    if (kind) return { kind, cause: shortCause(x) };
    x = x instanceof Error ? x.cause : undefined;
  }
  return undefined;
}

/** The failure's own words, on one line and short (Emscripten appends advice about build flags). */
function shortCause(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  let text = messageOf(e)
    .replace(/\s*Build with -s\S+ for more info\.?/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');
  if (typeof code === 'string' && !text.includes(code)) text = text ? `${code}: ${text}` : code;
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/**
 * `e` as a ResourceError naming `file` ("<doing>: not enough memory (<cause>); ... what to try") when it is a
 * resource failure; undefined otherwise, for the caller to word or rethrow. A ResourceError is returned as is.
 */
export function resourceErrorOf(
  e: unknown,
  file: string | undefined,
  doing: string,
): ResourceError | undefined {
  if (e instanceof ResourceError) return e;
  const failure = resourceFailureOf(e);
  if (!failure) return undefined;
  const [what, ...advice] = ADVICE[failure.kind].split(';');
  return new ReadResourceError(file, `${doing}: ${what} (${failure.cause});${advice.join(';')}`, {
    cause: e,
  });
}

/** `e` as a ResourceError when it is a resource failure, else `e` unchanged (for `catch (e) { throw ... }`). */
export function classified(e: unknown, file: string | undefined, doing: string): unknown {
  return resourceErrorOf(e, file, doing) ?? e;
}

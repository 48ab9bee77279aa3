// Errors that are the user's input's fault, as opposed to bugs. They carry a one-line message naming the
// file and the reason; hosts show it as is (the CLI exits 2, services answer { ok: false, code: 'bad-input' }).

export class InputError extends Error {
  override readonly name = 'InputError';
  /** The file (or folder) at fault, when there is one. */
  readonly file: string | undefined;
  readonly reason: string;

  constructor(file: string | undefined, reason: string) {
    super(file ? `${file}: ${reason}` : reason);
    this.file = file;
    this.reason = reason;
  }
}

/** Thrown when the user cancelled a long operation (AbortSignal). */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(what = 'operation') {
    super(`${what} cancelled`);
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** A record asked for by id does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request is valid but this host or build cannot do it (e.g. a native dialog in the web host). */
export class UnsupportedError extends Error {
  override readonly name = 'UnsupportedError';
}

/** The request raced another change (e.g. a commit whose parent is no longer the head revision). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** Signed out, or the signed-in profile may not do this (role, or blinding). */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** Another program holds the workspace's write lock longer than a write waits for it: try again. */
export class BusyError extends Error {
  override readonly name = 'BusyError';
}

/** The machine ran short of a resource (disk space, memory): the input may be fine. */
export class ResourceError extends Error {
  override readonly name = 'ResourceError';
}

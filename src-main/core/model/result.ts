// How an expected failure travels from main to the renderer, the CLI or a test: as data with a code,
// never as a thrown string (services throw core/errors.ts; dispatch turns them into these).

export type ErrorCode =
  | 'bad-input'
  | 'not-found'
  | 'cancelled'
  | 'unsupported'
  | 'conflict'
  /** Signed out, or the signed-in profile's role (or blinding) does not allow the request. */
  | 'forbidden'
  /** Another program holds the workspace's write lock (a CLI command, a second host): retry shortly. */
  | 'busy'
  /** The machine ran short of something: the disk holding the workspace is full, or memory ran out. */
  | 'resource'
  | 'internal';

export interface AppError {
  code: ErrorCode;
  /** One line, for the user: names the file and the reason where there is one. An internal error's message
   *  holds only an error id; the detail (stack, paths) is in the host's log under that id. */
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

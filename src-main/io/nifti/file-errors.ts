// File-system errors that are the user's input's fault (missing file, folder given, no permission) become
// InputError with a one-line reason; anything else (disk failure, bugs) is passed through unchanged.

import { CancelledError, InputError } from '../../core/errors';

const REASONS: Record<string, string> = {
  ENOENT: 'file not found',
  ENOTDIR: 'file not found (a parent is not a folder)',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
};

export function fileError(e: unknown, file: string): unknown {
  if (e instanceof InputError || e instanceof CancelledError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? REASONS[code] : undefined;
  return reason ? new InputError(file, reason) : e;
}

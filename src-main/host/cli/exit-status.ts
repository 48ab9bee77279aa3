// How a CLI command ends: expected errors (bad input, not found, cancelled, unsupported, conflict,
// forbidden) are one line on stderr and exit status 2; anything else is an internal error, status 1.
// Shared by `concord` (run.ts) and the self-contained bench bundles a borrowed GPU machine runs
// (bench-*-main.ts), which must not import the whole command table.
import {
  CancelledError,
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  UnsupportedError,
} from '../../core/errors';

function isExpected(e: unknown): boolean {
  return (
    e instanceof InputError ||
    e instanceof NotFoundError ||
    e instanceof CancelledError ||
    e instanceof UnsupportedError ||
    e instanceof ConflictError ||
    e instanceof ForbiddenError
  );
}

/** Writes the error as one line on stderr (its stack too for an internal error when `stack`) and returns
 *  the exit status. */
export function exitStatusOf(e: unknown, stack = Boolean(process.env['CONCORD_DEBUG'])): number {
  if (isExpected(e)) {
    process.stderr.write(`concord: ${(e as Error).message}\n`);
    return 2;
  }
  process.stderr.write(`concord: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (stack && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}

/** Entry of a bench bundle: runs the command and sets the exit status (stacks always: the bundles run on
 *  borrowed machines where a second try costs device time). */
export function runBundleEntry(command: () => Promise<number>): void {
  command().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = exitStatusOf(e, true);
    },
  );
}

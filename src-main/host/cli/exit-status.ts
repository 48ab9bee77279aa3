// How a CLI command ends: expected errors (bad input, not found, cancelled, unsupported, conflict,
// forbidden, busy) are one line on stderr and exit status 2; a resource failure (valid work this machine or
// process could not do: out of memory or address space, too many open files, a full disk) is one line and
// status 3, so that a script can tell "retry with more memory or space" from "this input is bad"; anything
// else is an internal error, status 1.
// Shared by `concord` (run.ts) and the self-contained bench bundles a GPU machine without node_modules
// runs (bench/training/train-main.ts, bench/quality/quality-main.ts), which must not import the whole
// command table.
import { toAppError } from '../../services/dispatch';

/** The app's own classification (services/dispatch.ts): every code but 'internal' is an expected error. */
function isExpected(e: unknown): boolean {
  return toAppError(e).code !== 'internal';
}

/** Exit status of a resource failure (toAppError code 'resource'). */
export const EXIT_RESOURCE = 3;

/** Writes the error as one line on stderr (its stack too for an internal error when `stack`) and returns
 *  the exit status. */
export function exitStatusOf(e: unknown, stack = Boolean(process.env['CONCORD_DEBUG'])): number {
  if (toAppError(e).code === 'resource') {
    process.stderr.write(`concord: ${(e as Error).message}\n`);
    return EXIT_RESOURCE;
  }
  if (isExpected(e)) {
    process.stderr.write(`concord: ${(e as Error).message}\n`);
    return 2;
  }
  process.stderr.write(`concord: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (stack && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}

/** Entry of a bench bundle: runs the command and sets the exit status (stacks always: the bundles run on
 *  GPU machines where a second try costs a long run). */
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

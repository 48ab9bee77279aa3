// `concord gc --workspace <dir> [--grace-minutes <n>] [--dry-run] [--json]`: removes blob files no database
// row refers to and that are older than the grace period (default 60 minutes), with one audit row
// (workspace/blob-gc.ts says why that is safe while the app runs on the same workspace).
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { collectBlobGarbage, DEFAULT_GRACE_MS } from '../../workspace/blob-gc';
import { MIN_SHARED_GRACE_MS, otherHolders } from '../../workspace/holders';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { optionString, parseArgs, requireOption } from './args';
import { printJson } from './output';

export async function runGc(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'grace-minutes'], flags: ['dry-run', 'json'] });
  if (args.positionals.length > 0) {
    throw new InputError(undefined, 'usage: concord gc --workspace <dir> [--grace-minutes <n>] [--dry-run]');
  }
  const dir = requireOption(args, 'workspace', 'gc');
  if (!fs.existsSync(path.join(dir, 'concord.db'))) {
    throw new InputError(dir, 'not a Concord workspace (no concord.db)');
  }
  const graceText = optionString(args, 'grace-minutes');
  const graceMinutes = graceText === undefined ? DEFAULT_GRACE_MS / 60_000 : Number(graceText);
  if (graceText !== undefined && !(/^\d+(\.\d+)?$/.test(graceText) && Number.isFinite(graceMinutes))) {
    throw new InputError(undefined, `--grace-minutes must be a number of minutes >= 0, not '${graceText}'`);
  }
  const ws = openWorkspace(dir);
  try {
    const others = otherHolders(ws.dir);
    if (others.length > 0 && graceMinutes * 60_000 < MIN_SHARED_GRACE_MS && !args.options.has('dry-run')) {
      throw new InputError(
        undefined,
        `${others.map((h) => `${h.what} (pid ${h.pid})`).join(', ')} has this workspace open: a grace below ${
          MIN_SHARED_GRACE_MS / 60_000
        } minutes could remove a blob a save has just written; use --grace-minutes ${MIN_SHARED_GRACE_MS / 60_000} or more, or close it first`,
      );
    }
    const r = collectBlobGarbage(ws, {
      graceMs: graceMinutes * 60_000,
      actor: localActor(),
      dryRun: args.options.has('dry-run'),
    });
    const dryRun = args.options.has('dry-run');
    if (args.options.has('json')) printJson({ ...r, graceMinutes, dryRun });
    else {
      process.stdout.write(
        `${dryRun ? 'would remove' : 'removed'} ${r.removed.length} unreferenced blob file(s), ` +
          `${(r.removedBytes / 2 ** 20).toFixed(1)} MiB; kept ${r.referenced} referenced and ${r.young} ` +
          `younger than ${graceMinutes} min (of ${r.scanned}); ${dryRun ? 'would remove' : 'removed'} ` +
          `${r.partial.removable} of ${r.partial.files} partial file(s) of interrupted writes, ` +
          `${(r.partial.removableBytes / 2 ** 20).toFixed(1)} MiB\n`,
      );
    }
    return 0;
  } finally {
    ws.close();
  }
}

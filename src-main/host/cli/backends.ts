// `concord backends [--json]`: which training backends start on this machine, best first, and in words why
// the others do not (the same probe as the app's backend list: `auto` started once in a trainer process).
import { InputError } from '../../core/errors';
import { probeBackends } from '../../services/training/backends';
import { forkLauncher } from '../../services/training/trainer-launcher';
import { parseArgs } from './args';
import { printJson } from './output';

const USAGE = 'usage: concord backends [--json]';

export async function runBackends(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: [], flags: ['json'] });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const rows = await probeBackends(forkLauncher());
  if (args.options.has('json')) {
    printJson(rows);
    return 0;
  }
  for (const r of rows) {
    const what = r.device ?? r.reason ?? '';
    process.stdout.write(`${r.backend.padEnd(10)} ${r.available ? 'available' : 'not available'}: ${what}\n`);
  }
  return 0;
}

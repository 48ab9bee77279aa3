// Which processes have a workspace open: each one (app host, CLI command) writes holders/<pid> when it
// opens the workspace and removes it when it closes; a holder whose process is gone (killed) is stale and
// is removed by whoever finds it. Two decisions need to know that nobody else is writing:
//  * a `.part` file in tmp/ (a blob being written) can never be completed once its writer is gone, so a
//    process that finds itself alone removes them all at open;
//  * blob collection with a short grace could remove a blob a running save wrote a moment before its row
//    commits, so `concord gc` refuses a grace below MIN_SHARED_GRACE_MS while another process holds it.
import fs from 'node:fs';
import path from 'node:path';

/** Longer than any save takes between writing its blob and committing its row. */
export const MIN_SHARED_GRACE_MS = 10 * 60_000;

export interface Holder {
  pid: number;
  startedAt: string;
  /** What the process is: 'web host', 'desktop', 'cli …'. */
  what: string;
}

const dirOf = (workspace: string): string => path.join(workspace, 'holders');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Registers this process as a holder; returns the function that unregisters it. */
export function holdWorkspace(workspace: string, what: string): () => void {
  const dir = dirOf(workspace);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, String(process.pid));
  const me: Holder = { pid: process.pid, startedAt: new Date().toISOString(), what };
  fs.writeFileSync(file, JSON.stringify(me), { mode: 0o600 });
  return () => fs.rmSync(file, { force: true });
}

/** The live holders other than this process (stale entries of dead processes are removed on the way). */
export function otherHolders(workspace: string): Holder[] {
  const dir = dirOf(workspace);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: Holder[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!/^\d+$/.test(name) || pid === process.pid) continue;
    const file = path.join(dir, name);
    if (!alive(pid)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    try {
      out.push(JSON.parse(fs.readFileSync(file, 'utf8')) as Holder);
    } catch {
      out.push({ pid, startedAt: '', what: 'a Concord process' });
    }
  }
  return out;
}

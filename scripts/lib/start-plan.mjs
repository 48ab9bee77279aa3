// `npm start`'s decisions, from what it observed (pure, so they are tested without Electron):
//  - what the better-sqlite3 probe under Electron's Node said (sqlite-probe.mjs), told with its real error;
//  - how the desktop app ended: a normal exit is passed on, a stop asked for (Ctrl+C, a signal to stop) too,
//    and any other death by a signal is a failure, explained, after which the web host starts instead.

/**
 * @param {{ status: number | null, signal: string | null, stdout: string, stderr: string, error?: string }} r
 *   the probe's spawnSync result
 * @returns {string | null} why Electron cannot load better-sqlite3 (null: it can)
 */
export function sqliteProbeProblem(r) {
  if (r.error) return `Electron could not run its Node to check better-sqlite3 (${r.error})`;
  const line = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .at(-1);
  let report = null;
  try {
    report = line ? JSON.parse(line) : null;
  } catch {
    report = null;
  }
  if (report?.ok && r.status === 0) return null;
  if (!report) {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with status ${r.status}`;
    const said = lastLines(r.stderr);
    return `Electron's Node ${how} while checking better-sqlite3${said ? `: ${said}` : ''}`;
  }
  const where = report.binding
    ? `its Electron build (${report.binding})`
    : `the default addon, because its Electron build is missing (${report.expected})`;
  const fix = report.binding
    ? 'rebuild it with `npm run native:electron -- --force`'
    : "make it with `npm run native:electron` where the internet (or Electron's headers) can be reached";
  return `better-sqlite3 cannot open a database under Electron ${report.electron ?? '?'} (Node ABI ${report.abi}) with ${where}: ${report.error}; ${fix}`;
}

function lastLines(text, n = 2) {
  return text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' / ');
}

const STOPS = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

/**
 * @returns {{ kind: 'exit', code: number } | { kind: 'failed', signal: string }}
 *   'exit': pass this status on (a stop asked for becomes 128 + its number, as a shell reports it);
 *   'failed': the app died by a signal nobody asked for.
 */
export function electronOutcome(code, signal) {
  if (signal === null || signal === undefined) return { kind: 'exit', code: code ?? 0 };
  if (STOPS.has(signal)) return { kind: 'exit', code: 128 + SIGNAL_NUMBERS[signal] };
  return { kind: 'failed', signal };
}

/**
 * Why Electron died by `signal`, in words, from what can be seen on this machine.
 * @param {string} signal
 * @param {{ platform: string, uid: number | null,
 *           sandbox: { path: string, uid: number, mode: number } | null, usernsRestricted: boolean }} ctx
 *   sandbox: Electron's chrome-sandbox helper (Linux), when present; usernsRestricted: unprivileged user
 *   namespaces are off (the other way Chromium sandboxes itself on Linux).
 */
export function explainElectronDeath(signal, ctx) {
  const head = `Electron was killed by ${signal}`;
  if (ctx.platform !== 'linux') return `${head} (its own message, if any, is above)`;
  if (ctx.uid === 0) {
    return `${head}: it refuses to run as root with its sandbox on, and Concord does not turn the sandbox off; run \`npm start\` as a normal user`;
  }
  const setuid = ctx.sandbox !== null && ctx.sandbox.uid === 0 && (ctx.sandbox.mode & 0o4755) === 0o4755;
  if (ctx.sandbox && !setuid && ctx.usernsRestricted) {
    return (
      `${head}: Chromium's sandbox cannot start. Either make its helper setuid root ` +
      `(sudo chown root ${ctx.sandbox.path} && sudo chmod 4755 ${ctx.sandbox.path}) ` +
      'or allow unprivileged user namespaces (on Ubuntu 24.04 and later AppArmor restricts them)'
    );
  }
  return `${head} (Chromium stops itself so on a fatal error; its message is above)`;
}

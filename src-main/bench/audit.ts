// `concord bench audit [--rows N] [--json]`: the keyed audit trail at scale (default 100,000 rows):
//  - upgrade: opening a schema-5 workspace holding N plain rows, which keys them all and seals the head in
//    migration 007's transaction (once per workspace);
//  - append: the cost of one keyed, sealed row (HMAC + Ed25519 signature of the head), 1000 rows in one
//    transaction so that the disk's fsync does not hide it;
//  - verify: the whole check in one go (the CLI) and in slices (the check when a workspace opens), with the
//    longest the event loop waited meanwhile (a 1 ms timer's largest gap).
// Each phase reports wall time and this process's CPU time (user + system): on a machine shared with other
// work the wall time includes waiting for a core, the CPU time does not.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendAudit } from '../db/audit';
import { VERIFY_SLICE_ROWS, verifyAudit, verifyAuditInSlices } from '../db/audit-verify';
import { MIGRATIONS } from '../db/migrations/index';
import { openDatabase } from '../db/open';
import { positiveInt, optionString, parseArgs } from '../host/cli/args';
import { printJson } from '../host/cli/output';
import { openWorkspace } from '../workspace/workspace';

/** Milliseconds of this process's CPU time (user + system) since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return Math.round((d.user + d.system) / 1000);
}

export async function runBenchAudit(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['rows'], flags: ['json'] });
  const rows = positiveInt(optionString(args, 'rows') ?? '100000', '--rows');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-audit-'));
  try {
    const old = openDatabase(path.join(dir, 'concord.db'), { migrations: MIGRATIONS.slice(0, 5) });
    old.transaction(() => {
      for (let i = 0; i < rows; i++)
        appendAudit(old, {
          actor: `rater${i % 4}`,
          action: 'revision.save',
          detail: { annotationId: 1 + (i % 40), revisionId: i + 1, tool: 'brush', ms: 1234 },
        });
    })();
    old.close();

    let t = performance.now();
    let c = process.cpuUsage();
    const ws = openWorkspace(dir);
    const upgradeMs = performance.now() - t;
    const upgradeCpuMs = cpuMs(c);
    try {
      t = performance.now();
      c = process.cpuUsage();
      ws.db.transaction(() => {
        for (let i = 0; i < 1000; i++)
          appendAudit(ws.db, { actor: 'bench', action: 'bench.append', detail: { i } });
      })();
      const appendUs = ((performance.now() - t) / 1000) * 1000;
      const appendCpuUs = cpuMs(c); // ms for 1000 rows = µs per row

      t = performance.now();
      c = process.cpuUsage();
      const whole = verifyAudit(ws.db);
      const verifyMs = performance.now() - t;
      const verifyCpuMs = cpuMs(c);

      let last = performance.now();
      let stallMs = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        stallMs = Math.max(stallMs, now - last);
        last = now;
      }, 1);
      t = performance.now();
      c = process.cpuUsage();
      const sliced = await verifyAuditInSlices(ws.db);
      const slicedMs = performance.now() - t;
      const slicedCpuMs = cpuMs(c);
      clearInterval(timer);
      stallMs = Math.max(stallMs, performance.now() - last);

      if (!whole.intact || !sliced.intact) throw new Error(`the trail did not verify: ${whole.message}`);
      const result = {
        rows: whole.rows,
        upgradeKeyingMs: Math.round(upgradeMs),
        upgradeKeyingCpuMs: upgradeCpuMs,
        appendMicroseconds: Math.round(appendUs),
        appendCpuMicroseconds: appendCpuUs,
        verifyMs: Math.round(verifyMs),
        verifyCpuMs,
        verifyInSlicesMs: Math.round(slicedMs),
        verifyInSlicesCpuMs: slicedCpuMs,
        /** CPU per slice (what one turn of the event loop costs), averaged. */
        sliceCpuMs: Math.round((slicedCpuMs / Math.ceil(whole.rows / VERIFY_SLICE_ROWS)) * 10) / 10,
        longestEventLoopStallMs: Math.round(stallMs * 10) / 10,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
      };
      if (args.options.has('json')) printJson(result);
      else {
        process.stdout.write(
          `${result.rows} rows (wall / CPU): upgrade (keying + seal) ${result.upgradeKeyingMs} / ` +
            `${result.upgradeKeyingCpuMs} ms; one keyed append ${result.appendMicroseconds} / ` +
            `${result.appendCpuMicroseconds} µs; verify at once ${result.verifyMs} / ${result.verifyCpuMs} ms, in ` +
            `slices ${result.verifyInSlicesMs} / ${result.verifyInSlicesCpuMs} ms with the event loop waiting at ` +
            `most ${result.longestEventLoopStallMs} ms\n`,
        );
      }
      return 0;
    } finally {
      ws.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

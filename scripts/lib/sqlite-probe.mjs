// Run by `npm start` under the Electron binary with ELECTRON_RUN_AS_NODE=1 (Electron's own Node): opens an
// in-memory database with the better-sqlite3 addon the Electron host would load (its Electron build in
// native/, else the default addon, as src-main/host/electron/sqlite-binding.ts chooses). Requiring
// better-sqlite3 proves nothing (it loads its addon lazily); opening a database does.
// Prints one JSON line: { ok, electron, abi, binding, expected, error? }. Exit status 0 when it opened.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { electronSqliteAddon } from './native-layout.mjs';

const root = path.resolve(process.argv[2] ?? '.');
const target = { abi: process.versions.modules, platform: process.platform, arch: process.arch };
const expected = electronSqliteAddon(root, target);
const binding = existsSync(expected) ? expected : null;
const report = { electron: process.versions.electron ?? null, abi: target.abi, binding, expected };
try {
  const Database = createRequire(path.join(root, 'package.json'))('better-sqlite3');
  const db = new Database(':memory:', binding ? { nativeBinding: binding } : {});
  db.prepare('SELECT 1').get();
  db.close();
  process.stdout.write(JSON.stringify({ ok: true, ...report }) + '\n');
} catch (e) {
  process.stdout.write(
    JSON.stringify({ ok: false, ...report, error: e instanceof Error ? e.message : String(e) }) + '\n',
  );
  process.exitCode = 1;
}

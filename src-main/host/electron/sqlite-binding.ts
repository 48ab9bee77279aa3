// Which better-sqlite3 addon the Electron host loads. node_modules/better-sqlite3 is built for Node (the CLI
// and the web host run on Node); Electron runs its own Node with another ABI, so the host loads the build
// made for it beside the Node one (scripts/electron-native.mjs, scripts/lib/native-layout.mjs), chosen from
// the running Electron's ABI, platform and architecture. Where that build is missing, the default addon is
// tried (someone may have rebuilt node_modules for Electron by hand); if that fails too, the error names the
// missing file and how to make it.
import {
  electronSqliteAddon,
  electronTargetName,
  unpackedFromAsar,
} from '../../../scripts/lib/native-layout.mjs';
import type { NativeTarget } from '../../../scripts/lib/native-layout.mjs';

export type SqliteBinding =
  /** The Electron build: pass `file` as better-sqlite3's nativeBinding. */
  | { kind: 'electron'; file: string }
  /** No Electron build here: better-sqlite3's default addon is tried; `expected` says what is missing. */
  | { kind: 'missing'; expected: string; target: string };

export function chooseSqliteBinding(
  appRoot: string,
  target: NativeTarget,
  exists: (file: string) => boolean,
): SqliteBinding {
  const file = unpackedFromAsar(electronSqliteAddon(appRoot, target));
  if (exists(file)) return { kind: 'electron', file };
  return { kind: 'missing', expected: file, target: electronTargetName(target) };
}

/** The running Electron's target (its Node ABI, not the one npm built node_modules for). */
export function runningTarget(): NativeTarget {
  return { abi: process.versions.modules, platform: process.platform, arch: process.arch };
}

/** Why the database could not be opened, with what is missing when the Electron build is. */
export function explainOpenFailure(binding: SqliteBinding, error: Error, electronVersion: string): string {
  if (binding.kind === 'electron') return error.message;
  return (
    `${error.message}\n\n` +
    `better-sqlite3 has no build for this Electron (${electronVersion}, ${binding.target}): ` +
    `${binding.expected} is missing. Make it with \`npm run native:electron\` in the Concord folder ` +
    `(it downloads a prebuilt archive or Electron's headers), or start the web host: \`npx concord serve\`.`
  );
}

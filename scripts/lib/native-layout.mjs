// Where the Electron build of better-sqlite3 lives: beside the Node build in node_modules/better-sqlite3
// (which the CLI and the web host load under Node), never over it. One folder per Electron ABI, platform and
// architecture, named as prebuilt archives are named, so that an Electron upgrade looks for a new folder
// instead of loading a stale build:
//
//   native/better-sqlite3/electron-v143-linux-x64/better_sqlite3.node
//   native/better-sqlite3/electron-v143-linux-x64/build.json      what built it (Electron and package versions)
//
// Pure (paths only): shared by the install step (scripts/electron-native.mjs), `npm start`'s probe
// (scripts/lib/sqlite-probe.mjs) and the Electron host (src-main/host/electron/sqlite-binding.ts).
import path from 'node:path';

export const NATIVE_DIR = 'native';
export const ADDON_FILE = 'better_sqlite3.node';
export const BUILD_INFO_FILE = 'build.json';

/** `electron-v143-linux-x64`: the ABI (process.versions.modules under Electron), platform and arch. */
export function electronTargetName(target) {
  return `electron-v${target.abi}-${target.platform}-${target.arch}`;
}

export function electronSqliteDir(root, target) {
  return path.join(root, NATIVE_DIR, 'better-sqlite3', electronTargetName(target));
}

export function electronSqliteAddon(root, target) {
  return path.join(electronSqliteDir(root, target), ADDON_FILE);
}

/**
 * A packaged app's root is inside resources/app.asar; its native files are unpacked beside the archive
 * (electron-builder's asarUnpack), in app.asar.unpacked, where the operating system can load them.
 */
export function unpackedFromAsar(file) {
  return file.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}

/**
 * The Node ABI an addon was built for, read from the registration symbol Node's module macros export
 * (`node_register_module_v143`); null when there is none (a N-API addon, or not an addon).
 */
export function addonAbi(bytes) {
  const m = /node_register_module_v(\d+)/.exec(Buffer.from(bytes).toString('latin1'));
  return m ? Number(m[1]) : null;
}

// What `npm install` does about the desktop app, decided from what was probed (pure, so it is tested without
// Electron, a network or a compiler; the probing is in scripts/lib/electron-package.mjs and
// scripts/electron-native.mjs):
//  1. Electron's binary: npm does not run the electron package's own install step (package.json's
//     allowScripts, because that step fails `npm install` when it cannot download), so Concord's postinstall
//     runs it, where it can succeed, and says in one line why not otherwise.
//  2. better-sqlite3 for Electron: built beside the Node build (scripts/lib/native-layout.mjs), from a prebuilt
//     archive or compiled against Electron's headers, where those can be had.
// Nothing here fails `npm install`: without the binary or the Electron build, `npm start` runs the web host.

/**
 * @param {{ version: string | null, installed: boolean, skipEnv: string | null, offline: boolean,
 *           cached: boolean, host: string, reachable: boolean }} p
 *   version: the electron package's version (null: not installed, e.g. `npm install --omit=dev`);
 *   installed: its binary is in place; skipEnv: the variable that asks not to download, when set;
 *   offline: npm runs with --offline; cached: the archive is in Electron's download cache;
 *   host: where it downloads from; reachable: that host's name resolves (or a proxy is configured).
 * @returns {{ fetch: boolean, line: string }}
 */
export function electronBinaryPlan(p) {
  if (!p.version) {
    return {
      fetch: false,
      line: 'Electron is not installed (dev dependencies omitted): Concord runs as the web host',
    };
  }
  const what = `Electron ${p.version}`;
  const web = '`npm start` will run the web host';
  if (p.installed) return { fetch: false, line: `${what}: binary present` };
  if (p.skipEnv)
    return { fetch: false, line: `${what}: binary not downloaded (${p.skipEnv} is set); ${web}` };
  if (p.cached) return { fetch: true, line: `${what}: installing the binary from Electron's download cache` };
  if (p.offline) return { fetch: false, line: `${what}: binary not downloaded (npm runs --offline); ${web}` };
  if (!p.reachable) {
    return {
      fetch: false,
      line: `${what}: binary not downloaded (${p.host} cannot be reached: no internet here?); ${web}`,
    };
  }
  return { fetch: true, line: `${what}: downloading the binary from ${p.host}` };
}

/**
 * Whether to build better-sqlite3 for Electron.
 * @param {{ mode: 'install' | 'explicit', skipEnv: string | null,
 *           electron: { version: string, abi: string | null } | null, binary: boolean, force: boolean,
 *           betterSqlite3: string,
 *           existing: { electron?: string, betterSqlite3?: string } | null, addonPresent: boolean,
 *           targetName: string }} p
 *   mode: 'install' at `npm install` (needs the binary: nothing else would load the build), 'explicit' from
 *   `npm run native:electron` or packaging (no binary needed: electron-builder brings its own);
 *   existing: the build.json of a build already there.
 * @returns {{ action: 'skip' | 'up-to-date' | 'build', line: string }}
 */
export function nativeBuildPlan(p) {
  const subject = 'better-sqlite3 for Electron';
  if (p.skipEnv) return { action: 'skip', line: `${subject}: not built (${p.skipEnv} is set)` };
  if (!p.electron)
    return { action: 'skip', line: `${subject}: not built (the electron package is not installed)` };
  if (!p.electron.abi) {
    return {
      action: 'skip',
      line: `${subject}: not built (cannot tell Electron ${p.electron.version}'s Node ABI: node_modules/electron/abi_version is missing)`,
    };
  }
  if (p.mode === 'install' && !p.binary) {
    return {
      action: 'skip',
      line: `${subject}: not built (no Electron binary here to load it; \`npm run native:electron\` builds it on demand)`,
    };
  }
  const same =
    p.addonPresent &&
    p.existing !== null &&
    p.existing.electron === p.electron.version &&
    p.existing.betterSqlite3 === p.betterSqlite3;
  if (same && !p.force) {
    return { action: 'up-to-date', line: `${subject}: ${p.targetName} is up to date` };
  }
  return { action: 'build', line: `${subject}: building ${p.targetName} (Electron ${p.electron.version})` };
}

/**
 * Where the Electron build can come from, best first: 'prebuilt' (better-sqlite3's release archive for this
 * Electron ABI, downloaded by prebuild-install) and 'compile' (node-gyp against Electron's headers, cached
 * from an earlier download or downloaded now). Empty, with the reason, when neither can work here.
 * @param {{ fromSource: boolean, offline: boolean, crossTarget: boolean, prebuildHost: string,
 *           prebuildReachable: boolean, headersHost: string, headersCached: boolean,
 *           headersReachable: boolean, electronVersion: string, targetName: string }} p
 * @returns {{ sources: Array<'prebuilt' | 'compile'>, reason: string | null }}
 */
export function buildSources(p) {
  const sources = [];
  const why = [];
  if (p.fromSource) why.push('prebuilt archives are refused (npm_config_build_from_source)');
  else if (p.offline) why.push('npm runs --offline');
  else if (!p.prebuildReachable)
    why.push(`no prebuilt archive can be downloaded (${p.prebuildHost} cannot be reached)`);
  else sources.push('prebuilt');
  if (p.crossTarget) {
    why.push(`${p.targetName} is another platform: it can only be downloaded prebuilt`);
  } else if (p.headersCached) {
    sources.push('compile');
  } else if (p.offline || !p.headersReachable) {
    why.push(
      `Electron ${p.electronVersion}'s headers are not cached and cannot be downloaded (${p.headersHost} cannot be reached)`,
    );
  } else {
    sources.push('compile');
  }
  return { sources, reason: sources.length === 0 ? why.join('; ') : null };
}

/** The host of a download URL (for reachability and messages); the URL itself when it does not parse. */
export function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Environment variables that make npm's node-gyp build for another runtime than asked: npm exports its own
 * configuration to scripts (npm_config_nodedir=/usr points node-gyp at Node's headers, and the result would
 * be a Node build under an Electron name). Returns a copy of env without them.
 */
export function envForElectronBuild(env) {
  const drop = new Set([
    'npm_config_nodedir',
    'npm_config_target',
    'npm_config_runtime',
    'npm_config_disturl',
    'npm_config_dist_url',
    'npm_config_devdir',
    'npm_config_arch',
    'npm_config_target_arch',
    'npm_config_build_from_source',
  ]);
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (!drop.has(k.toLowerCase()) && v !== undefined) out[k] = v;
  }
  return out;
}

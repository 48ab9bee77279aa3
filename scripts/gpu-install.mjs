#!/usr/bin/env node
// `npm run gpu:install -- <libtensorflow.tar.gz> [--addon <addon.tar.gz>] [--package tfjs-node-gpu|tfjs-node]
//                        [--from <package.tgz>] [--offline] [--prefix <dir>]`
//
// Installs @tensorflow/tfjs-node-gpu (or tfjs-node) with a libtensorflow archive the user brought, for
// machines that cannot reach storage.googleapis.com. The package's own install script (scripts/install.js)
// always downloads libtensorflow when npm runs it (`install.js gpu download`), and then the prebuilt addon,
// so this does its steps itself, in the places that script and the addon's loader use:
//  1. checks the archives (read through: a truncated or foreign archive is refused in one line, before
//     anything is written);
//  2. `npm install --no-save --ignore-scripts` of the package at Concord's tfjs version (from npm's cache
//     or the site's registry mirror with --offline/without; or the package's .tgz given by --from);
//  3. unpacks libtensorflow into the package's deps/ (what install.js would have downloaded there: the
//     headers binding.gyp compiles against, and lib/, the addon's rpath $ORIGIN/../../deps/lib);
//  4. the addon: unpacks a prebuilt one (--addon, node-pre-gyp's archive: napi-v<N>/tfjs_binding.node) into
//     the package's lib/, where node-pre-gyp's find() looks (binary.module_path, the best N-API version); or
//     builds it from source with the package's install script, offline (it finds the library in deps/;
//     needs a C++ compiler, make, python3, and Node's headers, taken from this Node when it ships them);
//  5. loads the package in a fresh Node and says whether TensorFlow sees a GPU.
// Exit status: 0 installed and loading; 2 bad input (one line, nothing written); 1 a step failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ArchiveError,
  checkAddon,
  checkLibtensorflow,
  linkSonames,
  unpackArchive,
} from './lib/libtensorflow-archive.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** libtensorflow version each tfjs-node major version is built on (its scripts/deps-constants.js). */
const LIBTENSORFLOW_FOR_TFJS = { 4: '2.9.1' };

export const USAGE =
  'usage: npm run gpu:install -- <libtensorflow.tar.gz> [--addon <addon.tar.gz>] [--package tfjs-node-gpu|tfjs-node] [--from <package.tgz>] [--offline] [--prefix <dir>]';

/** Bad input: one line, exit 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

/** The arguments of the command line, checked. */
export function parseGpuInstallArgs(argv) {
  const o = { archive: undefined, addon: undefined, pkg: undefined, from: undefined, offline: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--addon') o.addon = value();
    else if (a === '--package') o.pkg = value();
    else if (a === '--from') o.from = value();
    else if (a === '--prefix') o.root = value();
    else if (a === '--offline') o.offline = true;
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else if (o.archive === undefined) o.archive = a;
    else throw new UsageError(`one libtensorflow archive, please (got ${o.archive} and ${a})`);
  }
  if (!o.archive) throw new UsageError(`give the libtensorflow archive\n${USAGE}`);
  if (o.pkg !== undefined && o.pkg !== 'tfjs-node-gpu' && o.pkg !== 'tfjs-node')
    throw new UsageError(`--package must be tfjs-node-gpu or tfjs-node (got '${o.pkg}')`);
  return o;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Where node-pre-gyp's find() (which tfjs-node's dist/index.js calls) looks for the addon: the package's
 * binary.module_path with {napi_build_version} the highest of binary.napi_versions this Node supports.
 */
export function addonPath(pkgDir, pkgJson, nodeNapi = Number(process.versions.napi)) {
  const b = pkgJson.binary ?? {};
  const best = Math.max(...(b.napi_versions ?? []).filter((v) => v <= nodeNapi));
  if (!Number.isFinite(best)) return null;
  const modulePath = String(b.module_path)
    .replace('{napi_build_version}', String(best))
    .replace('{node_napi_label}', `napi-v${best}`);
  return path.join(pkgDir, modulePath, `${b.module_name ?? 'tfjs_binding'}.node`);
}

/** Node's headers beside this Node (official and distribution builds ship include/node), for node-gyp's
 *  --nodedir, so that building the addon does not download them. */
export function localNodeDir(execPath = process.execPath) {
  const dir = path.dirname(path.dirname(execPath));
  return fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h')) ? dir : null;
}

/** Runs a command; the default runner. */
function spawnRunner(cmd, args, opts) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Loads the package in a fresh Node, as the trainer will: `{ ok, gpu, reason }`. */
function loadCheck(root, pkgName) {
  const code = `const tf = require(${JSON.stringify(pkgName)});
tf.ready().then(() => console.log(JSON.stringify({ backend: tf.getBackend(), gpu: tf.backend().isUsingGpuDevice === true })));`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const out = JSON.parse(last);
    if (out.backend === 'tensorflow') return { ok: true, gpu: out.gpu, reason: null };
  } catch {
    /* not loaded: the reason is on stderr */
  }
  const err = (r.stderr ?? '').split('\n').find((l) => /Error|cannot|not/i.test(l)) ?? `exit ${r.status}`;
  return { ok: false, gpu: false, reason: err.trim() };
}

function lastLine(text) {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? ''
  );
}

/**
 * The installation. `run` and `check` are the runner of npm/node-gyp and the load check (stand-ins in
 * tests: the real package and network are not here). Returns the exit status; throws UsageError or
 * ArchiveError for bad input (nothing written).
 */
export async function gpuInstall(o, env = {}) {
  const root = path.resolve(o.root ?? ROOT);
  const log = env.log ?? ((l) => process.stderr.write(`${l}\n`));
  const run = env.run ?? spawnRunner;
  const check = env.check ?? loadCheck;
  const platform = env.platform ?? process.platform;
  const arch = env.arch ?? process.arch;
  if (platform !== 'linux' || arch !== 'x64')
    throw new UsageError(
      `gpu:install knows libtensorflow's Linux x86_64 layout only (this is ${platform} ${arch}); on other systems install the package with network access`,
    );
  const core = readJson(path.join(root, 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'));
  if (!core) throw new UsageError(`${root} has no node_modules/@tensorflow/tfjs-core: run npm install first`);
  const tfjsVersion = String(core.version);
  const libVersion = LIBTENSORFLOW_FOR_TFJS[tfjsVersion.split('.')[0]];
  if (!libVersion) throw new UsageError(`no known libtensorflow for tfjs ${tfjsVersion}`);

  // 1. The archives, read through before anything is written.
  const archive = path.resolve(o.archive);
  const { kind } = await checkLibtensorflow(archive, { version: libVersion, needHeaders: !o.addon });
  const pkgShort = o.pkg ?? (kind === 'cpu' ? 'tfjs-node' : kind === 'gpu' ? 'tfjs-node-gpu' : null);
  if (!pkgShort)
    throw new UsageError(
      `${path.basename(archive)}: its name does not say gpu or cpu; add --package tfjs-node-gpu or --package tfjs-node`,
    );
  const napis = o.addon ? await checkAddon(path.resolve(o.addon)) : null;
  const pkgName = `@tensorflow/${pkgShort}`;
  const pkgDir = path.join(root, 'node_modules', '@tensorflow', pkgShort);
  log(
    `libtensorflow ${libVersion} (${kind ?? 'build not named'}) checked; installing ${pkgName}@${tfjsVersion}`,
  );

  // 2. The package, without its install script (which would download libtensorflow).
  let pkgJson = readJson(path.join(pkgDir, 'package.json'));
  if (pkgJson?.version !== tfjsVersion) {
    const spec = o.from ? path.resolve(o.from) : `${pkgName}@${tfjsVersion}`;
    const npmArgs = ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund'];
    if (o.offline) npmArgs.push('--offline');
    const npmExec = process.env['npm_execpath'];
    const [cmd, args] = npmExec
      ? [process.execPath, [npmExec, ...npmArgs, spec]]
      : ['npm', [...npmArgs, spec]];
    log(`npm ${[...npmArgs, spec].join(' ')}`);
    const r = run(cmd, args, { cwd: root, env: process.env });
    pkgJson = readJson(path.join(pkgDir, 'package.json'));
    if (r.status !== 0 || pkgJson?.version !== tfjsVersion) {
      log(
        `gpu:install: npm could not install ${pkgName}@${tfjsVersion}: ${lastLine(r.output) || `exit ${r.status}`}`,
      );
      log(`  (offline, npm needs the package in its cache or a registry mirror; or give --from <its .tgz>)`);
      return 1;
    }
  } else log(`${pkgName}@${tfjsVersion} is already installed`);
  const constants = fs.readFileSync(path.join(pkgDir, 'scripts', 'deps-constants.js'), 'utf8');
  const expected = /LIBTENSORFLOW_VERSION\s*=\s*['"]([\d.]+)['"]/.exec(constants)?.[1];
  if (expected !== libVersion) {
    log(`gpu:install: ${pkgName} expects libtensorflow ${expected ?? '(unknown)'}, not ${libVersion}`);
    return 1;
  }

  // 3. libtensorflow into deps/, staged beside it and swapped in whole.
  const deps = path.join(pkgDir, 'deps');
  const staging = path.join(pkgDir, `deps.partial-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    await unpackArchive(archive, staging);
    linkSonames(path.join(staging, 'lib'), libVersion);
    fs.rmSync(deps, { recursive: true, force: true });
    fs.renameSync(staging, deps);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`libtensorflow placed in ${path.relative(root, deps)}`);

  // 4. The addon, where node-pre-gyp's find() looks.
  const addon = addonPath(pkgDir, pkgJson);
  if (!addon) {
    log(`gpu:install: ${pkgName}'s addon supports no N-API version of this Node (${process.versions.napi})`);
    return 1;
  }
  if (o.addon) {
    const want = Number(/napi-v(\d+)/.exec(addon)?.[1]);
    if (!napis.includes(want)) {
      log(
        `gpu:install: ${path.basename(o.addon)} has no napi-v${want}/tfjs_binding.node, which this Node loads`,
      );
      return 1;
    }
    await unpackArchive(path.resolve(o.addon), path.dirname(path.dirname(addon)));
  } else {
    const bin = [path.join(root, 'node_modules', '.bin'), path.join(pkgDir, 'node_modules', '.bin')];
    const nodedir = localNodeDir();
    const buildEnv = {
      ...process.env,
      PATH: [...bin, process.env['PATH'] ?? ''].join(path.delimiter),
      ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
    };
    log(`building the addon from source (node-gyp${nodedir ? `, Node headers from ${nodedir}` : ''})`);
    // install.js without `download`: it finds deps/lib and goes straight to node-pre-gyp (prebuilt, else
    // compiled here).
    const r = run(process.execPath, ['scripts/install.js', pkgShort === 'tfjs-node-gpu' ? 'gpu' : 'cpu'], {
      cwd: pkgDir,
      env: buildEnv,
    });
    if (r.status !== 0 || !fs.existsSync(addon)) {
      log(`gpu:install: building the addon failed: ${lastLine(r.output) || `exit ${r.status}`}`);
      log(
        '  (give the prebuilt addon with --addon <GPU-linux-4.22.0.tar.gz>, or install g++, make and python3)',
      );
      return 1;
    }
  }
  log(`addon placed in ${path.relative(root, addon)}`);

  // 5. Does it load?
  const c = check(root, pkgName);
  if (!c.ok) {
    log(`gpu:install: ${pkgName} is installed but does not load: ${c.reason}`);
    return 1;
  }
  log(
    c.gpu
      ? `${pkgName} loads and TensorFlow sees a GPU. Check with: npx concord backends`
      : `${pkgName} loads; TensorFlow runs on the CPU${pkgShort === 'tfjs-node-gpu' ? ' (no usable GPU: CUDA 11.2 and cuDNN 8.1 on the library path?)' : ''}. Check with: npx concord backends`,
  );
  return 0;
}

async function main() {
  try {
    process.exitCode = await gpuInstall(parseGpuInstallArgs(process.argv.slice(2)));
  } catch (e) {
    if (e instanceof UsageError || e instanceof ArchiveError) {
      process.stderr.write(`gpu:install: ${e.message}\n`);
      process.exitCode = 2;
    } else throw e;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

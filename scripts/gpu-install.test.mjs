// `npm run gpu:install` with fixture archives built here (tiny files in libtensorflow's and the addon's real
// layout): the real tfjs-node-gpu package, libtensorflow (hundreds of MB) and the network are not here, so
// npm and the load check are stand-ins, and the package is a fixture holding what the installer reads from
// the real one (package.json's binary section, scripts/deps-constants.js's version). What is checked is
// where the files land: where tfjs-node's addon loader (node-pre-gyp's find) and the addon's rpath look.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import tarStream from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { addonPath, gpuInstall, parseGpuInstallArgs } from './gpu-install.mjs';

const dirs = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tmp() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-gpu-install-'));
  dirs.push(d);
  return d;
}

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A .tar.gz of entries: { name, body } files (mode 0755 for .so), { name, link } symlinks, { name } folders. */
async function targz(file, entries) {
  const pack = tarStream.pack();
  for (const e of entries) {
    if (e.link) pack.entry({ name: e.name, type: 'symlink', linkname: e.link });
    else if (e.body === undefined) pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name, mode: /\.so|\.node$/.test(e.name) ? 0o755 : 0o644 }, e.body);
  }
  pack.finalize();
  const chunks = [];
  for await (const c of pack) chunks.push(c);
  write(file, zlib.gzipSync(Buffer.concat(chunks)));
  return file;
}

const LIB = 'ELF libtensorflow 2.9.1 (fixture)';
const FRAMEWORK = 'ELF libtensorflow_framework 2.9.1 (fixture)';

/** libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz as Google lays it out, with tiny files. */
function libtensorflow(
  dir,
  { version = '2.9.1', name = `libtensorflow-gpu-linux-x86_64-${version}.tar.gz` } = {},
) {
  return targz(path.join(dir, name), [
    { name: './' },
    { name: './include/tensorflow/c/c_api.h', body: '/* c_api */' },
    { name: './include/tensorflow/c/eager/c_api.h', body: '/* eager */' },
    { name: './lib/' },
    { name: `./lib/libtensorflow.so.${version}`, body: LIB },
    { name: './lib/libtensorflow.so.2', link: `libtensorflow.so.${version}` },
    { name: './lib/libtensorflow.so', link: 'libtensorflow.so.2' },
    { name: `./lib/libtensorflow_framework.so.${version}`, body: FRAMEWORK },
    { name: './LICENSE', body: 'Apache-2.0' },
  ]);
}

/** node-pre-gyp's addon archive: napi-v<N>/tfjs_binding.node for each N-API version built. */
function addonArchive(dir, versions = [3, 4, 5, 6, 7, 8]) {
  return targz(
    path.join(dir, 'GPU-linux-4.22.0.tar.gz'),
    versions.map((v) => ({ name: `napi-v${v}/tfjs_binding.node`, body: `addon napi ${v}` })),
  );
}

/** The part of tfjs-node-gpu 4.22.0 the installer reads (package.json as published, deps-constants.js). */
function fixturePackage(root, name = 'tfjs-node-gpu') {
  const dir = path.join(root, 'node_modules', '@tensorflow', name);
  write(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: `@tensorflow/${name}`,
      version: '4.22.0',
      main: 'dist/index.js',
      binary: {
        module_name: 'tfjs_binding',
        module_path: './lib/napi-v{napi_build_version}',
        host: 'https://storage.googleapis.com/tf-builds/pre-built-binary',
        remote_path: './napi-v{napi_build_version}/{version}/',
        napi_versions: [3, 4, 5, 6, 7, 8],
      },
    }),
  );
  write(path.join(dir, 'scripts', 'deps-constants.js'), "const LIBTENSORFLOW_VERSION = '2.9.1';\n");
  return dir;
}

function project({ installed = true } = {}) {
  const root = path.join(tmp(), 'app');
  write(
    path.join(root, 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'),
    JSON.stringify({ name: '@tensorflow/tfjs-core', version: '4.22.0' }),
  );
  const pkgDir = installed ? fixturePackage(root) : path.join(root, 'node_modules/@tensorflow/tfjs-node-gpu');
  return { root, pkgDir };
}

function recorder({ install } = {}) {
  const calls = [];
  const lines = [];
  return {
    calls,
    lines,
    env: {
      log: (l) => lines.push(l),
      platform: 'linux',
      arch: 'x64',
      run: (cmd, args, opts) => {
        calls.push({ cmd, args, cwd: opts.cwd, env: opts.env });
        return install ? install(cmd, args, opts) : { status: 0, output: '' };
      },
      check: () => ({ ok: true, gpu: true, reason: null }),
    },
  };
}

describe('npm run gpu:install', () => {
  it('places libtensorflow in deps/ and the addon where the loader looks; the rpath reaches the library', async () => {
    const { root, pkgDir } = project();
    const work = tmp();
    const r = recorder();
    const code = await gpuInstall(
      { archive: await libtensorflow(work), addon: await addonArchive(work), root },
      r.env,
    );
    expect(code).toBe(0);
    expect(r.calls).toEqual([]); // installed at the right version: no npm, no build
    // Known answer: Node >= 18 supports N-API 8, the highest tfjs-node 4.22 is built for.
    const addon = path.join(pkgDir, 'lib', 'napi-v8', 'tfjs_binding.node');
    expect(addonPath(pkgDir, JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')))).toBe(
      addon,
    );
    expect(fs.readFileSync(addon, 'utf8')).toBe('addon napi 8');
    // binding.gyp's rpath: $ORIGIN/../../deps/lib, seen from the addon; the addon records the SONAMEs.
    const rpath = path.resolve(path.dirname(addon), '../../deps/lib');
    expect(fs.readFileSync(path.join(rpath, 'libtensorflow.so.2'), 'utf8')).toBe(LIB);
    expect(fs.readFileSync(path.join(rpath, 'libtensorflow_framework.so.2'), 'utf8')).toBe(FRAMEWORK);
    expect(fs.readlinkSync(path.join(rpath, 'libtensorflow_framework.so'))).toBe(
      'libtensorflow_framework.so.2.9.1',
    );
    expect(fs.statSync(path.join(rpath, 'libtensorflow.so.2.9.1')).mode & 0o111).not.toBe(0);
    expect(fs.existsSync(path.join(pkgDir, 'deps', 'include', 'tensorflow', 'c', 'c_api.h'))).toBe(true);
    expect(fs.readdirSync(pkgDir).filter((f) => f.startsWith('deps.partial'))).toEqual([]);
    expect(r.lines.at(-1)).toMatch(/sees a GPU\. Check with: npx concord backends/);
  });

  it('installs the package with npm without its install script, offline, at Concord tfjs version', async () => {
    const { root, pkgDir } = project({ installed: false });
    const work = tmp();
    const r = recorder({
      install: () => {
        fixturePackage(root);
        return { status: 0, output: 'added 40 packages' };
      },
    });
    const code = await gpuInstall(
      { archive: await libtensorflow(work), addon: await addonArchive(work), root, offline: true },
      r.env,
    );
    expect(code).toBe(0);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0].cwd).toBe(root);
    expect(r.calls[0].args.slice(-7)).toEqual([
      'install',
      '--no-save',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--offline',
      '@tensorflow/tfjs-node-gpu@4.22.0',
    ]);
    expect(fs.existsSync(path.join(pkgDir, 'lib', 'napi-v8', 'tfjs_binding.node'))).toBe(true);
  });

  it('without --addon, builds it with the package install script, which finds deps/ and downloads nothing', async () => {
    const { root, pkgDir } = project();
    const work = tmp();
    const r = recorder({
      install: (_cmd, _args, opts) => {
        write(path.join(opts.cwd, 'lib', 'napi-v8', 'tfjs_binding.node'), 'built here');
        return { status: 0, output: '' };
      },
    });
    const code = await gpuInstall({ archive: await libtensorflow(work), root }, r.env);
    expect(code).toBe(0);
    expect(r.calls).toHaveLength(1);
    // No `download` argument: install.js then builds against the library already in deps/lib.
    expect(r.calls[0].args).toEqual(['scripts/install.js', 'gpu']);
    expect(r.calls[0].cwd).toBe(pkgDir);
    expect(r.calls[0].env.PATH.split(path.delimiter)[0]).toBe(path.join(root, 'node_modules', '.bin'));
    expect(fs.existsSync(path.join(pkgDir, 'deps', 'lib', 'libtensorflow.so.2.9.1'))).toBe(true);
  });

  it('a CPU build installs tfjs-node; a package that does not load is a failure, with the reason', async () => {
    const { root } = project();
    const cpuDir = fixturePackage(root, 'tfjs-node');
    const work = tmp();
    const r = recorder();
    r.env.check = (_root, pkg) => ({ ok: false, gpu: false, reason: `${pkg}: libtensorflow.so.2: bad ELF` });
    const archive = await libtensorflow(work, { name: 'libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz' });
    const code = await gpuInstall({ archive, addon: await addonArchive(work), root }, r.env);
    expect(code).toBe(1);
    expect(fs.existsSync(path.join(cpuDir, 'deps', 'lib', 'libtensorflow.so.2'))).toBe(true);
    expect(r.lines.at(-1)).toBe(
      'gpu:install: @tensorflow/tfjs-node is installed but does not load: @tensorflow/tfjs-node: libtensorflow.so.2: bad ELF',
    );
  });

  it('a truncated, foreign or wrong-version archive is refused in one line before anything is written', async () => {
    const { root, pkgDir } = project({ installed: false });
    const work = tmp();
    const good = fs.readFileSync(await libtensorflow(work));
    const truncated = path.join(work, 'libtensorflow-gpu-linux-x86_64-2.9.1-cut.tar.gz');
    fs.writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
    const text = path.join(work, 'libtensorflow-gpu.tar.gz');
    fs.writeFileSync(text, 'not an archive');
    const foreign = await targz(path.join(work, 'libtensorflow-gpu-other.tar.gz'), [
      { name: 'a.txt', body: 'x' },
    ]);
    const old = await libtensorflow(work, { version: '2.7.0' });
    const escaping = await targz(path.join(work, 'libtensorflow-gpu-evil.tar.gz'), [
      { name: '../../outside.so', body: 'x' },
    ]);
    const cases = [
      [
        truncated,
        /^libtensorflow-gpu-linux-x86_64-2\.9\.1-cut\.tar\.gz is truncated or damaged \(.+\); nothing was installed$/,
      ],
      [text, /^libtensorflow-gpu\.tar\.gz is not a \.tar\.gz archive; nothing was installed$/],
      [
        foreign,
        /^libtensorflow-gpu-other\.tar\.gz is not a libtensorflow 2\.9\.1 archive for Linux: lib\/libtensorflow\.so\.2\.9\.1 is missing/,
      ],
      [
        old,
        /^libtensorflow-gpu-linux-x86_64-2\.7\.0\.tar\.gz holds libtensorflow\.so\.2\.7\.0; tfjs-node needs libtensorflow 2\.9\.1/,
      ],
      [escaping, /has an entry outside its folder \(\.\.\/\.\.\/outside\.so\); refused$/],
      [path.join(work, 'missing.tar.gz'), /missing\.tar\.gz does not exist$/],
    ];
    for (const [archive, message] of cases) {
      const r = recorder();
      const e = await gpuInstall({ archive, root }, r.env).catch((x) => x);
      expect(e.name).toBe('ArchiveError');
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
      expect(r.calls).toEqual([]);
    }
    const badAddon = path.join(work, 'GPU-linux-4.22.0.tar.gz');
    await targz(badAddon, [{ name: 'tfjs_binding.node', body: 'x' }]);
    const e = await gpuInstall(
      { archive: truncated.replace('-cut', ''), addon: badAddon, root },
      recorder().env,
    ).catch((x) => x);
    expect(e.message).toMatch(/GPU-linux-4\.22\.0\.tar\.gz is not a tfjs-node addon archive/);
    expect(fs.existsSync(pkgDir)).toBe(false);
    expect(fs.existsSync(path.join(work, '..', 'outside.so'))).toBe(false);
  });

  it('the command line: exit 2 and one line on stderr for a truncated archive; bad options refused', async () => {
    const { root } = project({ installed: false });
    const work = tmp();
    const good = fs.readFileSync(await libtensorflow(work));
    const cut = path.join(work, 'libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz');
    fs.writeFileSync(cut, good.subarray(0, good.length - 20));
    const script = path.join(import.meta.dirname, 'gpu-install.mjs');
    const r = spawnSync(process.execPath, [script, cut, '--prefix', root], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^gpu:install: libtensorflow-gpu-linux-x86_64-2\.9\.1\.tar\.gz is truncated or damaged .*\n$/,
    );
    expect(r.stdout).toBe('');
    expect(() => parseGpuInstallArgs(['a.tar.gz', '--package', 'tfjs'])).toThrow(
      "--package must be tfjs-node-gpu or tfjs-node (got 'tfjs')",
    );
    expect(() => parseGpuInstallArgs([])).toThrow(/give the libtensorflow archive/);
    expect(parseGpuInstallArgs(['x.tar.gz', '--addon', 'a.tar.gz', '--offline'])).toMatchObject({
      archive: 'x.tar.gz',
      addon: 'a.tar.gz',
      offline: true,
    });
  });
});

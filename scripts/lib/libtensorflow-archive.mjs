// The archives `npm run gpu:install` takes (scripts/gpu-install.mjs): libtensorflow's C library as Google
// publishes it (libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz or the -cpu- build) and, optionally, the
// prebuilt tfjs-node addon (GPU-linux-4.22.0.tar.gz / CPU-linux-4.22.0.tar.gz, node-pre-gyp's package).
// Each archive is read through once to check it (a truncated or foreign archive is refused before anything
// is written), then once more to unpack it.
//
// libtensorflow, Linux, 2.9.1 (what tfjs-node 4.22's scripts/install.js downloads and unpacks into the
// package's deps/ folder, which binding.gyp links against and whose lib/ is the addon's rpath,
// $ORIGIN/../../deps/lib, seen from lib/napi-v8/tfjs_binding.node):
//   ./include/tensorflow/c/c_api.h, ./include/tensorflow/c/eager/c_api.h, …   headers (to build the addon)
//   ./lib/libtensorflow.so.2.9.1, ./lib/libtensorflow_framework.so.2.9.1     the libraries
//   ./lib/libtensorflow.so.2 -> libtensorflow.so.2.9.1, ./lib/libtensorflow.so -> libtensorflow.so.2, …
// The addon archive holds napi-v<N>/tfjs_binding.node (node-pre-gyp packs module_path's last folder), to be
// unpacked into the package's lib/.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tarStream from 'tar-stream';

/** A refused archive: one line for the user; nothing was written. */
export class ArchiveError extends Error {
  name = 'ArchiveError';
}

/**
 * An archive entry's path, normalised (no leading ./), or null for the archive's root. Absolute paths and
 * `..` are refused: an archive must not write outside the folder it is unpacked into.
 */
export function entryPath(file, name) {
  const parts = name
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (name.startsWith('/') || parts.includes('..'))
    throw new ArchiveError(`${path.basename(file)} has an entry outside its folder (${name}); refused`);
  return parts.length ? parts.join('/') : null;
}

/** Why a gzip or tar stream failed, in words. */
function damaged(file, e) {
  const msg = e instanceof Error ? e.message : String(e);
  if (/incorrect header check|invalid .*header|not in gzip format/i.test(msg))
    return new ArchiveError(`${path.basename(file)} is not a .tar.gz archive; nothing was installed`);
  return new ArchiveError(
    `${path.basename(file)} is truncated or damaged (${msg.split('\n')[0]}); nothing was installed`,
  );
}

/**
 * Reads a .tar.gz through and calls onEntry(header, stream, name) for each entry (name normalised). The
 * stream must be consumed or resumed. Throws ArchiveError for a damaged or foreign archive.
 */
async function eachEntry(file, onEntry) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ArchiveError(`${file} does not exist`);
  }
  if (!stat.isFile()) throw new ArchiveError(`${file} is not a file`);
  const extract = tarStream.extract();
  const reading = pipeline(fs.createReadStream(file), zlib.createGunzip(), extract);
  try {
    for await (const entry of extract) {
      const name = entryPath(file, entry.header.name);
      await onEntry(entry.header, entry, name);
    }
    await reading;
  } catch (e) {
    reading.catch(() => undefined);
    if (e instanceof ArchiveError) throw e;
    throw damaged(file, e);
  }
}

/** Lists a .tar.gz (type, size, link target per normalised path), reading it through. */
export async function listArchive(file) {
  const entries = new Map();
  await eachEntry(file, async (header, stream, name) => {
    let size = 0;
    for await (const chunk of stream) size += chunk.length;
    if (name !== null) entries.set(name, { type: header.type, size, linkname: header.linkname ?? null });
  });
  return entries;
}

/** The libraries a libtensorflow archive must hold for Linux, by version. */
export function libtensorflowFiles(version) {
  return [`lib/libtensorflow.so.${version}`, `lib/libtensorflow_framework.so.${version}`];
}

/** The header the addon's sources include (needed only to build the addon from source). */
export const C_API_HEADER = 'include/tensorflow/c/c_api.h';

/**
 * Checks a libtensorflow archive: both libraries as non-empty files, link targets inside lib/, and, when
 * the addon is to be built here, the C API headers. Returns the entries and whether the archive's name
 * says gpu or cpu (null: it does not say).
 */
export async function checkLibtensorflow(file, { version, needHeaders }) {
  const entries = await listArchive(file);
  const base = path.basename(file);
  for (const lib of libtensorflowFiles(version)) {
    const e = entries.get(lib);
    if (!e || e.type !== 'file' || e.size === 0) {
      const other = [...entries.keys()].find((n) => /^lib\/libtensorflow\.so\.\d+\.\d+\.\d+$/.test(n));
      throw new ArchiveError(
        other
          ? `${base} holds ${other.replace('lib/', '')}; tfjs-node needs libtensorflow ${version} (${lib}); nothing was installed`
          : `${base} is not a libtensorflow ${version} archive for Linux: ${lib} is missing; nothing was installed`,
      );
    }
  }
  for (const [name, e] of entries)
    if (e.type === 'symlink' && (/[\\/]/.test(e.linkname ?? '/') || !name.startsWith('lib/')))
      throw new ArchiveError(`${base}: the link ${name} points outside lib/ (${e.linkname}); refused`);
  if (needHeaders && entries.get(C_API_HEADER)?.type !== 'file')
    throw new ArchiveError(
      `${base} has no ${C_API_HEADER}, which building the addon needs (or give --addon); nothing was installed`,
    );
  const kind = /(^|[-_])gpu([-_.]|$)/i.test(base) ? 'gpu' : /(^|[-_])cpu([-_.]|$)/i.test(base) ? 'cpu' : null;
  return { entries, kind };
}

/** Checks a prebuilt addon archive: napi-v<N>/tfjs_binding.node entries; returns their N, sorted. */
export async function checkAddon(file) {
  const entries = await listArchive(file);
  const napi = [];
  for (const [name, e] of entries) {
    const m = /^napi-v(\d+)\/tfjs_binding\.node$/.exec(name);
    if (m && e.type === 'file' && e.size > 0) napi.push(Number(m[1]));
  }
  if (!napi.length)
    throw new ArchiveError(
      `${path.basename(file)} is not a tfjs-node addon archive (no napi-v<N>/tfjs_binding.node); nothing was installed`,
    );
  return napi.sort((a, b) => a - b);
}

/** Unpacks a checked .tar.gz into dir (files, folders and links in the same folder only). */
export async function unpackArchive(file, dir) {
  fs.mkdirSync(dir, { recursive: true });
  await eachEntry(file, async (header, stream, name) => {
    if (name === null) return stream.resume();
    const target = path.join(dir, ...name.split('/'));
    if (header.type === 'directory') {
      fs.mkdirSync(target, { recursive: true });
      return stream.resume();
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (header.type === 'symlink') {
      fs.rmSync(target, { force: true });
      fs.symlinkSync(header.linkname, target);
      return stream.resume();
    }
    if (header.type !== 'file') return stream.resume(); // pax headers, devices: nothing to write
    // Libraries and the addon are loaded by the dynamic loader: keep the archive's mode (0755 for .so).
    await pipeline(stream, fs.createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o777 }));
  });
}

/**
 * The names the dynamic loader and the linker look for beside the versioned files: libtensorflow.so.2
 * (the SONAME the addon records) and libtensorflow.so (`-ltensorflow`), made as links where the archive
 * did not carry them.
 */
export function linkSonames(libDir, version) {
  const major = version.split('.')[0];
  for (const lib of ['libtensorflow', 'libtensorflow_framework']) {
    const full = `${lib}.so.${version}`;
    for (const alias of [`${lib}.so.${major}`, `${lib}.so`]) {
      const p = path.join(libDir, alias);
      if (!fs.existsSync(p)) {
        fs.rmSync(p, { force: true }); // a dangling link
        fs.symlinkSync(full, p);
      }
    }
  }
}

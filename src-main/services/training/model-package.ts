// Model packages: how a model travels between workstations. A package is a folder `<name>.concord-model`:
//
//   manifest.json  { format: "concord-model", formatVersion: 1 to 4, architecture: "unet2d",
//                    config (UNetConfig;
//                    version 2 when it carries the model's input scaling, which a Concord reading only
//                    version 1 would ignore and so feed the model inputs it was not trained on; version 3
//                    when it segments several labels (config.labels L >= 2, softmax over background and
//                    `labels` in channel order), which a Concord reading only version 2 would draft with the
//                    channel numbers 1..L instead of the labels' values; version 4 when it takes
//                    coordinate planes (config.coordinates), whose inputs a Concord reading only version 3
//                    could not build; version 5 when it is an ensemble (config.members >= 2, weights
//                    `member<k>/<name>`), which a Concord reading only version 4 could not load),
//                    cropSize, inference { threshold, tta } (absent in packages written before it: 0.5
//                    and no flips), labels, normalisation, trainingData, metrics, backend, lineage, createdBy,
//                    createdAt, exportedAt, weights: { file: "weights.bin", sha256, bytes,
//                    tensors: [{ name, shape }] } }
//   weights.bin    the weights in the tensor container (training/process/tensor-file.ts): float32, HWIO
//                  kernels, named as training/model/unet-config.ts's paramSpecs
//   SHA256SUMS     "<sha256>  manifest.json" and "<sha256>  weights.bin" (checkable with `sha256sum -c`)
//
// Import verifies, before anything is stored: the checksum file lists exactly those two files and both
// hashes match; the manifest's format, version and architecture are known; the weights decode and are
// exactly the architecture's parameters (names and shapes). Anything else is refused with one line and
// changes nothing; then the weights go into the blob store and the model row and its audit row are
// committed in one transaction.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelInfo, Normalisation } from '../../core/model';
import { InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getModel, insertModel } from '../../db/repositories/models';
import { getProject } from '../../db/repositories/projects';
import { paramSpecs, type UNetConfig } from '../../training/model/unet-config';
import type { WeightsMeta } from '../../training/process/protocol';
import { decodeTensorFile, writeFileAtomic } from '../../training/process/tensor-file';
import { parseNormalisation } from './normalisation';
import type { Workspace } from '../../workspace/workspace';

export const PACKAGE_FORMAT = 'concord-model';
/** The newest format this Concord reads and writes; a package is written with the oldest version that
 *  describes its model (1: no input scaling, unet-config.ts; 2: input scaling; 3: several labels; 4:
 *  coordinate planes; 5: an ensemble), so older Concords still read what they can use. */
export const PACKAGE_FORMAT_VERSION = 5;

/** The format version a model's package (and registry row) carries. */
export function packageFormatVersion(config: UNetConfig): number {
  if ((config.members ?? 1) > 1) return 5;
  return config.coordinates ? 4 : config.labels > 1 ? 3 : config.input ? 2 : 1;
}
export const ARCHITECTURE = 'unet2d';
const SUMS = 'SHA256SUMS';
const MANIFEST = 'manifest.json';
const WEIGHTS = 'weights.bin';

export interface PackageManifest {
  format: string;
  formatVersion: number;
  architecture: string;
  name: string;
  config: UNetConfig;
  cropSize: number;
  /** How drafts are made with it (optional: packages written before it read 0.5 and no flips). */
  inference?: ModelInfo['inference'];
  labels: { value: number; name: string }[];
  normalisation: Normalisation;
  trainingData: Record<string, unknown>;
  metrics: Record<string, unknown>;
  backend: string | null;
  /** Weights sha256 of the models this one descends from, nearest first (ids do not travel). */
  lineage: string[];
  createdBy: string;
  createdAt: string;
  exportedAt: string;
  weights: { file: string; sha256: string; bytes: number; tensors: { name: string; shape: number[] }[] };
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The weights sha256 of a model's ancestors, nearest first. */
function lineage(ws: Workspace, m: ModelInfo): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (let p = m.parentModelId; p !== null && !seen.has(p);) {
    seen.add(p);
    const parent = getModel(ws.db, p);
    if (!parent) break;
    out.push(parent.weightsSha256);
    p = parent.parentModelId;
  }
  return out;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

export async function exportModel(
  ws: Workspace,
  modelId: number,
  dir: string,
  actor: string,
): Promise<string> {
  const m = getModel(ws.db, modelId);
  if (!m) throw new NotFoundError(`model ${modelId} does not exist`);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(dir, 'no such folder');
  const out = path.join(path.resolve(dir), `${safeName(`model-${m.id}-${m.name}`)}.concord-model`);
  if (fs.existsSync(out)) throw new InputError(out, 'already exists (remove it or choose another folder)');
  const weights = await ws.blobs.read(m.weightsSha256);
  const decoded = decodeTensorFile<WeightsMeta>(weights);
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    formatVersion: packageFormatVersion(m.config),
    architecture: m.architecture,
    name: m.name,
    config: m.config,
    cropSize: m.cropSize,
    inference: m.inference,
    labels: m.labels,
    normalisation: m.normalisation,
    trainingData: m.trainingData,
    metrics: m.metrics,
    backend: m.backend,
    lineage: [m.weightsSha256, ...lineage(ws, m)].slice(1),
    createdBy: m.createdBy,
    createdAt: m.createdAt,
    exportedAt: new Date().toISOString(),
    weights: {
      file: WEIGHTS,
      sha256: m.weightsSha256,
      bytes: weights.byteLength,
      tensors: decoded.tensors.map((t) => ({ name: t.name, shape: t.shape })),
    },
  };
  writePackage(out, manifest, weights);
  ws.db.transaction(() =>
    appendAudit(ws.db, {
      actor,
      action: 'model.export',
      detail: { modelId, path: out, sha256: m.weightsSha256 },
    }),
  )();
  return out;
}

/** Writes the package folder `out` (which must not exist) from its manifest and weights bytes. */
export function writePackage(out: string, manifest: PackageManifest, weights: Uint8Array): void {
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  // Written into a temporary folder and renamed: a half-written package never has the final name.
  const tmp = `${out}.partial-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    writeFileAtomic(path.join(tmp, WEIGHTS), weights);
    writeFileAtomic(path.join(tmp, MANIFEST), manifestBytes);
    writeFileAtomic(
      path.join(tmp, SUMS),
      Buffer.from(`${sha256(manifestBytes)}  ${MANIFEST}\n${sha256(weights)}  ${WEIGHTS}\n`, 'utf8'),
    );
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function refuse(pkg: string, why: string): never {
  throw new InputError(pkg, `model package refused: ${why}; nothing was imported`);
}

/** Reads and verifies a package; returns its manifest and weights bytes, or throws InputError. */
export function verifyPackage(pkg: string): { manifest: PackageManifest; weights: Buffer } {
  if (!fs.existsSync(pkg) || !fs.statSync(pkg).isDirectory()) refuse(pkg, 'not a folder');
  const sumsFile = path.join(pkg, SUMS);
  if (!fs.existsSync(sumsFile)) refuse(pkg, `no ${SUMS} file`);
  const sums = new Map<string, string>();
  for (const line of fs.readFileSync(sumsFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (!m) refuse(pkg, `${SUMS} has a malformed line`);
    sums.set(m[2]!, m[1]!);
  }
  if (sums.size !== 2 || !sums.has(MANIFEST) || !sums.has(WEIGHTS)) {
    refuse(pkg, `${SUMS} must list exactly ${MANIFEST} and ${WEIGHTS}`);
  }
  const read = (name: string): Buffer => {
    const f = path.join(pkg, name);
    if (!fs.existsSync(f)) refuse(pkg, `${name} is missing`);
    const b = fs.readFileSync(f);
    if (sha256(b) !== sums.get(name)) refuse(pkg, `${name} does not match its checksum (damaged or altered)`);
    return b;
  };
  const manifestBytes = read(MANIFEST);
  const weights = read(WEIGHTS);
  let manifest: PackageManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as PackageManifest;
  } catch {
    refuse(pkg, `${MANIFEST} is not JSON`);
  }
  if (manifest.format !== PACKAGE_FORMAT)
    refuse(pkg, `not a Concord model (format '${String(manifest.format)}')`);
  if (
    !Number.isInteger(manifest.formatVersion) ||
    manifest.formatVersion < 1 ||
    manifest.formatVersion > PACKAGE_FORMAT_VERSION
  ) {
    refuse(
      pkg,
      manifest.formatVersion > PACKAGE_FORMAT_VERSION
        ? `format version ${manifest.formatVersion} is newer than this Concord reads (${PACKAGE_FORMAT_VERSION})`
        : `unknown format version ${String(manifest.formatVersion)}`,
    );
  }
  if (manifest.architecture !== ARCHITECTURE)
    refuse(pkg, `unknown architecture '${String(manifest.architecture)}'`);
  let specs;
  try {
    specs = paramSpecs(manifest.config);
  } catch (e) {
    refuse(pkg, `invalid architecture configuration (${(e as Error).message})`);
  }
  const labels = manifest.labels;
  if (
    !Array.isArray(labels) ||
    labels.length !== manifest.config.labels ||
    labels.some(
      (l) => !Number.isInteger(l?.value) || l.value < 1 || l.value > 255 || typeof l.name !== 'string',
    ) ||
    new Set(labels.map((l) => l.value)).size !== labels.length
  )
    refuse(
      pkg,
      `its labels must be ${manifest.config.labels} distinct values 1..255 with names, one per output`,
    );
  if (!Number.isInteger(manifest.cropSize) || manifest.cropSize % 2 ** (manifest.config.levels - 1) !== 0) {
    refuse(pkg, `crop size ${String(manifest.cropSize)} does not fit the architecture`);
  }
  try {
    manifest.normalisation = parseNormalisation(manifest.normalisation);
  } catch (e) {
    refuse(pkg, `invalid intensity normalisation (${(e as Error).message})`);
  }
  if (manifest.weights?.sha256 !== sums.get(WEIGHTS)) refuse(pkg, 'the manifest names other weights');
  const inf = manifest.inference;
  if (
    inf !== undefined &&
    !(
      typeof inf === 'object' &&
      inf !== null &&
      inf.threshold > 0 &&
      inf.threshold < 1 &&
      typeof inf.tta === 'boolean'
    )
  )
    refuse(pkg, 'invalid inference settings (a threshold in (0, 1) and tta true or false)');
  let decoded;
  try {
    decoded = decodeTensorFile<WeightsMeta>(weights);
  } catch (e) {
    refuse(pkg, `${WEIGHTS}: ${(e as Error).message}`);
  }
  const want = specs.map((s) => `${s.name}:${s.shape.join('x')}`).join(',');
  const got = decoded.tensors.map((t) => `${t.name}:${t.shape.join('x')}`).join(',');
  if (want !== got || decoded.tensors.some((t) => !(t.values instanceof Float32Array))) {
    refuse(pkg, 'the weights do not match the architecture in the manifest');
  }
  if (JSON.stringify(decoded.meta?.unet) !== JSON.stringify(manifest.config)) {
    refuse(pkg, 'the weights were saved for another architecture');
  }
  for (const t of decoded.tensors) {
    if ((t.values as Float32Array).some((v) => !Number.isFinite(v)))
      refuse(pkg, `weight ${t.name} is not finite`);
  }
  return { manifest, weights };
}

export async function importModel(
  ws: Workspace,
  pkg: string,
  projectId: number | null,
  actor: string,
): Promise<ModelInfo> {
  const abs = path.resolve(pkg);
  if (projectId !== null && !getProject(ws.db, projectId))
    throw new NotFoundError(`project ${projectId} does not exist`);
  const { manifest, weights } = verifyPackage(abs);
  const stored = await ws.blobs.put(weights);
  const at = new Date().toISOString();
  const id = ws.db.transaction(() => {
    const modelId = insertImportedModel(ws.db, manifest, stored, {
      projectId,
      trainingData: { ...manifest.trainingData, importedFrom: abs, lineage: manifest.lineage },
      at,
    });
    appendAudit(
      ws.db,
      { actor, action: 'model.import', detail: { modelId, path: abs, sha256: stored.sha256 } },
      at,
    );
    return modelId;
  })();
  return getModel(ws.db, id)!;
}

/** The registry row of a verified package's model, stored as imported (no parent, no run). */
export function insertImportedModel(
  db: Db,
  manifest: ReturnType<typeof verifyPackage>['manifest'],
  stored: { sha256: string; byteLength: number },
  o: { projectId: number | null; trainingData: Record<string, unknown>; at: string },
): number {
  return insertModel(db, {
    projectId: o.projectId,
    name: manifest.name,
    architecture: manifest.architecture,
    formatVersion: manifest.formatVersion,
    config: manifest.config,
    cropSize: manifest.cropSize,
    ...(manifest.inference
      ? { inference: { threshold: manifest.inference.threshold, tta: manifest.inference.tta } }
      : {}),
    labels: manifest.labels,
    normalisation: manifest.normalisation,
    weightsSha256: stored.sha256,
    weightsBytes: stored.byteLength,
    trainingData: o.trainingData,
    metrics: manifest.metrics,
    backend: manifest.backend,
    parentModelId: null,
    runId: null,
    origin: 'imported',
    createdBy: manifest.createdBy,
    createdAt: o.at,
  });
}

// Every signed-off reference of a project in one go: one uint8 NIfTI label map per volume, with the volume's
// geometry (mask-export.ts writes it), named after its case: `<case>.nii.gz`, or `<case>_volume-<id>.nii.gz`
// when a case has more than one volume with a reference. With `deidentify`, cases are named by their
// pseudonym (workspace/deidentify.ts), as for every export meant to leave the hospital. A references.json
// beside the files lists each file's case, revision and sign-off, and the cases skipped with the reason
// (no adjudication yet, or reopened since the sign-off). `concord masks export-references` writes a folder
// (through a temporary folder renamed at the end: a refusal or failure leaves nothing); the app gets the same
// files as an uncompressed tar (tar-stream) to download, since a browser cannot write a folder.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import {
  adjudicationOfVolume,
  currentReferenceRevision,
  listSignOffs,
} from '../../db/repositories/adjudications';
import { getProject, listCases } from '../../db/repositories/projects';
import { listVolumes } from '../../db/repositories/volumes';
import type { Workspace } from '../../workspace/workspace';
import { deidentifyForExport } from '../workspace/deidentify';
import { writeRevisionNifti } from './mask-export';

export interface ReferenceFile {
  case: string;
  caseId: number;
  volumeId: number;
  revisionId: number;
  file: string;
  signedBy: string;
  signedAt: string;
}

export interface ReferenceExportResult {
  project: string;
  files: ReferenceFile[];
  /** Cases (or volumes of a case) without a signed-off reference, with the reason. */
  skipped: { case: string; caseId: number; volumeId: number | null; reason: string }[];
}

export interface ReferenceExportOptions {
  projectId: number;
  actor: string;
  /** Name the files by the cases' pseudonyms. */
  deidentify?: boolean;
  onProgress?: (fraction: number, detail: string) => void;
}

const MANIFEST = 'references.json';

/** A case name as a file name on every system (no separators, no leading dot). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'case';
}

/** Which volumes have a reference in force, what each file is called, and which cases are skipped. */
export function planReferenceExport(
  ws: Workspace,
  projectId: number,
  deidentify = false,
): ReferenceExportResult {
  const project = getProject(ws.db, projectId);
  if (!project) throw new NotFoundError(`project ${projectId} does not exist`);
  const files: ReferenceFile[] = [];
  const skipped: ReferenceExportResult['skipped'] = [];
  const used = new Set<string>([MANIFEST]);
  for (const c of listCases(ws.db, projectId)) {
    const volumes = listVolumes(ws.db, c.id);
    if (volumes.length === 0) {
      skipped.push({ case: c.name, caseId: c.id, volumeId: null, reason: 'no volume' });
      continue;
    }
    const withReference = volumes.filter((v) => currentReferenceRevision(ws.db, v.id) !== null);
    for (const v of volumes) {
      const revisionId = currentReferenceRevision(ws.db, v.id);
      const shown = deidentify ? deidentifyForExport(ws, v.id).caseName : c.name;
      if (revisionId === null) {
        const adjudication = adjudicationOfVolume(ws.db, v.id);
        const reason = !adjudication
          ? 'no adjudication yet'
          : listSignOffs(ws.db, adjudication.id).length > 0
            ? 'reopened since its sign-off'
            : 'adjudication not signed off';
        skipped.push({ case: shown, caseId: c.id, volumeId: v.id, reason });
        continue;
      }
      const signOff = listSignOffs(ws.db, adjudicationOfVolume(ws.db, v.id)!.id).at(-1)!;
      let base = withReference.length > 1 ? `${safeName(shown)}_volume-${v.id}` : safeName(shown);
      if (used.has(`${base}.nii.gz`)) base = `${base}_case-${c.id}`;
      used.add(`${base}.nii.gz`);
      files.push({
        case: shown,
        caseId: c.id,
        volumeId: v.id,
        revisionId,
        file: `${base}.nii.gz`,
        signedBy: signOff.signedBy,
        signedAt: signOff.signedAt,
      });
    }
  }
  return { project: project.name, files, skipped };
}

/** Writes the planned files into `dir` (which exists and is empty) and audits the export. */
async function writeReferences(
  ws: Workspace,
  o: ReferenceExportOptions,
  dir: string,
  where: string,
): Promise<ReferenceExportResult> {
  const plan = planReferenceExport(ws, o.projectId, o.deidentify === true);
  if (plan.files.length === 0) {
    const why = plan.skipped.length ? ` (${plan.skipped.length} case(s) skipped)` : '';
    throw new InputError(undefined, `project '${plan.project}' has no signed-off reference${why}`);
  }
  for (const [n, f] of plan.files.entries()) {
    o.onProgress?.(n / plan.files.length, f.file);
    await writeRevisionNifti(ws, f.revisionId, path.join(dir, f.file));
  }
  await fs.writeFile(
    path.join(dir, MANIFEST),
    JSON.stringify({ exportedBy: 'Concord', exportedAt: new Date().toISOString(), ...plan }, null, 2) + '\n',
  );
  o.onProgress?.(1, `${plan.files.length} reference(s)`);
  ws.db.transaction(() =>
    appendAudit(ws.db, {
      actor: o.actor,
      action: 'project.exportReferences',
      detail: {
        projectId: o.projectId,
        // Audit rows are readable while signed out: where it went by name only, never a path.
        to: where,
        revisions: plan.files.map((f) => f.revisionId),
        skipped: plan.skipped.length,
        deidentified: o.deidentify === true,
      },
    }),
  )();
  return plan;
}

/** The references as files in the folder `out` (new, or empty). */
export async function exportReferences(
  ws: Workspace,
  o: ReferenceExportOptions & { out: string },
): Promise<ReferenceExportResult & { out: string }> {
  const out = path.resolve(o.out);
  try {
    const entries = await fs.readdir(out);
    if (entries.length > 0)
      throw new InputError(out, 'the output folder is not empty; choose a new or empty folder');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOTDIR') throw new InputError(out, 'is a file, not a folder');
    if (code !== 'ENOENT') throw e;
  }
  const tmp = path.join(
    path.dirname(out),
    `.${path.basename(out)}.${randomBytes(6).toString('hex')}.partial`,
  );
  await fs.mkdir(tmp, { recursive: true, mode: 0o700 });
  try {
    const r = await writeReferences(ws, o, tmp, path.basename(out));
    await fs.rm(out, { recursive: true, force: true }); // an empty folder, checked above
    await fs.rename(tmp, out);
    return { ...r, out };
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The references as one tar (the app's download): the NIfTI files and references.json. */
export async function exportReferencesTar(
  ws: Workspace,
  o: ReferenceExportOptions,
): Promise<ReferenceExportResult & { fileName: string; bytes: Uint8Array }> {
  const project = getProject(ws.db, o.projectId);
  if (!project) throw new NotFoundError(`project ${o.projectId} does not exist`);
  const fileName = `${safeName(project.name)}-references.tar`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'concord-references-'));
  try {
    const r = await writeReferences(ws, o, dir, `download ${fileName}`);
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((resolve, reject) => {
      pack.on('end', resolve);
      pack.on('error', reject);
    });
    for (const name of [...r.files.map((f) => f.file), MANIFEST]) {
      const data = await fs.readFile(path.join(dir, name));
      await new Promise<void>((resolve, reject) =>
        pack.entry({ name, size: data.length, mtime: new Date(), mode: 0o644 }, data, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
    }
    pack.finalize();
    await ended;
    return { ...r, fileName, bytes: new Uint8Array(Buffer.concat(chunks)) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

// `pacs get`: a study from a PACS (WADO-RS, one instance per request) into a project, through the same
// import path and checks as a folder import (workspace/import-volumes.ts: readAndStoreVolumes, then
// recordVolumes in one transaction).
//
// The instances land in <workspace>/tmp/pacs/<StudyInstanceUID>/<SOPInstanceUID>.dcm, each written to a
// .part file and renamed once whole and checked (DICOM Part 10, and the SOP and study UIDs asked for).
// When the server goes away or stops answering mid-transfer, the verified files stay there and the same
// command resumes: each kept file is checked again and only the missing ones are fetched. Any other
// failure (a wrong answer, an image the import refuses, a cancel) removes the folder, so the workspace is
// as it was. Workspaces drop temp folders older than an hour when opened (workspace.ts). A lock file beside
// the folder keeps two transfers of one study from writing the same files.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ImportSummary } from '@contract';
import { CancelledError, ConflictError, InputError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import { dicomParser, parserErrorMessage } from '../../io/dicom/dicom-parser';
import {
  checkUid,
  listStudyInstances,
  PacsUnreachableError,
  retrieveInstance,
} from '../../io/dicomweb/client';
import type { InstanceRef, PacsEndpoint } from '../../io/dicomweb/client';
import type { Workspace } from '../../workspace/workspace';
import { readAndStoreVolumes, recordVolumes } from '../workspace/import-volumes';
import type { ImportReadOptions } from '../workspace/import-volumes';

export interface PacsGetRequest {
  studyInstanceUID: string;
  projectId?: number;
  projectName?: string;
  caseName?: string;
}

export interface PacsGetSummary extends ImportSummary {
  server: string;
  studyInstanceUID: string;
  instances: number;
  /** Instances found already fetched and verified from an interrupted earlier try. */
  resumed: number;
}

export type PacsGetProgress = (
  phase: 'listing' | 'fetching' | 'importing' | 'done',
  fraction: number,
  detail: string,
) => void;

/** Folder of a study's instances while it is fetched. */
export function pacsTransferDir(ws: Workspace, studyUid: string): string {
  return path.join(ws.tmpDir, 'pacs', checkUid(studyUid, 'StudyInstanceUID'));
}

/** Why `bytes` is not the instance `ref` (null when it is). */
export function instanceMismatch(bytes: Uint8Array, ref: InstanceRef): string | null {
  try {
    const ds = dicomParser.parseDicom(bytes, { untilTag: 'x0020000e' });
    const sop = ds.string('x00080018')?.trim();
    const study = ds.string('x0020000d')?.trim();
    if (sop !== ref.sopInstanceUID) return `SOP instance UID ${sop ?? 'missing'}, not ${ref.sopInstanceUID}`;
    if (study !== ref.studyInstanceUID) return `study ${study ?? 'missing'}, not ${ref.studyInstanceUID}`;
    return null;
  } catch (e) {
    return `not a readable DICOM file (${parserErrorMessage(e)})`;
  }
}

async function keptAndValid(file: string, ref: InstanceRef): Promise<boolean> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return false;
  }
  if (instanceMismatch(bytes, ref) === null) return true;
  await fs.rm(file, { force: true });
  return false;
}

/** Writes a file whole or not at all (a .part file, flushed, then renamed). */
async function writeWhole(file: string, bytes: Uint8Array): Promise<void> {
  const part = `${file}.part`;
  const h = await fs.open(part, 'w', 0o600);
  try {
    await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
  await fs.rename(part, file);
}

/** Fetches every instance of the study into `dir` (kept ones checked again); returns how many were kept. */
async function fetchStudy(
  ep: PacsEndpoint,
  studyUid: string,
  dir: string,
  progress: PacsGetProgress,
): Promise<{ instances: number; resumed: number }> {
  progress('listing', 0, `asking ${ep.name} for the instances of study ${studyUid}`);
  const refs = await listStudyInstances(ep, studyUid);
  if (refs.length === 0) throw new InputError(undefined, `PACS '${ep.name}' has no study ${studyUid}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  let resumed = 0;
  for (const [n, ref] of refs.entries()) {
    if (ep.signal?.aborted) throw new CancelledError('pacs get');
    const file = path.join(dir, `${ref.sopInstanceUID}.dcm`);
    const label = `instance ${n + 1} of ${refs.length}`;
    if (await keptAndValid(file, ref)) {
      resumed++;
      progress('fetching', (0.8 * (n + 1)) / refs.length, `${label}: kept from the interrupted transfer`);
      continue;
    }
    const bytes = await retrieveInstance(ep, ref);
    const wrong = instanceMismatch(bytes, ref);
    if (wrong !== null) {
      throw new InputError(
        undefined,
        `PACS '${ep.name}' answered ${ref.sopInstanceUID} with another file: ${wrong}`,
      );
    }
    await writeWhole(file, bytes);
    progress('fetching', (0.8 * (n + 1)) / refs.length, `${label} (${bytes.byteLength} bytes)`);
  }
  return { instances: refs.length, resumed };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One transfer of a study per workspace at a time (two would write the same files): a lock file beside
 * the study's folder holding the process id. A lock whose process is gone (killed) is taken over.
 */
async function lockTransfer(dir: string, studyUid: string): Promise<() => Promise<void>> {
  const lock = `${dir}.lock`;
  await fs.mkdir(path.dirname(lock), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => fs.rm(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new ConflictError(
          `study ${studyUid} is already being fetched into this workspace (process ${holder}); try again when it ends`,
        );
      }
      await fs.rm(lock, { force: true });
    }
  }
  throw new ConflictError(`study ${studyUid} is already being fetched into this workspace; try again`);
}

async function countFiles(dir: string): Promise<number> {
  try {
    return (await fs.readdir(dir)).filter((f) => f.endsWith('.dcm')).length;
  } catch {
    return 0;
  }
}

export async function getStudyFromPacs(
  ws: Workspace,
  ep: PacsEndpoint,
  req: PacsGetRequest,
  actor: string,
  progress: PacsGetProgress,
  read: ImportReadOptions = {},
): Promise<PacsGetSummary> {
  const studyUid = checkUid(req.studyInstanceUID, 'StudyInstanceUID');
  const dir = pacsTransferDir(ws, studyUid);
  const unlock = await lockTransfer(dir, studyUid);
  try {
    return await fetchAndImport(ws, ep, req, studyUid, dir, actor, progress, read);
  } finally {
    await unlock();
    // tmp/pacs/ goes too when no other transfer is in it.
    await fs.rmdir(path.dirname(dir)).catch(() => undefined);
  }
}

async function fetchAndImport(
  ws: Workspace,
  ep: PacsEndpoint,
  req: PacsGetRequest,
  studyUid: string,
  dir: string,
  actor: string,
  progress: PacsGetProgress,
  read: ImportReadOptions,
): Promise<PacsGetSummary> {
  let fetched: { instances: number; resumed: number };
  try {
    fetched = await fetchStudy(ep, studyUid, dir, progress);
  } catch (e) {
    const kept = await countFiles(dir);
    if (e instanceof PacsUnreachableError && kept > 0) {
      throw new PacsUnreachableError(
        undefined,
        `${e.message}; ${kept} instance(s) fetched so far are kept in the workspace's temp folder: the same command resumes`,
      );
    }
    await removeTransferDir(dir);
    throw e;
  }
  try {
    const importReq = {
      jobId: randomUUID(),
      source: { kind: 'paths' as const, paths: [dir] },
      projectId: req.projectId,
      projectName: req.projectName,
      // A pseudonym of the study names the case unless the user names it: never the patient's name or ID,
      // nor the study UID (a research project replaces it).
      ...(req.caseName?.trim() ? { caseName: req.caseName.trim() } : {}),
    };
    const stored = await readAndStoreVolumes(
      ws,
      importReq,
      (_phase, f, detail) => progress('importing', 0.8 + 0.2 * f, detail),
      ep.signal,
      read,
      { caseSeed: `study ${studyUid}` },
    );
    // The temp folder is gone once the study is in: record file names, not temp paths.
    for (const p of stored.prepared) {
      p.volume.source.files = p.volume.source.files.map((f) => `${ep.name}:${path.basename(f)}`);
    }
    const at = new Date().toISOString();
    const summary = ws.db.transaction(() => {
      const s = recordVolumes(ws, importReq, stored, actor, at);
      appendAudit(
        ws.db,
        {
          actor,
          action: 'pacs.get',
          detail: {
            server: ep.name,
            url: ep.url,
            // A research project's audit names the study by its replacement UID, as its volumes do.
            studyInstanceUID: stored.prepared[0]?.uids.get(studyUid) ?? studyUid,
            instances: fetched.instances,
            resumed: fetched.resumed,
            projectId: s.projectId,
            volumeIds: s.volumes.map((v) => v.id),
          },
        },
        at,
      );
      return s;
    })();
    progress('done', 1, `${summary.volumes.length} volume(s) imported from ${ep.name}`);
    return { ...summary, server: ep.name, studyInstanceUID: studyUid, ...fetched };
  } finally {
    await removeTransferDir(dir);
  }
}

async function removeTransferDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

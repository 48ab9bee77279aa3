// De-identification in a workspace: the keyed hash behind UID replacement, date shifts and case pseudonyms
// (core/deid/confidentiality-profile.ts says what the profile keeps, replaces and removes), the kind of the
// project an import goes to, the mapping file kept only when the user asks, and what every export meant to
// leave the hospital calls (deidentifyForExport).
//
// The secret is derived from the workspace key (workspace-key.ts, outside the database file, 0600): a copy of
// concord.db alone cannot reverse a pseudonym or recompute a replacement, and two workspaces replace one UID
// differently.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ProjectKind } from '../../core/model';
import {
  applyConfidentialityProfile,
  casePseudonym,
  isSubjectPseudonym,
  subjectPseudonym,
  replacementUid,
  type DatePolicy,
  type KeyedHash,
} from '../../core/deid/confidentiality-profile';
import { InputError, NotFoundError } from '../../core/errors';
import type { PatientIdentity, VolumeSource } from '../../core/volume/types';
import type { Db } from '../../db/open';
import { findProjectByName, getProject } from '../../db/repositories/projects';
import { getCase } from '../../db/repositories/reviews';
import { getVolume, getVolumeSource } from '../../db/repositories/volumes';
import type { Workspace } from '../../workspace/workspace';

/** The workspace's keyed hash for de-identification (HMAC-SHA256 under a secret derived from its key). */
export function deidHash(ws: Workspace): KeyedHash {
  const secret = createHmac('sha256', ws.key.macKey).update('concord de-identification v1').digest();
  return (text) => createHmac('sha256', secret).update(text).digest();
}

/**
 * The forms a UID from the source (a SEG's or an RTSTRUCT's reference to its image series) may take in this
 * workspace: itself (a clinical project keeps it) and its keyed replacement (a research project stores that).
 * A reference matches a volume when one of its forms is the volume's stored UID.
 */
export function sourceUidForms(ws: Workspace): (uid: string) => string[] {
  const hash = deidHash(ws);
  const cache = new Map<string, string[]>();
  return (uid) => {
    let forms = cache.get(uid);
    if (forms === undefined) {
      forms = [uid, replacementUid(hash, uid)];
      cache.set(uid, forms);
    }
    return forms;
  };
}

/** The kind of the project an import goes to: an existing project's own, else the one asked (clinical). */
export function importProjectKind(
  db: Db,
  req: { projectId?: number; projectName?: string; projectKind?: ProjectKind },
  defaultName: string,
): ProjectKind {
  if (req.projectKind !== undefined && req.projectKind !== 'clinical' && req.projectKind !== 'research')
    throw new InputError(
      undefined,
      `a project is 'clinical' or 'research', not '${String(req.projectKind)}'`,
    );
  const existing =
    req.projectId !== undefined
      ? getProject(db, req.projectId)
      : findProjectByName(db, req.projectName?.trim() || defaultName);
  if (!existing) return req.projectKind ?? 'clinical';
  if (req.projectKind !== undefined && req.projectKind !== existing.kind) {
    throw new InputError(
      undefined,
      `project '${existing.name}' is a ${existing.kind} project; it cannot take a ${req.projectKind} import ` +
        '(a project keeps the kind it was made with)',
    );
  }
  return existing.kind;
}

/** One case's entry in a mapping file: the pseudonym and what it stands for at the source. */
export interface MappingCase {
  caseName: string;
  /** The folder or file name the case would have been named after. */
  sourceName: string;
  patient?: PatientIdentity;
  /** Research projects with shifted dates: the days every date of this patient moved by. */
  dateShiftDays?: number;
}

export interface MappingEntries {
  cases: MappingCase[];
  /** Original UID -> replacement (research projects). */
  uids: Record<string, string>;
}

const MAPPING_FORMAT = 'concord de-identification mapping';

interface MappingFile extends MappingEntries {
  format: typeof MAPPING_FORMAT;
  version: 1;
  /** The workspace whose secret made the replacements (workspace-key.ts id). */
  workspace: string;
}

/**
 * Adds entries to the mapping file the user asked for (created 0600; an existing one of this workspace is
 * merged). Written whole or not at all. This file is the only place the original identifiers live: it is
 * never inside the workspace, never audited beyond its base name, never part of an export.
 */
export function writeMappingFile(ws: Workspace, file: string, add: MappingEntries): void {
  const abs = path.resolve(file);
  const current = readMappingFile(ws, file);
  const known = new Set(current.cases.map((c) => JSON.stringify(c)));
  for (const c of add.cases) if (!known.has(JSON.stringify(c))) current.cases.push(c);
  Object.assign(current.uids, add.uids);
  const tmp = `${abs}.${process.pid}.part`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, JSON.stringify(current, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, abs);
}

/** The mapping file's entries so far (none when it does not exist); refuses a file that is not one, or
 *  one inside the workspace. Called before an import reads anything, so a bad name changes nothing. */
export function readMappingFile(ws: Workspace, file: string): MappingFile {
  const abs = path.resolve(file);
  const inWs = path.relative(ws.dir, abs);
  if (!inWs.startsWith('..') && !path.isAbsolute(inWs))
    throw new InputError(file, 'the mapping file must be kept outside the workspace folder');
  let current: MappingFile = {
    format: MAPPING_FORMAT,
    version: 1,
    workspace: ws.key.id,
    cases: [],
    uids: {},
  };
  if (fs.existsSync(abs)) {
    let parsed: Partial<MappingFile>;
    try {
      parsed = JSON.parse(fs.readFileSync(abs, 'utf8')) as Partial<MappingFile>;
    } catch {
      throw new InputError(file, 'exists and is not a Concord mapping file; choose another name');
    }
    if (parsed.format !== MAPPING_FORMAT || !Array.isArray(parsed.cases) || typeof parsed.uids !== 'object')
      throw new InputError(file, 'exists and is not a Concord mapping file; choose another name');
    if (parsed.workspace !== ws.key.id)
      throw new InputError(file, "is another workspace's mapping file; choose another name");
    current = parsed as MappingFile;
  }
  if (!fs.existsSync(path.dirname(abs))) throw new InputError(file, 'its folder does not exist');
  return current;
}

/** Case names that are already pseudonyms (casePseudonym's form). */
const PSEUDONYM = /^Case [0-9a-f]{8}$/;

export interface DeidentifiedVolume {
  /** The case's name as it may leave the hospital: its pseudonym (a user-given name is replaced). */
  caseName: string;
  /** The source as it may leave: UIDs replaced, dates removed, no file names or free text. */
  source: VolumeSource;
  projectKind: ProjectKind;
}

/**
 * A case's subject as it may leave the hospital: its pseudonym (a user-given one is replaced by the one a
 * research project's import would have stored, so cases of one person still travel as one subject).
 */
export function exportSubject(ws: Workspace, subject: string): string {
  return isSubjectPseudonym(subject) ? subject : subjectPseudonym(deidHash(ws), `subject ${subject}`);
}

/** A case's name as it may leave the hospital: its pseudonym (a user-given name is replaced). */
export function exportCaseName(ws: Workspace, kase: { id: number; name: string }): string {
  return PSEUDONYM.test(kase.name) ? kase.name : casePseudonym(deidHash(ws), `case ${kase.id}`);
}

/**
 * What an export meant to leave the hospital (data sets, bundles, NIfTI or SEG on request) writes of a volume:
 * a research project's volume is already de-identified and is returned as stored (its replaced UIDs, so a SEG
 * references the same series as a data set; its dates as the import left them); a clinical one gets the
 * profile now, with the same replacements a research import of the same series would make in this workspace,
 * and its dates removed or (`dates: 'shift'`) shifted by the patient's days.
 */
export function deidentifyForExport(
  ws: Workspace,
  volumeId: number,
  opts: { dates?: DatePolicy } = {},
): DeidentifiedVolume {
  const volume = getVolume(ws.db, volumeId);
  if (!volume) throw new NotFoundError(`volume ${volumeId} does not exist`);
  const kase = getCase(ws.db, volume.caseId)!;
  const projectKind = getProject(ws.db, kase.projectId)!.kind;
  const hash = deidHash(ws);
  const caseName = exportCaseName(ws, kase);
  const row = getVolumeSource(ws.db, volumeId);
  const stored = row?.source as VolumeSource;
  if (projectKind === 'research') return { caseName, source: stored, projectKind };
  // The date shift's key, as a research import takes it: the patient's ID where the user kept it, else the case.
  const patientId = (row?.patient as PatientIdentity | null | undefined)?.id;
  const { source } = applyConfidentialityProfile(stored, {
    hash,
    dates: opts.dates ?? 'remove',
    patientKey: patientId ? `id ${patientId}` : kase.name,
  });
  return { caseName, source, projectKind };
}

export type { DatePolicy };

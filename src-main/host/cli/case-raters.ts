// Workspace mode of `compare` and `consensus`: `--workspace <dir> --case <id or name> [--volume <id>]
// [--annotations <id,id,...>] [--include-derived]` picks a case's annotations (their head revisions) as the
// raters, through the same selection as the app (services/consensus/raters.ts): by default every manual
// annotation with a saved revision, in annotation id order. The CLI acts as the workspace's owner, so blinding
// (which applies to the app's profiles) does not; every refusal is a one-line input error (exit 2).
import fs from 'node:fs';
import path from 'node:path';
import type { RaterSelection } from '../../core/model';
import { InputError } from '../../core/errors';
import type { Db } from '../../db/open';
import { getCase } from '../../db/repositories/reviews';
import { getVolume, listVolumes } from '../../db/repositories/volumes';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { optionString, positiveInt, type ParsedArgs } from './args';

export function isWorkspaceMode(args: ParsedArgs): boolean {
  return args.options.has('workspace') || args.options.has('case');
}

/** Opens the existing workspace of --workspace (never creates one), after checking --case is there too. */
export function openCaseWorkspace(args: ParsedArgs, command: string): Workspace {
  const dir = optionString(args, 'workspace');
  if (!dir || !args.options.has('case'))
    throw new InputError(undefined, `${command} on a workspace needs both --workspace <dir> and --case <id>`);
  if (!fs.existsSync(path.join(dir, 'concord.db')))
    throw new InputError(dir, 'no Concord workspace here (no concord.db)');
  return openWorkspace(dir);
}

function resolveCase(db: Db, text: string): { id: number; name: string } {
  if (/^\d+$/.test(text)) {
    const c = getCase(db, Number(text));
    if (c) return c;
  }
  const named = db.prepare('SELECT id, name FROM cases WHERE name = ? ORDER BY id').all(text) as {
    id: number;
    name: string;
  }[];
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new InputError(
      undefined,
      `${named.length} cases are named '${text}' (ids ${named.map((c) => c.id).join(', ')}): pass the id`,
    );
  }
  throw new InputError(undefined, `case '${text}' does not exist in this workspace (give a case id or name)`);
}

function volumeOfCase(db: Db, caseId: number, caseName: string, volumeText: string | undefined): number {
  if (volumeText !== undefined) {
    const id = positiveInt(volumeText, '--volume');
    if (getVolume(db, id)?.caseId !== caseId)
      throw new InputError(undefined, `volume ${id} is not a volume of case ${caseName}`);
    return id;
  }
  const volumes = listVolumes(db, caseId);
  const annotated = volumes.filter(
    (v) => db.prepare('SELECT 1 FROM annotations WHERE volume_id = ?').get(v.id) !== undefined,
  );
  const pick = annotated.length > 0 ? annotated : volumes;
  if (pick.length === 0) throw new InputError(undefined, `case ${caseName} has no volume`);
  if (pick.length > 1) {
    throw new InputError(
      undefined,
      `case ${caseName} has ${pick.length} annotated volumes (ids ${pick.map((v) => v.id).join(', ')}): pick one with --volume`,
    );
  }
  return pick[0]!.id;
}

export interface CaseSelection {
  caseId: number;
  caseName: string;
  selection: RaterSelection;
}

export function caseSelection(ws: Workspace, args: ParsedArgs, command: string): CaseSelection {
  if (args.positionals.length > 0) {
    throw new InputError(undefined, `${command} takes mask files or --workspace/--case, not both`);
  }
  const c = resolveCase(ws.db, optionString(args, 'case')!);
  const volumeId = volumeOfCase(ws.db, c.id, c.name, optionString(args, 'volume'));
  const list = optionString(args, 'annotations');
  const annotationIds = list?.split(',').map((x) => positiveInt(x.trim(), '--annotations'));
  return {
    caseId: c.id,
    caseName: c.name,
    selection: { volumeId, annotationIds, includeDerived: args.options.has('include-derived') },
  };
}

// Workspace mode of `compare` and `consensus`: `--workspace <dir> --case <id or name> [--volume <id>]
// [--raters <name|id,...>] [--annotations <id,id,...>] [--include-derived]` picks a case's annotations (their
// head revisions) as the raters, through the same selection as the app (services/consensus/raters.ts): by
// default the submitted manual annotations with a saved revision, in annotation id order; --raters names the
// set explicitly (an annotator's name for their annotation, a derived annotation's name such as 'STAPLE'
// when only one has it, or an annotation id), as the reviewer's ticks do in the app. The CLI acts as the workspace's owner, so blinding
// (which applies to the app's profiles) does not; every refusal is a one-line input error (exit 2).
import fs from 'node:fs';
import path from 'node:path';
import type { RaterSelection } from '../../core/model';
import { InputError } from '../../core/errors';
import type { Db } from '../../db/open';
import { listAnnotationsOfVolume } from '../../db/repositories/annotations';
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

/** --raters: annotator names, derived annotations' names or annotation ids of the volume, in that order. */
function ratersOf(db: Db, volumeId: number, text: string): number[] {
  const all = listAnnotationsOfVolume(db, volumeId);
  return text.split(',').map((raw) => {
    const t = raw.trim();
    if (!t) throw new InputError(undefined, `--raters has an empty entry ('${text}')`);
    if (/^\d+$/.test(t)) {
      const byId = all.find((a) => a.id === Number(t));
      if (byId) return byId.id;
    }
    const named = all.filter((a) => a.authorName.toLowerCase() === t.toLowerCase());
    if (named.length === 1) return named[0]!.id;
    if (named.length > 1) {
      throw new InputError(
        undefined,
        `${named.length} annotations of volume ${volumeId} are named '${t}' (ids ${named.map((a) => a.id).join(', ')}): give the id`,
      );
    }
    throw new InputError(
      undefined,
      `no annotation of volume ${volumeId} is '${t}' (raters: ${all.map((a) => `${a.authorName} (${a.id})`).join(', ') || 'none'})`,
    );
  });
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
  const raters = optionString(args, 'raters');
  if (list !== undefined && raters !== undefined)
    throw new InputError(undefined, '--raters and --annotations name the same thing: give one');
  const annotationIds =
    raters !== undefined
      ? ratersOf(ws.db, volumeId, raters)
      : list?.split(',').map((x) => positiveInt(x.trim(), '--annotations'));
  return {
    caseId: c.id,
    caseName: c.name,
    selection: { volumeId, annotationIds, includeDerived: args.options.has('include-derived') },
  };
}

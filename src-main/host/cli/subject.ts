// `concord subject --workspace <dir> --project <name|id> --case <id|name> (--subject <name> | --clear)
// [--json]`: sets or clears a case's subject, the person imaged, which a training run split by subject keeps
// on one side (services/labelling/case-subject.ts: a research project stores its keyed pseudonym, never the
// name). For a case imported without one, or with the wrong one. The CLI acts as the workspace's owner; the
// audit row names the local user. A project or case that does not exist, or an empty or overlong subject, is
// an input error (exit 2) and nothing is written.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { listCases } from '../../db/repositories/projects';
import { localActor } from '../../services/create-services';
import { setSubject } from '../../services/labelling/case-subject';
import { openWorkspace } from '../../workspace/workspace';
import { optionString, parseArgs, requireOption } from './args';
import { caseNamed, projectNamed } from './lookup';
import { printJson } from './output';

const USAGE =
  'usage: concord subject --workspace <dir> --project <name|id> --case <id|name> (--subject <name> | --clear) [--json]';

export function runSubject(argv: string[]): number {
  const args = parseArgs(argv, {
    values: ['workspace', 'project', 'case', 'subject'],
    flags: ['clear', 'json'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const dir = requireOption(args, 'workspace', 'subject');
  if (!fs.existsSync(path.join(dir, 'concord.db')))
    throw new InputError(dir, 'no Concord workspace here (no concord.db)');
  const projectText = requireOption(args, 'project', 'subject');
  const caseText = requireOption(args, 'case', 'subject');
  const given = optionString(args, 'subject');
  const clear = args.options.has('clear');
  if ((given === undefined) === !clear)
    throw new InputError(undefined, `give --subject or --clear\n${USAGE}`);
  const ws = openWorkspace(dir);
  try {
    const project = projectNamed(ws.db, projectText);
    const c = caseNamed(listCases(ws.db, project.id), caseText, project.name);
    const r = setSubject(ws, c.id, clear ? null : given!, localActor());
    if (args.options.has('json'))
      printJson({ projectId: project.id, caseId: c.id, case: c.name, kind: project.kind, ...r });
    else
      process.stdout.write(
        `${c.name}: ${r.subject === null ? 'no subject (the case is its own)' : `subject ${r.subject}`}${r.subject === r.before ? ' (unchanged)' : ''}\n`,
      );
    return 0;
  } finally {
    ws.close();
  }
}

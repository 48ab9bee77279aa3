// `concord assign --workspace <dir> --project <name|id> --annotators a,b,c [--per-case k] [--cases id|name,...]
// [--json]`: gives the project's cases (or the listed ones) to annotators through the same service as the app
// (services/team/assignments.ts): each case to every listed annotator, or with --per-case k to k of them,
// balanced, least-loaded first. The CLI acts as the workspace's owner; the audit row names the local user.
// Annotators are profile names (with the annotator role); a name or case that does not exist is an input
// error (exit 2) and nothing is written.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { listCases } from '../../db/repositories/projects';
import { localActor } from '../../services/create-services';
import { assign } from '../../services/team/assignments';
import { openWorkspace } from '../../workspace/workspace';
import { optionString, parseArgs, positiveInt, requireOption } from './args';
import { caseNamed, projectNamed } from './lookup';
import { printJson } from './output';

const USAGE =
  'usage: concord assign --workspace <dir> --project <name|id> --annotators <a,b,...> [--per-case <k>] [--cases <id|name,...>] [--json]';

function list(text: string, what: string): string[] {
  const items = text.split(',').map((x) => x.trim());
  if (items.some((x) => !x)) throw new InputError(undefined, `${what} has an empty entry ('${text}')`);
  return items;
}

export function runAssign(argv: string[]): number {
  const args = parseArgs(argv, {
    values: ['workspace', 'project', 'annotators', 'per-case', 'cases'],
    flags: ['json'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const dir = requireOption(args, 'workspace', 'assign');
  if (!fs.existsSync(path.join(dir, 'concord.db')))
    throw new InputError(dir, 'no Concord workspace here (no concord.db)');
  const projectText = requireOption(args, 'project', 'assign');
  const names = list(requireOption(args, 'annotators', 'assign'), '--annotators');
  const perCaseText = optionString(args, 'per-case');
  const perCase = perCaseText === undefined ? undefined : positiveInt(perCaseText, '--per-case');
  const ws = openWorkspace(dir);
  try {
    const db = ws.db;
    const project = projectNamed(db, projectText);
    const annotatorIds = names.map((n) => {
      const p = findAnnotatorByName(db, n);
      if (!p) throw new InputError(undefined, `no profile named '${n}'`);
      return p.id;
    });
    const cases = listCases(db, project.id);
    const casesText = optionString(args, 'cases');
    const caseIds = casesText
      ? list(casesText, '--cases').map((t) => caseNamed(cases, t, project.name).id)
      : undefined;
    const r = assign(
      db,
      { id: 0, name: localActor(), role: 'admin' },
      { projectId: project.id, annotatorIds, caseIds, perCase },
    );
    const caseName = new Map(cases.map((c) => [c.id, c.name]));
    if (args.options.has('json')) {
      printJson({
        projectId: r.projectId,
        project: project.name,
        added: r.added.map((p) => ({ ...p, caseName: caseName.get(p.caseId) })),
        load: r.load,
      });
    } else {
      for (const p of r.added) process.stdout.write(`${caseName.get(p.caseId)} -> ${p.annotatorName}\n`);
      process.stdout.write(
        `${r.added.length} assignment(s) added; cases per annotator: ${r.load.map((l) => `${l.annotatorName} ${l.cases}`).join(', ')}\n`,
      );
    }
    return 0;
  } finally {
    ws.close();
  }
}

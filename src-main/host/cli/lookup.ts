// How the CLI finds what a user names: a project or a case by its name, or by its id when the text is a
// number and no project or case has that name. Not found is an input error (exit 2) that names the text.
import type { CaseInfo, ProjectInfo } from '../../core/model';
import { InputError } from '../../core/errors';
import type { Db } from '../../db/open';
import { findProjectByName, getProject } from '../../db/repositories/projects';

export function projectNamed(db: Db, text: string): ProjectInfo {
  const project =
    findProjectByName(db, text) ?? (/^\d+$/.test(text) ? getProject(db, Number(text)) : undefined);
  if (!project) throw new InputError(undefined, `project '${text}' does not exist in this workspace`);
  return project;
}

/** One of a project's cases (`cases`: its list) by name or id. */
export function caseNamed<C extends Pick<CaseInfo, 'id' | 'name'>>(
  cases: C[],
  text: string,
  project: string,
): C {
  const c =
    cases.find((x) => x.name === text) ??
    (/^\d+$/.test(text) ? cases.find((x) => x.id === Number(text)) : undefined);
  if (!c) throw new InputError(undefined, `case '${text}' is not in project ${project}`);
  return c;
}

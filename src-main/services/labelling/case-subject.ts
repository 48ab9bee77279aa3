// A case's subject (the person imaged; migration 012), as a training run's split by subject keeps them whole.
// A clinical project stores it as given, like a case name; a research project stores its keyed pseudonym
// ("Subject 3f2a1b9c", the same for the same name in every import), never the name. Set by a manifest entry
// (manifest-import.ts), or here by hand: to correct it, or to clear it (the case is then its own subject).
import type { ProjectKind } from '../../core/model';
import { InputError } from '../../core/errors';
import { isSubjectPseudonym, subjectPseudonym } from '../../core/deid/confidentiality-profile';
import { appendAudit } from '../../db/audit';
import { getCaseSubject, getProject, setCaseSubject } from '../../db/repositories/projects';
import { getCase } from '../../db/repositories/reviews';
import type { Workspace } from '../../workspace/workspace';
import { deidHash } from '../workspace/deidentify';

/** The longest subject a case keeps, in characters. */
export const MAX_SUBJECT = 200;

/** A given subject, trimmed; refused when empty or longer than MAX_SUBJECT. */
export function checkSubject(given: string): string {
  const s = given.trim();
  if (!s || s.length > MAX_SUBJECT)
    throw new InputError(undefined, `a subject is a name of 1..${MAX_SUBJECT} characters`);
  return s;
}

/**
 * What a project of this kind stores for a subject given by a person or a manifest. A research project keeps
 * a pseudonym given back as it is (the app prefills the one stored; a user groups a case with another
 * case's person by its pseudonym, as exports do: deidentify.ts exportSubject): hashing it again would name
 * someone else.
 */
export function storedSubject(ws: Workspace, given: string, kind: ProjectKind): string {
  if (kind !== 'research' || isSubjectPseudonym(given)) return given;
  return subjectPseudonym(deidHash(ws), `subject ${given}`);
}

/** Sets (or, with null, clears) a case's subject, with an audit row; returns what the case now stores. */
export function setSubject(
  ws: Workspace,
  caseId: number,
  given: string | null,
  actor: string,
): { before: string | null; subject: string | null } {
  const row = getCase(ws.db, caseId);
  if (!row) throw new InputError(undefined, `case ${caseId} does not exist`);
  const project = getProject(ws.db, row.projectId)!;
  const subject = given === null ? null : storedSubject(ws, checkSubject(given), project.kind);
  const before = getCaseSubject(ws.db, caseId);
  if (subject !== before)
    ws.db.transaction(() => {
      setCaseSubject(ws.db, caseId, subject);
      // The stored values only: a research project's pseudonyms, never the name given.
      appendAudit(ws.db, { actor, action: 'case.subject', detail: { caseId, before, subject } });
    })();
  return { before, subject };
}

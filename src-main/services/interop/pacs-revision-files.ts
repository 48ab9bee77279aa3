// The DICOM files `pacs send <revision>` sends: the revision's DICOM SEG (seg-export.ts), which references
// the source series, so a PACS files it beside the images it was drawn on. A revision of a volume that did
// not come from DICOM is refused there, with the reason.
//
// A research project's revision is refused unless the sender asks for a de-identified SEG (`--deidentified`,
// `deidentified: true`): its volume holds replaced UIDs, so its SEG references a series the hospital's PACS
// does not hold, and a research project's data are not meant to go back to a clinical archive by default.
// Asked, the SEG is the de-identified one `masks export --deidentify` writes (a clinical project's too).
// Checked before anything is encoded or any connection is made.
import { InputError, NotFoundError } from '../../core/errors';
import { getAnnotation } from '../../db/repositories/annotations';
import { getProject } from '../../db/repositories/projects';
import { getRevision } from '../../db/repositories/revisions';
import { getCase } from '../../db/repositories/reviews';
import { getVolume } from '../../db/repositories/volumes';
import { exportRevisionAsSeg } from './seg-export';

type Ws = Parameters<typeof exportRevisionAsSeg>[0];

/** The reason a revision may not be sent as it is (a research project's), or null. */
export function pacsSendRefusal(ws: Ws, revisionId: number): string | null {
  const revision = getRevision(ws.db, revisionId);
  if (!revision) throw new NotFoundError(`revision ${revisionId} does not exist`);
  const volume = getVolume(ws.db, getAnnotation(ws.db, revision.annotationId)!.volumeId)!;
  const project = getProject(ws.db, getCase(ws.db, volume.caseId)!.projectId)!;
  if (project.kind !== 'research') return null;
  return (
    `revision ${revisionId} is of research project '${project.name}', whose UIDs are replaced: ` +
    'the PACS does not hold its series, and research data do not go back to it unless sent de-identified ' +
    '(pacs send --deidentified)'
  );
}

export async function revisionDicomFiles(
  ws: Ws,
  revisionId: number,
  opts: { deidentified?: boolean } = {},
): Promise<{ name: string; bytes: Uint8Array }[]> {
  const refusal = pacsSendRefusal(ws, revisionId);
  if (refusal !== null && opts.deidentified !== true) throw new InputError(undefined, refusal);
  const seg = await exportRevisionAsSeg(ws, revisionId, { deidentify: opts.deidentified === true });
  return [{ name: `the DICOM SEG of revision ${revisionId}`, bytes: seg.bytes }];
}

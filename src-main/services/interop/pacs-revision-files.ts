// The DICOM files `pacs send <revision>` sends: the revision's DICOM SEG.
import { NotFoundError, UnsupportedError } from '../../core/errors';
import { getRevision } from '../../db/repositories/revisions';
import type { Workspace } from '../../workspace/workspace';

export async function revisionDicomFiles(
  ws: Workspace,
  revisionId: number,
): Promise<{ name: string; bytes: Uint8Array }[]> {
  if (!getRevision(ws.db, revisionId)) throw new NotFoundError(`revision ${revisionId} does not exist`);
  throw new UnsupportedError('TODO seg');
}

// The DICOM files `pacs send <revision>` sends: the revision's DICOM SEG (seg-export.ts), which references
// the source series, so a PACS files it beside the images it was drawn on. A revision of a volume that did
// not come from DICOM is refused there, with the reason.
import { exportRevisionAsSeg } from './seg-export';

export async function revisionDicomFiles(
  ws: Parameters<typeof exportRevisionAsSeg>[0],
  revisionId: number,
): Promise<{ name: string; bytes: Uint8Array }[]> {
  const seg = await exportRevisionAsSeg(ws, revisionId);
  return [{ name: `the DICOM SEG of revision ${revisionId}`, bytes: seg.bytes }];
}

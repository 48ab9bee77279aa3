// `pacs send`: DICOM files made in this workspace (a revision's DICOM SEG) stored on a PACS by STOW-RS.
// The server's answer is read back instance by instance; any instance it refused makes the send fail with
// its reason. One audit row records what went where (UIDs and counts, never patient data).
import { InputError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import { dicomParser, parserErrorMessage } from '../../io/dicom/dicom-parser';
import { isPart10, storeInstances } from '../../io/dicomweb/client';
import type { PacsEndpoint } from '../../io/dicomweb/client';
import type { Workspace } from '../../workspace/workspace';

export interface PacsSendSummary {
  server: string;
  /** SOP Instance UIDs the server stored. */
  stored: string[];
  bytes: number;
}

/** The SOP Instance UID of a DICOM Part 10 file, or a one-line refusal naming `what`. */
export function sopInstanceUidOf(bytes: Uint8Array, what: string): string {
  if (!isPart10(bytes)) throw new InputError(undefined, `${what} is not a DICOM Part 10 file`);
  try {
    const uid = dicomParser.parseDicom(bytes, { untilTag: 'x00080019' }).string('x00080018')?.trim();
    if (!uid) throw new InputError(undefined, `${what} has no SOP Instance UID`);
    return uid;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(undefined, `${what} is not a readable DICOM file (${parserErrorMessage(e)})`);
  }
}

/**
 * Sends DICOM files to a PACS; `subject` says what they are for the audit row (e.g. { revisionId }).
 * Throws (one line) when the server is unreachable, answers wrongly, or refuses any instance.
 */
export async function sendToPacs(
  ws: Workspace,
  ep: PacsEndpoint,
  files: { name: string; bytes: Uint8Array }[],
  subject: Record<string, unknown>,
  actor: string,
): Promise<PacsSendSummary> {
  if (files.length === 0) throw new InputError(undefined, 'nothing to send');
  const uids = files.map((f) => sopInstanceUidOf(f.bytes, f.name));
  const outcome = await storeInstances(
    ep,
    files.map((f) => f.bytes),
  );
  if (outcome.failed.length > 0) {
    const f = outcome.failed[0]!;
    throw new InputError(
      undefined,
      `PACS '${ep.name}' refused ${outcome.failed.length} of ${files.length} instance(s) (${f.sopInstanceUID}: ${f.reason})`,
    );
  }
  const missing = uids.filter((u) => !outcome.stored.includes(u));
  if (missing.length > 0) {
    throw new InputError(
      undefined,
      `PACS '${ep.name}' did not confirm storing ${missing.length} of ${files.length} instance(s) (${missing[0]})`,
    );
  }
  const bytes = files.reduce((n, f) => n + f.bytes.byteLength, 0);
  ws.db.transaction(() =>
    appendAudit(ws.db, {
      actor,
      action: 'pacs.send',
      detail: { ...subject, server: ep.name, url: ep.url, sopInstanceUIDs: uids, bytes },
    }),
  )();
  return { server: ep.name, stored: uids, bytes };
}

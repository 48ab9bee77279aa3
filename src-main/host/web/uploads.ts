// PUT /api/uploads/<uploadId>/<relative path>: the browser sends each chosen file (with its folder path,
// e.g. "LIDC-IDRI-0001/dicom/1.dcm") into the workspace's tmp/uploads/<uploadId>/. The import service
// then reads that folder and removes it. Relative paths are checked segment by segment: no "..", no
// absolute paths, no empty or hidden-control names. Only a granted upload id is accepted
// (services/workspace/upload-grants.ts: a signed-in importer announced the files); every streamed byte
// counts against the announced total, and the disk keeps its reserve while the bytes arrive.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage } from 'node:http';
import { InputError, ResourceError } from '../../core/errors';
import { uploadDir } from '../../services/workspace/import-volumes';
import type { UploadGrants } from '../../services/workspace/upload-grants';
import { DISK_FULL } from '../../workspace/blob-store';
import type { Workspace } from '../../workspace/workspace';

const MAX_UPLOAD_FILE_BYTES = 4 * 2 ** 30;

export function safeRelativePath(raw: string): string {
  const segments = raw.split('/').map((s) => {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      throw new InputError(undefined, 'upload path is not valid');
    }
    // eslint-disable-next-line no-control-regex
    if (d === '' || d === '.' || d === '..' || /[\\/\x00-\x1f]/.test(d)) {
      throw new InputError(undefined, `upload path '${raw}' is not allowed`);
    }
    return d;
  });
  if (segments.length === 0 || segments.length > 32)
    throw new InputError(undefined, 'upload path is not allowed');
  return segments.join(path.sep);
}

/** Free space is checked again after every this many streamed bytes (another program may fill the disk). */
const SPACE_CHECK_BYTES = 32 * 2 ** 20;

export async function receiveUpload(
  ws: Workspace,
  grants: UploadGrants,
  uploadId: string,
  relPath: string,
  req: IncomingMessage,
): Promise<number> {
  const grant = grants.forUpload(uploadId);
  if (grant.filesReceived >= grant.files)
    throw new InputError(relPath, 'more files than the import announced: start it again');
  const root = uploadDir(ws, uploadId);
  const target = path.join(root, safeRelativePath(relPath));
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared)) {
    if (declared > MAX_UPLOAD_FILE_BYTES) throw new InputError(relPath, 'file is larger than 4 GiB');
    await ws.blobs.assertSpace(declared);
  }
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  let received = 0;
  let sinceCheck = 0;
  const counter = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      received += chunk.length;
      sinceCheck += chunk.length;
      if (received > MAX_UPLOAD_FILE_BYTES) throw new InputError(relPath, 'file is larger than 4 GiB');
      grants.count(grant, chunk.length);
      if (sinceCheck >= SPACE_CHECK_BYTES) {
        sinceCheck = 0;
        await ws.blobs.assertSpace(0);
      }
      yield chunk;
    }
  };
  grant.filesReceived++;
  try {
    await pipeline(req, counter, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  } catch (e) {
    await fsp.rm(target, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(relPath, 'uploaded twice');
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new ResourceError(DISK_FULL);
    throw e;
  }
  return received;
}

// Bundles written for the app to download: the export writes the file into the workspace's tmp/exports/
// (same disk, private to its owner) and answers an unguessable id; the host serves that file once, to the
// window that asked (GET /api/bundles/<id> in the web host, concord-app://app/api/bundles/<id> in Electron),
// then removes it. A download never fetched is removed with other stale temp files (workspace.ts).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { NotFoundError } from '../../core/errors';

export class BundleDownloads {
  private readonly files = new Map<string, { file: string; fileName: string }>();

  constructor(private readonly tmpDir: string) {}

  /** A new file path for an export, and its download id. */
  reserve(fileName: string): { downloadId: string; file: string } {
    const downloadId = randomBytes(18).toString('base64url');
    const dir = path.join(this.tmpDir, 'exports');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${downloadId}.concord-bundle`);
    this.files.set(downloadId, { file, fileName });
    return { downloadId, file };
  }

  /** The file of a download, handed over once (the caller streams it, then calls done). */
  take(downloadId: string): { file: string; fileName: string; done(): void } {
    const d = this.files.get(downloadId);
    if (!d || !fs.existsSync(d.file))
      throw new NotFoundError('no such bundle download (it was fetched already, or has lapsed)');
    this.files.delete(downloadId);
    return { ...d, done: () => fs.rmSync(d.file, { force: true }) };
  }

  forget(downloadId: string): void {
    const d = this.files.get(downloadId);
    this.files.delete(downloadId);
    if (d) fs.rmSync(d.file, { force: true });
  }
}

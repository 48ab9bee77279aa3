// Uploads to the web host (files chosen in a browser, for import) are granted, not merely accepted: a
// signed-in importer's window asks first (import:beginUpload) with the number and total size of its files;
// the grant checks the role, a total cap and the free disk space, and issues an upload id that belongs to
// that window. The web host accepts PUTs only into a granted id and counts every streamed byte against
// the announced total; import:run takes (and ends) the grant, from the window that holds it. Without a
// grant the token alone (which every tab of the app has) writes nothing.
import { randomBytes } from 'node:crypto';
import { ForbiddenError, InputError } from '../../core/errors';

/** Largest total one import may upload (a whole-body CT series with its masks is a few GiB). */
export const MAX_IMPORT_BYTES = 32 * 2 ** 30;
export const MAX_IMPORT_FILES = 100_000;
/** A grant that was never used lapses after this long. */
export const GRANT_LIFETIME_MS = 6 * 60 * 60_000;

/** The window a grant belongs to: its CallContext, compared by identity (typed loosely so that this module,
 *  which the context names, does not import the context back). */
type Window = object;

export interface UploadGrant {
  uploadId: string;
  owner: Window;
  /** Bytes announced (the most that may arrive). */
  budget: number;
  files: number;
  /** Bytes received so far. */
  received: number;
  filesReceived: number;
  expires: number;
}

const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;

export class UploadGrants {
  private readonly grants = new Map<string, UploadGrant>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new grant for `ctx` (the caller checked the role and the disk space). */
  begin(ctx: Window, files: number, bytes: number): string {
    if (!Number.isSafeInteger(files) || files < 1 || files > MAX_IMPORT_FILES)
      throw new InputError(undefined, `an import uploads 1 to ${MAX_IMPORT_FILES} files (asked: ${files})`);
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw new InputError(undefined, 'bytes must be the total size of the files');
    if (bytes > MAX_IMPORT_BYTES)
      throw new InputError(
        undefined,
        `these files total ${gib(bytes)}, more than the ${gib(MAX_IMPORT_BYTES)} one import may upload: import them in parts, or from a folder on this machine`,
      );
    for (const [id, g] of this.grants) if (g.expires < this.now()) this.grants.delete(id);
    const uploadId = randomBytes(18).toString('base64url');
    this.grants.set(uploadId, {
      uploadId,
      owner: ctx,
      budget: bytes,
      files,
      received: 0,
      filesReceived: 0,
      expires: this.now() + GRANT_LIFETIME_MS,
    });
    return uploadId;
  }

  /** The live grant for a PUT, or ForbiddenError. */
  forUpload(uploadId: string): UploadGrant {
    const g = this.grants.get(uploadId);
    if (!g || g.expires < this.now())
      throw new ForbiddenError(
        'this upload was not started by the app (or has lapsed): start the import again',
      );
    return g;
  }

  /** Counts `n` more bytes of a file; throws when the files outgrow what was announced. */
  count(g: UploadGrant, n: number): void {
    g.received += n;
    if (g.received > g.budget)
      throw new InputError(undefined, 'the files are larger than the import announced: start it again');
  }

  /** import:run's use of an upload: only the window that was granted it; the grant ends. */
  take(ctx: Window, uploadId: string): void {
    const g = this.grants.get(uploadId);
    if (!g || g.owner !== ctx) throw new ForbiddenError('this upload belongs to another window');
    this.grants.delete(uploadId);
  }
}

// Readers read regular files only. A FIFO named like an image (x.dcm) would block an open for reading until a
// writer comes (`info` hung); a device can stream without end or act when opened; a socket cannot be read at all.
// So a path is stat()ed first (following symbolic links) and refused, saying what it is, before it is opened;
// the open itself is non-blocking and checked again (fstat), in case the path was replaced in between.
import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import { InputError } from '../core/errors';

/** O_NONBLOCK where the platform has it (not on Windows, which has no FIFOs to block on). */
const NON_BLOCKING = (constants.O_NONBLOCK as number | undefined) ?? 0;

/** File type tests that fs.Stats and fs.Dirent share. */
export type FileType = Pick<
  Stats,
  'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'
>;

/** What a path that is not a regular file is, for messages ("a named pipe (FIFO)"). */
export function nonRegularKind(st: FileType): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/** The reason given for a path that is not a regular file ("is a named pipe (FIFO), not a regular file"). */
export function nonRegularReason(st: FileType): string {
  return `is ${nonRegularKind(st)}, not a regular file`;
}

/**
 * Opens `file` for reading when it is a regular file. Throws InputError naming it when it is something else;
 * file-system errors (ENOENT, EACCES...) are passed through unchanged for the reader to word.
 */
export async function openRegularFile(file: string): Promise<fs.FileHandle> {
  const st = await fs.stat(file);
  if (!st.isFile()) throw new InputError(file, nonRegularReason(st));
  const handle = await fs.open(file, constants.O_RDONLY | NON_BLOCKING);
  try {
    const now = await handle.stat();
    if (!now.isFile()) throw new InputError(file, nonRegularReason(now));
    return handle;
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw e;
  }
}

/** The whole content of a regular file (see openRegularFile for what is refused). */
export async function readRegularFile(file: string): Promise<Uint8Array> {
  const handle = await openRegularFile(file);
  try {
    return await handle.readFile();
  } finally {
    await handle.close().catch(() => undefined);
  }
}

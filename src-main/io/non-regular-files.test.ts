// Paths that are not regular files: a FIFO named like an image (x.dcm, x.nii, x.png), a socket, a device, a
// folder named like a file. Every reader refuses them promptly, saying what they are (an open for reading of a
// FIFO blocks until a writer comes, so each call here is raced against a time-out); folder scans list them as
// skipped with the reason, never block, and follow symbolic links to regular files only.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors';
import { tempDir } from '../test-support/tmp';
import { readDicom } from './dicom/read';
import { buildSlice } from './dicom/test-support/build-dicom';
import { readNifti } from './nifti/read';
import { readPng } from './png/read';
import { readVolumes } from './read-volumes';

const dir = tempDir('concord-nonregular-');
const fifos: string[] = [];

function fifo(name: string, where = dir): string {
  const p = path.join(where, name);
  execFileSync('mkfifo', [p]);
  fifos.push(p);
  return p;
}

function socket(name: string, where = dir): Promise<{ path: string; close: () => void }> {
  const p = path.join(where, name);
  const server = net.createServer();
  return new Promise((resolve) => server.listen(p, () => resolve({ path: p, close: () => server.close() })));
}

// A reader still blocked in open() on a FIFO (the bug) holds a thread-pool thread: opening the write end and
// closing it gives the reader an end of file, so that the test process can end either way.
afterAll(() => {
  for (const p of fifos) {
    try {
      fs.closeSync(fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // ENXIO: no reader is waiting.
    }
  }
});

/** `p`'s value or error, or a failure when it has not settled after `ms` (a reader blocked on a FIFO never does). */
async function outcome(p: Promise<unknown>, ms = 5000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still blocked after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p.catch((e: unknown) => e), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function expectRefused(p: Promise<unknown>, message: string): Promise<void> {
  const e = await outcome(p);
  expect(e).toBeInstanceOf(InputError);
  expect((e as Error).message).toBe(message);
}

const slice = (z: number) =>
  buildSlice({
    rows: 2,
    columns: 2,
    values: [1, 2, 3, 4],
    ipp: [0, 0, z],
    iop: [1, 0, 0, 0, 1, 0],
    pixelSpacing: [1, 1],
    sliceThickness: 1,
    instanceNumber: z + 1,
  });

describe('a path that is not a regular file, named explicitly', () => {
  it('a FIFO named x.dcm, x.nii.gz or x.png: every reader refuses it at once, saying it is a FIFO', async () => {
    const dcm = fifo('x.dcm');
    const nii = fifo('x.nii.gz');
    const png = fifo('x.png');
    const said = (p: string) => `${p}: is a named pipe (FIFO), not a regular file`;
    await expectRefused(readVolumes([dcm]), said(dcm));
    await expectRefused(readVolumes([nii]), said(nii));
    await expectRefused(readVolumes([png]), said(png));
    await expectRefused(readDicom([dcm]), said(dcm));
    await expectRefused(readNifti(nii), said(nii));
    await expectRefused(readPng(png), said(png));
  });

  it('a socket, a character device and a folder named like an image file', async () => {
    const sock = await socket('s.dcm');
    try {
      await expectRefused(readVolumes([sock.path]), `${sock.path}: is a socket, not a regular file`);
      await expectRefused(readNifti(sock.path), `${sock.path}: is a socket, not a regular file`);
    } finally {
      sock.close();
    }
    await expectRefused(readVolumes(['/dev/null']), '/dev/null: is a character device, not a regular file');
    await expectRefused(readPng('/dev/zero'), '/dev/zero: is a character device, not a regular file');
    const folder = path.join(dir, 'folder.png');
    fs.mkdirSync(folder);
    await expectRefused(readPng(folder), `${folder}: is a folder, not a regular file`);
  });
});

describe('folder scans', () => {
  it('skip a FIFO, a socket and links to them with the reason, follow links to files, and read the rest', async () => {
    const series = path.join(dir, 'series');
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(series);
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(series, 'im0.dcm'), slice(0));
    fs.writeFileSync(path.join(elsewhere, 'im1.dcm'), slice(1));
    fs.symlinkSync(path.join(elsewhere, 'im1.dcm'), path.join(series, 'im1.dcm'));
    const pipe = fifo('im2.dcm', series);
    fs.symlinkSync(pipe, path.join(series, 'link-to-pipe.dcm'));
    fs.symlinkSync(elsewhere, path.join(series, 'link-to-folder'));
    fs.symlinkSync(path.join(dir, 'absent'), path.join(series, 'dangling.dcm'));
    const sock = await socket('sock.dcm', series);
    try {
      const r = (await outcome(readVolumes([series]))) as Awaited<ReturnType<typeof readVolumes>>;
      expect(r.volumes).toHaveLength(1);
      expect(r.volumes[0]!.geometry.dims).toEqual([2, 2, 2]);
      expect(r.volumes[0]!.source.files).toEqual([
        path.join(series, 'im0.dcm'),
        path.join(series, 'im1.dcm'),
      ]);
      expect(r.skipped).toEqual([
        `${path.join(series, 'dangling.dcm')}: a symbolic link to nothing (its target does not exist)`,
        `${pipe}: is a named pipe (FIFO), not a regular file`,
        `${path.join(series, 'link-to-folder')}: a symbolic link to a folder (not followed)`,
        `${path.join(series, 'link-to-pipe.dcm')}: is a named pipe (FIFO), not a regular file`,
        `${sock.path}: is a socket, not a regular file`,
      ]);
      // The DICOM reader's own scan says the same.
      const d = (await outcome(readDicom([series]))) as Awaited<ReturnType<typeof readDicom>>;
      expect(d.volumes).toHaveLength(1);
      expect(d.skipped).toContain(`${pipe}: is a named pipe (FIFO), not a regular file`);
    } finally {
      sock.close();
    }
  });
});

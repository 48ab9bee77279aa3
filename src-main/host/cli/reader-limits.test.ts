// The CLI's answers to images it must not or cannot read (hardening review, readers): the voxel limit
// (--max-voxels, CONCORD_MAX_VOXELS) on info and import, zero sizes, a FIFO named like an image (the CLI in a
// child process, run from source by vite-node, so that a hang is a time-out, not a stuck test): one line and
// exit 2; a decoder without memory: one line saying so and exit 3. A refused import changes nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildSlice } from '../../io/dicom/test-support/build-dicom';
import { resourceErrorOf } from '../../io/resource-failure';
import { blankHeader } from '../../io/nifti/header';
import { fileBytes } from '../../io/nifti/test-support';
import { REPO_ROOT, tempDir, testData } from '../../test-support/tmp';
import { toAppError } from '../../services/dispatch';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A 10x10x10 uint8 NIfTI (1000 voxels) in a fresh folder. */
function smallNifti(): string {
  const file = path.join(tempDir(), 'small.nii');
  const header = { ...blankHeader('nifti1'), dim: [3, 10, 10, 10, 1, 1, 1, 1], sformCode: 1 };
  fs.writeFileSync(file, fileBytes(header, new Uint8Array(1000).fill(7), 1));
  return file;
}

function volumeCount(ws: string): number {
  const w = openWorkspace(ws);
  try {
    return (w.db.prepare('SELECT count(*) AS n FROM volumes').get() as { n: number }).n;
  } finally {
    w.close();
  }
}

describe('the voxel limit on the command line', () => {
  it('info: over --max-voxels is one line naming the file, its sizes, count and limit, exit 2', async () => {
    const file = smallNifti();
    const r = await cli('info', file, '--max-voxels', '999', '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `concord: ${file}: 10x10x10 = 1000 voxels, more than the limit of 999 voxels; ` +
        'to read it, raise the limit (--max-voxels 1000 or CONCORD_MAX_VOXELS=1000)\n',
    );
    expect((await cli('info', file, '--max-voxels', '10x10x10', '--json')).code).toBe(0);
  });

  it('info: CONCORD_MAX_VOXELS sets the limit, --max-voxels overrides it; a bad value is exit 2', async () => {
    const file = smallNifti();
    vi.stubEnv('CONCORD_MAX_VOXELS', '999');
    expect((await cli('info', file)).stderr).toMatch(/more than the limit of 999 voxels/);
    expect((await cli('info', file, '--max-voxels=1000', '--json')).code).toBe(0);
    const bad = await cli('info', file, '--max-voxels', 'many');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^concord: --max-voxels is 'many': expected a positive number of voxels/);
    vi.stubEnv('CONCORD_MAX_VOXELS', '-1');
    expect((await cli('info', file)).stderr).toMatch(/^concord: CONCORD_MAX_VOXELS is '-1'/);
  });

  it('import: an image over --max-voxels imports nothing; raised, it imports', async () => {
    const file = smallNifti();
    const ws = path.join(tempDir(), 'ws');
    const r = await cli('import', file, '--workspace', ws, '--max-voxels', '999', '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/small\.nii: 10x10x10 = 1000 voxels, more than the limit of 999 voxels/);
    expect(volumeCount(ws)).toBe(0);
    expect((await cli('import', file, '--workspace', ws, '--max-voxels', '1000', '--json')).code).toBe(0);
    expect(volumeCount(ws)).toBe(1);
    const manifest = await cli('import', '--manifest', 'm.json', '--workspace', ws, '--max-voxels', '9');
    expect(manifest.code).toBe(2);
    expect(manifest.stderr).toMatch(/--manifest does not take --max-voxels; set CONCORD_MAX_VOXELS=N/);
  });
});

describe('zero sizes', () => {
  it('a DICOM with Rows = 0: info and import exit 2 naming the file and the field; nothing is imported', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'rows0.dcm');
    fs.writeFileSync(
      file,
      buildSlice({ rows: 0, columns: 64, values: [], ipp: [0, 0, 0], iop: [1, 0, 0, 0, 1, 0] }),
    );
    const info = await cli('info', file, '--json');
    expect(info.code).toBe(2);
    expect(info.stdout).toBe('');
    expect(info.stderr).toBe(`concord: ${file}: Rows is 0: an image needs at least one row and one column\n`);
    const ws = path.join(dir, 'ws');
    const imp = await cli('import', file, '--workspace', ws, '--json');
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/rows0\.dcm: Rows is 0/);
    expect(volumeCount(ws)).toBe(0);
  });
});

describe('a path that is not a regular file', () => {
  it('info on a FIFO named x.dcm returns at once: exit 2, one line saying what it is', () => {
    const fifo = path.join(tempDir(), 'x.dcm');
    execFileSync('mkfifo', [fifo]);
    const r = spawnSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules', 'vite-node', 'vite-node.mjs'),
        // The unit tests' config carries the source tree's import aliases.
        '--config',
        path.join(REPO_ROOT, 'vitest.config.ts'),
        path.join(REPO_ROOT, 'src-main', 'host', 'cli', 'main.ts'),
        '--',
        'info',
        fifo,
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' },
    );
    expect(r.signal, 'killed after 60 s: the CLI blocked on the FIFO').toBeNull();
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `concord: ${fifo}: is a named pipe (FIFO), not a regular file`,
    );
  }, 90_000);
});

describe('resource failures', () => {
  const JPEG_LS = testData('dcm_qa_ts', 'In', '7.dcm');

  it('travel as code "resource" (not "bad-input" or "internal")', () => {
    const e = resourceErrorOf(new RangeError('Array buffer allocation failed'), '/x.png', 'decoding')!;
    expect(toAppError(e)).toEqual({ code: 'resource', message: e.message });
  });

  it('info and import of a JPEG-LS file whose decoder cannot get memory: exit 3, one line saying so', async () => {
    // What an address-space limit (ulimit -v) does to the wasm decoders; the instance is dropped after it.
    vi.spyOn(WebAssembly, 'instantiate').mockRejectedValue(
      new RangeError(
        'WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance',
      ),
    );
    const info = await cli('info', JPEG_LS, '--json');
    expect(info.code).toBe(3);
    expect(info.stdout).toBe('');
    expect(info.stderr).toMatch(
      /^concord: \S+7\.dcm: decoding the pixel data \(1\.2\.840\.10008\.1\.2\.4\.80 \(JPEG-LS Lossless\)\): not enough memory \(.*Cannot allocate Wasm memory.*\); this is a limit of the machine or process, not a fault in the file: .*ulimit -v.*\n$/,
    );
    const ws = path.join(tempDir(), 'ws');
    const imp = await cli('import', JPEG_LS, '--workspace', ws, '--json');
    expect(imp.code).toBe(3);
    expect(imp.stderr).toMatch(/not enough memory/);
    expect(volumeCount(ws)).toBe(0);
    vi.restoreAllMocks();
    expect((await cli('info', JPEG_LS, '--json')).code).toBe(0);
  });
});

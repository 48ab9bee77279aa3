// Resource failures inside the readers, injected rather than provoked with ulimit: the JPEG-LS and JPEG 2000
// decoders failing to instantiate (what an address-space limit does to them: V8 cannot reserve their wasm
// memory), an allocation failing in each reader, the DICOM scan running out of file handles. Each must come out
// as a ResourceError naming the file and saying what ran out (code 'resource', CLI exit 3), never as bad input
// or a skipped file, and no volume comes back.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as VolumeTypes from '../core/volume/types';
import { testData, tempDir } from '../test-support/tmp';
import { readDicom } from './dicom/read';
import { buildSlice } from './dicom/test-support/build-dicom';
import { blankHeader } from './nifti/header';
import { readNifti } from './nifti/read';
import { fileBytes } from './nifti/test-support';
import type * as NiftiVoxels from './nifti/voxels';
import { readPng } from './png/read';
import { readVolumes } from './read-volumes';
import { ReadResourceError } from './resource-failure';

const failing = vi.hoisted(() => ({ allocation: false, decodeVoxels: false }));
const ALLOCATION_FAILED = 'Array buffer allocation failed';

vi.mock('../core/volume/types', async (importOriginal) => {
  const actual = await importOriginal<typeof VolumeTypes>();
  return {
    ...actual,
    allocateVoxels: (...args: Parameters<typeof actual.allocateVoxels>) => {
      if (failing.allocation) throw new RangeError(ALLOCATION_FAILED);
      return actual.allocateVoxels(...args);
    },
  };
});
vi.mock('./nifti/voxels', async (importOriginal) => {
  const actual = await importOriginal<typeof NiftiVoxels>();
  return {
    ...actual,
    decodeVoxels: (...args: Parameters<typeof actual.decodeVoxels>) => {
      if (failing.decodeVoxels) throw new RangeError(ALLOCATION_FAILED);
      return actual.decodeVoxels(...args);
    },
  };
});

afterEach(() => {
  vi.restoreAllMocks();
  failing.allocation = false;
  failing.decodeVoxels = false;
});

const JPEG_LS = testData('dcm_qa_ts', 'In', '7.dcm');
const JPEG_2000 = testData('dcm_qa_ts', 'In', '9.dcm');
/** What V8 throws when `ulimit -v` leaves no room for a wasm instance's memory reservation. */
const NO_WASM_MEMORY =
  'WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance';

async function resourceError(p: Promise<unknown>): Promise<ReadResourceError> {
  const e = await p.then(
    () => new Error('read without error'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ReadResourceError);
  expect((e as Error).message).not.toContain('\n');
  return e as ReadResourceError;
}

describe('wasm decoders that cannot get their memory', () => {
  for (const [name, file, syntax] of [
    ['JPEG-LS (charls)', JPEG_LS, 'JPEG-LS Lossless'],
    ['JPEG 2000 (openjpeg)', JPEG_2000, 'JPEG 2000'],
  ] as const) {
    it(`${name}: a resource failure naming the file, not "cannot decode"; fine once memory is back`, async () => {
      vi.spyOn(WebAssembly, 'instantiate').mockRejectedValue(new RangeError(NO_WASM_MEMORY));
      const e = await resourceError(readDicom([file]));
      expect(e.file).toBe(file);
      expect(e.reason).toContain(`decoding the pixel data (`);
      expect(e.reason).toContain(syntax);
      expect(e.reason).toContain(`: not enough memory (`);
      expect(e.reason).toContain('Cannot allocate Wasm memory');
      expect(e.reason).toMatch(/not a fault in the file: .*ulimit -v/);
      expect(e.message).not.toMatch(/cannot decode/);
      // In a folder, the import stops with it instead of listing the series as skipped.
      const dir = tempDir();
      fs.copyFileSync(file, path.join(dir, 'im.dcm'));
      await resourceError(readVolumes([dir]));
      // The failed instance is dropped: with memory back, the same file reads.
      vi.restoreAllMocks();
      expect((await readDicom([file])).volumes).toHaveLength(1);
    });
  }
});

describe('allocations that fail', () => {
  it('DICOM: allocating the volume', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'a.dcm'),
      buildSlice({ rows: 2, columns: 2, values: [1, 2, 3, 4], ipp: [0, 0, 0], iop: [1, 0, 0, 0, 1, 0] }),
    );
    failing.allocation = true;
    const e = await resourceError(readDicom([dir]));
    expect(e.message).toMatch(
      new RegExp(`^${dir}: reading series .*: not enough memory \\(${ALLOCATION_FAILED}\\);`),
    );
  });

  it('NIfTI: decoding the voxels', async () => {
    const file = path.join(tempDir(), 'a.nii');
    const header = { ...blankHeader('nifti1'), dim: [3, 2, 2, 1, 1, 1, 1, 1], sformCode: 1 };
    fs.writeFileSync(file, fileBytes(header, new Uint8Array(4), 1));
    failing.decodeVoxels = true;
    const e = await resourceError(readNifti(file));
    expect(e.message).toBe(
      `${file}: reading the image: not enough memory (${ALLOCATION_FAILED}); this is a limit of the machine ` +
        "or process, not a fault in the file: close other programs, raise the process's memory limit " +
        '(ulimit -v) or use a machine with more memory',
    );
  });

  it('PNG: the decoder', async () => {
    const { PNG } = await import('pngjs');
    const file = path.join(tempDir(), 'a.png');
    const png = new PNG({ width: 2, height: 2, colorType: 0 });
    fs.writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
    vi.spyOn(PNG.sync, 'read').mockImplementation(() => {
      throw new RangeError(ALLOCATION_FAILED);
    });
    const e = await resourceError(readPng(file));
    expect(e.message).toMatch(
      /a\.png: decoding the PNG: not enough memory \(Array buffer allocation failed\);/,
    );
    expect(e.message).not.toMatch(/not a valid PNG/);
  });
});

describe('file handles that run out', () => {
  it('the DICOM scan stops with "too many open files" instead of skipping the file', async () => {
    const dir = tempDir();
    for (const z of [0, 1])
      fs.writeFileSync(
        path.join(dir, `s${z}.dcm`),
        buildSlice({ rows: 2, columns: 2, values: [1, 2, 3, 4], ipp: [0, 0, z], iop: [1, 0, 0, 0, 1, 0] }),
      );
    vi.spyOn(fs.promises, 'open').mockRejectedValueOnce(
      Object.assign(new Error('EMFILE: too many open files, open'), { code: 'EMFILE' }),
    );
    const e = await resourceError(readDicom([dir]));
    expect(e.reason).toBe(
      'reading the DICOM header: too many open files (EMFILE: too many open files, open); ' +
        'this is a limit of the process, not a fault in the file: raise it (ulimit -n)',
    );
  });
});

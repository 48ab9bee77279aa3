// Telling a resource failure from bad input (io/resource-failure.ts), on the messages the runtime, the
// Emscripten codecs and zlib really produce: each is classified with what ran out, worded on one line with what
// to try; input errors and bugs are left alone.
import { describe, expect, it } from 'vitest';
import { InputError, ResourceError } from '../core/errors';
import { ReadResourceError, classified, resourceErrorOf, resourceFailureOf } from './resource-failure';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('resourceFailureOf', () => {
  it('memory: V8 allocations, WebAssembly instances and memory, Emscripten aborts, zlib, errno', () => {
    const memory: unknown[] = [
      new RangeError('Array buffer allocation failed'),
      new RangeError(
        'WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance',
      ),
      // What the charls / openjpeg factories reject with under `ulimit -v` (Emscripten wraps the RangeError).
      new Error(
        'Aborted(RangeError: WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance). Build with -sASSERTIONS for more info.',
      ),
      new Error('WebAssembly.Memory(): could not allocate memory'),
      new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'),
      new Error('Aborted(OOM). Build with -sASSERTIONS for more info.'),
      new Error(
        'Aborted(Cannot enlarge memory arrays to size 2164260864 bytes (OOM). Either (1) compile with -sINITIAL_MEMORY=X)',
      ),
      'std::bad_alloc', // a thrown C++ exception, as Embind may surface it
      errno('Z_MEM_ERROR', 'Out of memory'),
      errno('ENOMEM', 'ENOMEM: not enough memory, read'),
      // The wasm codecs' own wrapper keeps the decoder's error as its cause.
      new Error('charls could not decode the frame (RuntimeError: unreachable)', {
        cause: new Error('Aborted(OOM)'),
      }),
    ];
    for (const e of memory) expect(resourceFailureOf(e)?.kind, String(e)).toBe('memory');
  });

  it('open files: EMFILE and ENFILE', () => {
    expect(resourceFailureOf(errno('EMFILE', 'EMFILE: too many open files, open'))?.kind).toBe('open-files');
    expect(resourceFailureOf(errno('ENFILE', 'file table overflow'))?.kind).toBe('open-files');
  });

  it('not resource failures: bad input, sizes no machine can allocate, bugs', () => {
    const others: unknown[] = [
      new InputError('/x.dcm', 'not a DICOM file'),
      new Error('charls could not decode the frame (Aborted(). Build with -sASSERTIONS for more info.)'),
      new Error('JPEG-LS: invalid marker'),
      errno('Z_DATA_ERROR', 'incorrect header check'),
      errno('ENOENT', 'ENOENT: no such file or directory'),
      new RangeError('Invalid array buffer length'),
      new RangeError('Invalid typed array length: -1'),
      new TypeError("Cannot read properties of undefined (reading 'length')"),
      new Error('the room is full (a zoom of 2)'),
      undefined,
      null,
      42,
    ];
    for (const e of others) expect(resourceFailureOf(e), String(e)).toBeUndefined();
  });
});

describe('resourceErrorOf', () => {
  it('words it on one line: file, what was being done, what ran out and why, the cause, what to try', () => {
    const e = resourceErrorOf(
      new Error(
        'Aborted(RangeError: WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance). Build with -sASSERTIONS for more info.',
      ),
      '/data/7.dcm',
      'decoding the pixel data (1.2.840.10008.1.2.4.80 (JPEG-LS Lossless))',
    );
    expect(e).toBeInstanceOf(ResourceError); // code 'resource' (services/dispatch.ts)
    expect(e).toBeInstanceOf(ReadResourceError);
    expect(e!.message).toBe(
      '/data/7.dcm: decoding the pixel data (1.2.840.10008.1.2.4.80 (JPEG-LS Lossless)): not enough memory ' +
        '(Aborted(RangeError: WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance)); ' +
        'this is a limit of the machine or process, not a fault in the file: close other programs, ' +
        "raise the process's memory limit (ulimit -v) or use a machine with more memory",
    );
    expect((e as ReadResourceError).file).toBe('/data/7.dcm');
    const files = resourceErrorOf(
      errno('EMFILE', 'EMFILE: too many open files, open'),
      '/d/a.dcm',
      'reading',
    );
    expect(files!.message).toBe(
      '/d/a.dcm: reading: too many open files (EMFILE: too many open files, open); ' +
        'this is a limit of the process, not a fault in the file: raise it (ulimit -n)',
    );
    expect(resourceErrorOf(errno('Z_MEM_ERROR', 'Out of memory'), 'f', 'inflating')!.message).toMatch(
      /^f: inflating: not enough memory \(Z_MEM_ERROR: Out of memory\);/,
    );
  });

  it('leaves other errors to the caller; classified() passes them through unchanged', () => {
    const bug = new TypeError('x is undefined');
    expect(resourceErrorOf(bug, 'f', 'reading')).toBeUndefined();
    expect(classified(bug, 'f', 'reading')).toBe(bug);
    const done = new ResourceError('f: already worded');
    expect(classified(done, 'g', 'reading')).toBe(done);
  });
});

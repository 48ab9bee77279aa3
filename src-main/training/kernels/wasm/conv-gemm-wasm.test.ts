// The embedded WebAssembly must be the build of the C sources as they are now: editing them without running
// build.sh would silently keep the old kernels.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { CONV_GEMM_SOURCE_SHA256, CONV_GEMM_WASM_BASE64 } from './conv-gemm-wasm';

test('conv-gemm-wasm.ts was built from the current C sources (else run build.sh)', () => {
  const src = Buffer.concat(
    ['simd.h', 'conv_gemm.c', 'winograd.c', 'optimizer.c'].map((f) =>
      fs.readFileSync(path.join(__dirname, f)),
    ),
  );
  expect(createHash('sha256').update(src).digest('hex')).toBe(CONV_GEMM_SOURCE_SHA256);
  const bytes = Buffer.from(CONV_GEMM_WASM_BASE64, 'base64');
  expect(WebAssembly.validate(bytes)).toBe(true);
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
  expect(exports).toEqual(
    expect.arrayContaining([
      'conv_fwd',
      'conv_dw',
      'sum_partials',
      'wino_fwd',
      'wino_dw',
      'wino_dw_filter',
      'adam_update',
      '__stack_pointer',
    ]),
  );
});

// The embedded WebAssembly must be the build of conv_gemm.c as it is now: editing the C without running
// build.sh would silently keep the old kernels.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { CONV_GEMM_SOURCE_SHA256, CONV_GEMM_WASM_BASE64 } from './conv-gemm-wasm';

test('conv-gemm-wasm.ts was built from the current conv_gemm.c (else run build.sh)', () => {
  const src = fs.readFileSync(path.join(__dirname, 'conv_gemm.c'));
  expect(createHash('sha256').update(src).digest('hex')).toBe(CONV_GEMM_SOURCE_SHA256);
  const bytes = Buffer.from(CONV_GEMM_WASM_BASE64, 'base64');
  expect(WebAssembly.validate(bytes)).toBe(true);
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
  expect(exports).toEqual(expect.arrayContaining(['conv_fwd', 'conv_dw', 'sum_partials', '__stack_pointer']));
});

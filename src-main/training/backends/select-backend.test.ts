// Backend selection reports what runs and why each other backend does not. These machines have no
// tfjs-node and usually no GPU; where they exist the same assertions hold with other reasons.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { uninstallFastKernels } from '../kernels/register-kernels';
import { BACKEND_NAMES, isPackageMissing, plainReasonOf } from './backend-report';
import { TENSORFLOW_NOT_INSTALLED } from './tensorflow-backend';
import { BackendUnavailableError, selectBackend } from './select-backend';

afterAll(async () => {
  await uninstallFastKernels('cpu');
  await uninstallFastKernels('wasm');
});

describe('selectBackend', () => {
  test('cpu by name: active, with Concord kernels, and a reason for each other backend', async () => {
    const r = await selectBackend('cpu', { threads: 2 });
    expect(r.active).toBe('cpu');
    expect(r.requested).toBe('cpu');
    expect(r.detail['threads']).toBe(2);
    expect(r.unavailable.map((u) => u.backend).sort()).toEqual(
      BACKEND_NAMES.filter((b) => b !== 'cpu').sort(),
    );
    for (const u of r.unavailable) expect(u.reason.length).toBeGreaterThan(5);
    expect(r.unavailable.find((u) => u.backend === 'wasm')!.reason).toMatch(/available, not requested/);
  });

  test('wasm by name supplies the missing filter gradient, its convolutions on the backend heap', async () => {
    const r = await selectBackend('wasm', { threads: 2 });
    expect(r.active).toBe('wasm');
    expect(r.device).toMatch(/WebAssembly SIMD/);
    // The heap was made shared at start-up, so the wasm kernel tests run the in-place paths.
    expect(r.detail['sharedHeap']).toBe(true);
  });

  test('tensorflow by name starts only with tfjs-node installed, else says why in words', async () => {
    const installed = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((p) =>
      fs.existsSync(path.join('node_modules', p, 'package.json')),
    );
    const r = await selectBackend('tensorflow').catch((e: unknown) => e);
    if (installed) expect((r as { active: string }).active).toBe('tensorflow');
    else {
      expect(r).toBeInstanceOf(BackendUnavailableError);
      expect((r as BackendUnavailableError).reason).toBe(TENSORFLOW_NOT_INSTALLED);
    }
  });

  test('auto takes the best that starts and reports the others', async () => {
    const r = await selectBackend('auto', { threads: 2 });
    expect(BACKEND_NAMES).toContain(r.active);
    expect(r.unavailable).toHaveLength(3);
    const ranked = BACKEND_NAMES.slice(0, BACKEND_NAMES.indexOf(r.active));
    // Every backend ranked above the active one failed, with its reason.
    for (const b of ranked)
      expect(r.unavailable.find((u) => u.backend === b)!.reason).not.toMatch(/^available/);
  });
});

describe('reasons in words', () => {
  test('a package that is not installed is told from one that fails to load', async () => {
    const missing = await import(/* @vite-ignore */ ['no-such', 'package'].join('-')).catch(
      (e: unknown) => e,
    );
    expect(isPackageMissing(missing, 'no-such-package')).toBe(true);
    expect(isPackageMissing(missing, 'webgpu')).toBe(false);
    const broken = Object.assign(new Error('libcudart.so.11.0: cannot open shared object file'), {
      code: 'ERR_DLOPEN_FAILED',
    });
    expect(isPackageMissing(broken, '@tensorflow/tfjs-node-gpu')).toBe(false);
  });

  test('absolute paths are shortened to their base name; relative names and words stay', () => {
    expect(plainReasonOf(new Error("Cannot find package 'webgpu' imported from /tmp/x-1/trainer.mjs"))).toBe(
      "Cannot find package 'webgpu' imported from trainer.mjs",
    );
    expect(
      plainReasonOf(
        new Error('/opt/app/node_modules/a/lib/napi-v8/tfjs_binding.node: undefined symbol: TF_X\nstack'),
      ),
    ).toBe('tfjs_binding.node: undefined symbol: TF_X');
    expect(plainReasonOf(new Error('tfjs-node/lib/napi-v8 (C:\\app\\tf.dll)'))).toBe(
      'tfjs-node/lib/napi-v8 (tf.dll)',
    );
  });
});

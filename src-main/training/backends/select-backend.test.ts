// Backend selection reports what runs and why each other backend does not. These machines have no
// tfjs-node and usually no GPU; where they exist the same assertions hold with other reasons.
import { afterAll, describe, expect, test } from 'vitest';
import { uninstallFastKernels } from '../kernels/register-kernels';
import { BACKEND_NAMES } from './backend-report';
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

  test('wasm by name supplies the missing filter gradient', async () => {
    const r = await selectBackend('wasm', { threads: 2 });
    expect(r.active).toBe('wasm');
    expect(r.device).toMatch(/WebAssembly SIMD/);
  });

  test('tensorflow by name starts only with tfjs-node installed, else says why', async () => {
    const r = await selectBackend('tensorflow').catch((e: unknown) => e);
    if (r instanceof BackendUnavailableError) expect(r.message).toMatch(/tfjs-node/);
    else expect((r as { active: string }).active).toBe('tensorflow');
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

describe('backend reasons in words', () => {
  test('says a missing package is not installed, and names files without their folders', async () => {
    const { isNotInstalled, reasonOf } = await import('./backend-report');
    const e = Object.assign(
      new Error(
        "Cannot find module '@tensorflow/tfjs-node-gpu'\nRequire stack:\n- /work/concord/out/main/trainer.js",
      ),
      { code: 'MODULE_NOT_FOUND' },
    );
    expect(isNotInstalled(e)).toBe(true);
    expect(reasonOf(e)).toBe("Cannot find module '@tensorflow/tfjs-node-gpu'");
    expect(
      reasonOf(new Error('libtensorflow.so.2: cannot open /usr/lib/x86_64-linux-gnu/libcuda.so.1')),
    ).toBe('libtensorflow.so.2: cannot open libcuda.so.1');
  });

  test('reports the tensorflow backend off as "not installed" when neither package is there', async () => {
    const { activateTensorflow } = await import('./tensorflow-backend');
    const err = await activateTensorflow().catch((e: unknown) => e as Error);
    // tfjs-node(-gpu) are optional and absent here and on CI (DESIGN.md §5).
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('tfjs-node-gpu is not installed; tfjs-node is not installed');
  });
});

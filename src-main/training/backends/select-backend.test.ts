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

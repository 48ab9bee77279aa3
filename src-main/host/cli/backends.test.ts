// `concord backends`: the probe runs in a trainer process (bundled as the build bundles it); on this machine
// neither tfjs-node package is installed, and the reasons say so in words, without a Node error or a path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleTrainer } from '../../services/test-support/training';
import { TENSORFLOW_NOT_INSTALLED } from '../../training/backends/tensorflow-backend';
import { tempDir } from '../../test-support/tmp';
import { cli } from './test-support';

const dir = tempDir('concord-cli-backends-');

beforeAll(async () => {
  process.env['CONCORD_TRAINER_FILE'] = await bundleTrainer(dir);
});
afterAll(() => {
  delete process.env['CONCORD_TRAINER_FILE'];
});

describe('concord backends', () => {
  it('--json lists the four backends, best first, each with a reason in words', async () => {
    const r = await cli('backends', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { backend: string; available: boolean; reason: string | null }[];
    expect(rows.map((x) => x.backend)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    expect(rows.filter((x) => x.available).length).toBeGreaterThan(0);
    // Neither tfjs-node package is installed on the machines the tests run on.
    expect(rows[0]).toMatchObject({
      backend: 'tensorflow',
      available: false,
      reason: TENSORFLOW_NOT_INSTALLED,
    });
    for (const x of rows) {
      if (x.available) continue;
      expect(x.reason).not.toMatch(/Cannot find (package|module)|imported from|(^|[\s(])\/\w/);
    }
  });

  it('prints one line per backend without --json; extra words are refused', async () => {
    const r = await cli('backends');
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    const bad = await cli('backends', 'now');
    expect([bad.code, bad.stderr]).toEqual([2, 'concord: usage: concord backends [--json]\n']);
  });
});

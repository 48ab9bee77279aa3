// The bench's plumbing (no timings asserted): synthetic raters look like raters, and the child process's
// measurement of each operation reports what the core computes.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { staple } from '../../core/consensus/staple';
import { compareRaters } from '../../core/metrics/compare';
import { gridFromSpacing } from '../../core/metrics/grid';
import { tempDir } from '../../test-support/tmp';
import { benchConsensusChild } from './consensus';
import { syntheticRaters } from './raters';

afterEach(() => vi.restoreAllMocks());

describe('bench consensus', () => {
  const dims: [number, number, number] = [64, 64, 40];
  const raters = syntheticRaters(dims, 4, 3);

  it('makes raters who outline the same organ and lesion, and disagree along their surfaces', () => {
    const again = syntheticRaters(dims, 4, 3);
    expect(again.every((m, r) => Buffer.from(m).equals(Buffer.from(raters[r]!)))).toBe(true); // deterministic
    const c = compareRaters(raters, gridFromSpacing(dims, [1, 1, 1]), { label: 1 });
    for (const p of c.pairs) {
      expect(p.dice).toBeGreaterThan(0.85);
      expect(p.dice).toBeLessThan(0.995);
      expect(p.hausdorff).toBeGreaterThan(1);
      expect(p.hausdorff).toBeLessThan(8);
    }
    const organ = raters[0]!.filter((x) => x === 1).length;
    const lesion = raters[0]!.filter((x) => x === 2).length;
    expect(organ / raters[0]!.length).toBeGreaterThan(0.03);
    expect(lesion).toBeGreaterThan(50);
    expect(lesion).toBeLessThan(organ / 10);
  });

  it('measures an operation in the child: reads the raw masks and reports what the core found', () => {
    const dir = tempDir();
    const files = raters.map((m, r) => {
      const f = path.join(dir, `r${r}.raw`);
      fs.writeFileSync(f, m);
      return f;
    });
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    expect(benchConsensusChild(['staple', dims.join('x'), '1,1,2', ...files])).toBe(0);
    const line = JSON.parse(stdout) as Record<string, number>;
    const direct = staple(raters, { label: 1 });
    expect(line['iterations']).toBe(direct.iterations);
    expect(line['foregroundVoxels']).toBe(direct.foregroundVoxels);
    expect(line['seconds']).toBeGreaterThan(0);
    expect(line['peakRssBytes']).toBeGreaterThanOrEqual(line['loadedRssBytes']!);
    stdout = '';
    expect(benchConsensusChild(['distances', dims.join('x'), '1,1,2', ...files.slice(0, 2)])).toBe(0);
    const d = JSON.parse(stdout) as Record<string, number>;
    const pair = compareRaters(raters.slice(0, 2), gridFromSpacing(dims, [1, 1, 2]), { label: 1 }).pairs[0]!;
    expect([d['hausdorff'], d['hd95'], d['assd']]).toEqual([pair.hausdorff, pair.hd95, pair.assd]);
  });
});

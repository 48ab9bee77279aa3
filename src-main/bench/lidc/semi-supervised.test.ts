// bench semi-supervised's plumbing (no training): which patients keep their masks, and its refusals.
import { expect, test } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { labelledPatients, runBenchSemiSupervised } from './semi-supervised';

const patients = Array.from({ length: 40 }, (_, i) => `LIDC-IDRI-${String(i + 1).padStart(4, '0')}`);

test('a seeded tenth of the patients, at least 2, never all', () => {
  const a = labelledPatients([...patients, ...patients], 0.1, 1);
  expect(a).toHaveLength(4);
  expect(new Set(a).size).toBe(4);
  expect(labelledPatients(patients, 0.1, 1)).toEqual(a);
  expect(labelledPatients(patients, 0.1, 2)).not.toEqual(a);
  expect(labelledPatients(patients, 0.01, 1)).toHaveLength(2);
  expect(labelledPatients(patients.slice(0, 3), 0.99, 1)).toHaveLength(2);
  expect(() => labelledPatients(patients.slice(0, 2), 0.5, 1)).toThrow(/3 or more/);
});

test('refuses a missing manifest and a bad fraction, with one line', async () => {
  await expect(runBenchSemiSupervised(['--cases', tempDir('concord-semisup-bench-')])).rejects.toThrow(
    /usage: concord bench semi-supervised/,
  );
  await expect(
    runBenchSemiSupervised(['--cases', tempDir('concord-semisup-bench-'), '--labelled-fraction', '1']),
  ).rejects.toThrow(/--labelled-fraction must be in \(0, 1\)/);
  await expect(
    runBenchSemiSupervised(['--cases', tempDir('concord-semisup-bench-'), '--labelled-fraction', '0.1']),
  ).rejects.toThrow(/holds no manifest\.json/);
});

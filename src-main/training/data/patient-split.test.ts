import { expect, test } from 'vitest';
import { splitByPatient } from './patient-split';

const items = Array.from({ length: 200 }, (_, i) => ({ patient: `P${i % 23}`, slice: i }));

test('split by patient: no patient on both sides, seeded, about the asked fraction', () => {
  const a = splitByPatient(items, 0.2, 7);
  const trainPatients = new Set(a.train.map((s) => s.patient));
  for (const p of a.validationPatients) expect(trainPatients.has(p)).toBe(false);
  expect(a.train.length + a.validation.length).toBe(items.length);
  expect(a.validationPatients).toHaveLength(5); // round(0.2 * 23)
  expect(splitByPatient(items, 0.2, 7).validationPatients).toEqual(a.validationPatients);
  expect(splitByPatient(items, 0.2, 8).validationPatients).not.toEqual(a.validationPatients);
  expect(() => splitByPatient(items, 1, 7)).toThrow(RangeError);
});

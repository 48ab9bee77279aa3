// Train/validation split by patient, never by slice (slices of one nodule are near-copies of each other),
// seeded and reproducible: the sorted patient list is shuffled with the seed and the first
// round(fraction * patients) go to validation.
import { SeededRandom } from '../model/seeded-random';

export interface Split<T> {
  train: T[];
  validation: T[];
  validationPatients: string[];
}

export function splitByPatient<T extends { patient: string }>(
  items: T[],
  fraction: number,
  seed: number,
): Split<T> {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError('validation fraction must be in (0, 1)');
  const patients = [...new Set(items.map((s) => s.patient))].sort();
  const shuffled = new SeededRandom(seed).shuffle(patients);
  const nVal = Math.max(1, Math.min(patients.length - 1, Math.round(fraction * patients.length)));
  const val = new Set(shuffled.slice(0, nVal));
  return {
    train: items.filter((s) => !val.has(s.patient)),
    validation: items.filter((s) => val.has(s.patient)),
    validationPatients: [...val].sort(),
  };
}

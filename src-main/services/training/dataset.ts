// The train/validation split of a run: by case, never by slice (neighbouring slices are near-copies),
// seeded and reproducible: the engine's splitByPatient with the case id as the patient. The data set
// itself is built in the trainer process (training/process/prepare-dataset.ts).
import { InputError } from '../../core/errors';
import { splitByPatient } from '../../training/data/patient-split';

export interface CaseSplit {
  train: number[];
  validation: number[];
}

export function splitCases(caseIds: number[], fraction: number, seed: number): CaseSplit {
  if (caseIds.length < 2) {
    throw new InputError(
      undefined,
      `a train/validation split needs two cases or more with a target (found ${caseIds.length})`,
    );
  }
  const s = splitByPatient(
    caseIds.map((id) => ({ patient: String(id), id })),
    fraction,
    seed,
  );
  return {
    train: s.train.map((x) => x.id).sort((a, b) => a - b),
    validation: s.validation.map((x) => x.id).sort((a, b) => a - b),
  };
}

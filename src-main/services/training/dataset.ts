// The train/validation split of a run: never by slice (neighbouring slices are near-copies); by case (the
// default) or by subject, the person imaged (migration 012), so that no person is on both sides. Seeded and
// reproducible: the engine's splitByPatient, with the case, or its subject, as the patient (a case naming no
// subject is a subject of its own). Split by case, the validation cases that share a subject with a training
// case are counted, so the run can say its validation is not on new people. The data set itself is built
// in the trainer process (training/process/prepare-dataset.ts).
import type { SplitBy } from '@contract';
import { InputError } from '../../core/errors';
import { splitByPatient } from '../../training/data/patient-split';

export interface CaseSplit {
  train: number[];
  validation: number[];
  by: SplitBy;
  /** The subjects (people, or cases naming none) the validation cases are of. */
  validationSubjects: number;
  /** Validation cases whose subject also has a training case (0 when split by subject). */
  sharedSubjects: number;
}

export function splitCases(
  cases: { id: number; subject?: string | null }[],
  fraction: number,
  seed: number,
  by: SplitBy = 'case',
): CaseSplit {
  if (cases.length < 2) {
    throw new InputError(
      undefined,
      `a train/validation split needs two cases or more with a target (found ${cases.length})`,
    );
  }
  // Distinct prefixes: a subject named like a case's key stays apart from it.
  const subjectOf = (c: { id: number; subject?: string | null }) =>
    c.subject ? `s:${c.subject}` : `c:${c.id}`;
  const keyed = cases.map((c) => ({
    patient: by === 'subject' ? subjectOf(c) : `c:${c.id}`,
    subject: subjectOf(c),
    id: c.id,
  }));
  if (new Set(keyed.map((x) => x.patient)).size < 2) {
    throw new InputError(
      undefined,
      `a split by subject needs cases of two subjects or more (all ${cases.length} are of ${cases[0]!.subject})`,
    );
  }
  const s = splitByPatient(keyed, fraction, seed);
  const trained = new Set(s.train.map((x) => x.subject));
  return {
    train: s.train.map((x) => x.id).sort((a, b) => a - b),
    validation: s.validation.map((x) => x.id).sort((a, b) => a - b),
    by,
    validationSubjects: new Set(s.validation.map((x) => x.subject)).size,
    sharedSubjects: s.validation.filter((x) => trained.has(x.subject)).length,
  };
}

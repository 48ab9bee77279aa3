// Schema 12: a case may name its subject, the person its images are of, so that a training run keeps every
// case of one person on the same side of its train/validation split (a patient with three nodules is three
// cases; validating on one while training on its siblings flatters the model). The subject is never an
// identity: a study subject ID the user chose (a clinical project's manifest), or a keyed pseudonym
// ("Subject 3f2a1b9c", services/workspace/deidentify.ts) of the DICOM Patient ID or of the manifest's value
// in a research project. NULL where the import did not know it: such a case is a subject of its own.
import type { Migration } from './types';

export const migration012: Migration = {
  version: 12,
  name: 'case subjects',
  sql: `
ALTER TABLE cases ADD COLUMN subject TEXT
  CHECK (subject IS NULL OR (length(trim(subject)) > 0 AND length(subject) <= 200));
`,
};

// Schema 6 (file 010 on its branch; renumbered where it lands): every project says how it treats identifiers.
//  - 'clinical' keeps the source DICOM UIDs, so a DICOM SEG sent back to the PACS references its series;
//  - 'research' applies DICOM PS3.15 Annex E's Basic Application Level Confidentiality Profile at import
//    (services/workspace/deidentify.ts): UIDs replaced consistently within the workspace, dates removed or
//    shifted, no free text.
// Projects made before this migration were all importing with their source UIDs: they become 'clinical'.
// The kind is fixed once the project exists (a trigger refuses a change), because the volumes already
// imported were stored under it.
import type { Migration } from './types';

export const migration010: Migration = {
  version: 10,
  name: 'project kind (clinical or research)',
  sql: `
ALTER TABLE projects ADD COLUMN kind TEXT NOT NULL DEFAULT 'clinical' CHECK (kind IN ('clinical', 'research'));

CREATE TRIGGER projects_kind_fixed BEFORE UPDATE OF kind ON projects
WHEN NEW.kind IS NOT OLD.kind
BEGIN SELECT RAISE(ABORT, 'a project''s kind (clinical or research) cannot change once it exists'); END;
`,
};

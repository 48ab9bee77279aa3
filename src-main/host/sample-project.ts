// The bundled sample project: a real chest CT (LIDC-IDRI-0001, a 16-slice DICOM block, CC BY 3.0; see
// resources/sample-project/README.md) with the nodule masks of the four LIDC
// radiologists, as annotators "LIDC reader 1".."LIDC reader 4" (profiles without a password). Imported once
// into an empty workspace, through the same manifest import as `concord import --manifest`
// (resources/sample-project/datalist.json), so that a new user opens Concord on something to look at.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors';
import { appendAudit } from '../db/audit';
import { getLabel, upsertLabel } from '../db/repositories/labels';
import { listProjects } from '../db/repositories/projects';
import { importManifest } from '../services/labelling/manifest-import';
import type { ManifestReport } from '../services/labelling/manifest-import';
import type { Workspace } from '../workspace/workspace';
import { resourcesDir } from './resources';

export const SAMPLE_PROJECT = 'Sample: LIDC-IDRI chest CT';
export const SAMPLE_CASE = 'LIDC-IDRI-0001';

export function sampleManifest(): string {
  return path.join(resourcesDir(), 'sample-project', 'datalist.json');
}

/**
 * Imports the sample when the workspace has no project yet (unless CONCORD_NO_SAMPLE=1); returns the import
 * report, or null when nothing was imported. A refused sample (damaged resources) throws InputError.
 */
export async function ensureSampleProject(ws: Workspace, actor: string): Promise<ManifestReport | null> {
  if (process.env['CONCORD_NO_SAMPLE'] === '1' || listProjects(ws.db).length > 0) return null;
  const manifest = sampleManifest();
  if (!fs.existsSync(manifest)) return null;
  const report = await importManifest(ws, { manifest, project: SAMPLE_PROJECT, actor });
  const refused = report.refused[0];
  if (refused)
    throw new InputError(manifest, `the sample case ${refused.case} was not imported: ${refused.reason}`);
  const projectId = report.projectId!;
  ws.db.transaction(() => {
    const before = getLabel(ws.db, projectId, 1)!;
    const after = upsertLabel(ws.db, { ...before, name: 'Nodule' });
    appendAudit(ws.db, { actor, action: 'label.save', detail: { projectId, value: 1, before, after } });
  })();
  return report;
}

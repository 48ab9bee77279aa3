// The bundled sample project: a real chest CT (LIDC-IDRI-0001, a 16-slice DICOM block, CC BY 3.0; see
// resources/test-data/lidc_idri_dicom_4readers/README.md). Imported once into an empty workspace so that
// a new user opens Concord on something to look at.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportSummary } from '../../src-preload/contract';
import { listProjects } from '../db/repositories/projects';
import { importVolumes } from '../services/import-volumes';
import type { Workspace } from '../workspace/workspace';
import { resourcesDir } from './resources';

export const SAMPLE_PROJECT = 'Sample: LIDC-IDRI chest CT';
export const SAMPLE_CASE = 'LIDC-IDRI-0001';

export function sampleDicomDir(): string {
  return path.join(resourcesDir(), 'test-data', 'lidc_idri_dicom_4readers', 'LIDC-IDRI-0001', 'dicom');
}

/** Imports the sample when the workspace has no project yet (unless CONCORD_NO_SAMPLE=1); returns what was imported, or null. */
export async function ensureSampleProject(ws: Workspace, actor: string): Promise<ImportSummary | null> {
  if (process.env['CONCORD_NO_SAMPLE'] === '1' || listProjects(ws.db).length > 0) return null;
  const dir = sampleDicomDir();
  if (!fs.existsSync(dir)) return null;
  return importVolumes(
    ws,
    {
      jobId: 'sample',
      source: { kind: 'paths', paths: [dir] },
      projectName: SAMPLE_PROJECT,
      caseName: SAMPLE_CASE,
    },
    actor,
    () => undefined,
  );
}

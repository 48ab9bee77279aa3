// The bundled sample project (resources/sample-project/README.md says what each file is, where it came from
// and under which licence): real chest CT with several radiologists' nodule masks per case, so that every
// story of the app runs on it from a fresh start: compare, STAPLE, adjudication (several raters per case),
// training (a train/validation split needs two cases or more; a default run finishes in minutes), AI drafts
// and the uncertainty order (a trained model and more cases than it was trained on). Cases:
//  - LIDC-IDRI-0001: a 16-slice DICOM block with the four LIDC readers' masks ("LIDC reader 1".."4");
//  - LIDC-IDRI-0002: a 160 x 160 x 12 crop of its DICOM block with the two readers who outlined the nodule
//    on these slices ("LIDC reader 3" and "4");
//  - six nodule crops (128 x 128, 8 to 12 slices) with four radiologists each ("LIDC reader 1".."4").
// One builder for every way in: the first start of the app (ensureSampleProject, from the Electron host and
// `concord serve`) and `concord sample` on any workspace. It is the manifest import of `concord import
// --manifest` (resources/sample-project/datalist.json), so it is as safe to repeat: a second build finds
// the volumes and masks already there and changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors';
import { appendAudit } from '../db/audit';
import { getLabel, upsertLabel } from '../db/repositories/labels';
import { listProjects } from '../db/repositories/projects';
import { importManifest } from '../services/labelling/manifest-import';
import type { CaseProgress } from '../services/labelling/manifest-import';
import type { Workspace } from '../workspace/workspace';
import { resourcesDir } from './resources';

export const SAMPLE_PROJECT = 'Sample: LIDC-IDRI chest CT';
/** The case the app opens first (the first of the manifest). */
export const SAMPLE_CASE = 'LIDC-IDRI-0001';
const LABEL_NAME = 'Nodule';

export function sampleManifest(): string {
  return path.join(resourcesDir(), 'sample-project', 'datalist.json');
}

export interface SampleCase {
  name: string;
  caseId: number;
  volumeId: number;
  /** The raters whose masks the case holds, in the manifest's order. */
  annotators: string[];
}

export interface SampleReport {
  projectId: number;
  project: string;
  cases: SampleCase[];
  /** False when every case was already in the workspace (nothing was written). */
  changed: boolean;
}

/**
 * Builds the sample project in the workspace (or finds it there). Every case must import: a refused case
 * (damaged or missing resources) throws InputError naming it, after the cases before it were kept.
 */
export async function buildSampleProject(
  ws: Workspace,
  actor: string,
  onCase?: CaseProgress,
): Promise<SampleReport> {
  const manifest = sampleManifest();
  if (!fs.existsSync(manifest))
    throw new InputError(manifest, 'the sample project is not part of this installation');
  const report = await importManifest(ws, { manifest, project: SAMPLE_PROJECT, actor, onCase });
  const refused = report.refused[0];
  if (refused)
    throw new InputError(manifest, `the sample case ${refused.case} was not imported: ${refused.reason}`);
  const projectId = report.projectId!;
  let changed = report.imported.some((c) => c.newVolume || c.masks.some((m) => !m.unchanged));
  ws.db.transaction(() => {
    const before = getLabel(ws.db, projectId, 1)!;
    if (before.name === LABEL_NAME) return;
    const after = upsertLabel(ws.db, { ...before, name: LABEL_NAME });
    appendAudit(ws.db, { actor, action: 'label.save', detail: { projectId, value: 1, before, after } });
    changed = true;
  })();
  return {
    projectId,
    project: SAMPLE_PROJECT,
    cases: report.imported.map((c) => ({
      name: c.case,
      caseId: c.caseId,
      volumeId: c.volumeId,
      annotators: c.masks.map((m) => m.annotatorName),
    })),
    changed,
  };
}

/**
 * The first start: builds the sample when the workspace has no project yet (unless CONCORD_NO_SAMPLE=1);
 * null when nothing was built.
 */
export async function ensureSampleProject(ws: Workspace, actor: string): Promise<SampleReport | null> {
  if (process.env['CONCORD_NO_SAMPLE'] === '1' || listProjects(ws.db).length > 0) return null;
  if (!fs.existsSync(sampleManifest())) return null;
  return buildSampleProject(ws, actor);
}

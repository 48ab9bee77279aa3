// The sample project: eight cases of chest CT with two to four radiologists' masks each, imported through
// the manifest path, once on first start and again (without changes) by `concord sample`.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../db/audit';
import { listAnnotators } from '../db/repositories/annotators';
import { listLabels } from '../db/repositories/labels';
import { listCases, listProjects } from '../db/repositories/projects';
import { listAnnotationsOfVolume } from '../db/repositories/annotations';
import { getVolume } from '../db/repositories/volumes';
import { tempDir } from '../test-support/tmp';
import { openWorkspace } from '../workspace/workspace';
import { buildSampleProject, ensureSampleProject, SAMPLE_CASE, SAMPLE_PROJECT } from './sample-project';
import { resourcesDir } from './resources';
import { cli } from './cli/test-support';

const META = JSON.parse(
  fs.readFileSync(path.join(resourcesDir(), 'sample-project', 'sample_meta.json'), 'utf8'),
) as { nodules: Record<string, { slices: number; voxels: Record<string, number> }> };

function headCounts(ws: ReturnType<typeof openWorkspace>, volumeId: number): number[] {
  return listAnnotationsOfVolume(ws.db, volumeId).map((a) => {
    const row = ws.db
      .prepare('SELECT label_voxels_json AS v FROM annotation_revisions WHERE id = ?')
      .get(a.headRevisionId) as { v: string };
    return (JSON.parse(row.v) as Record<string, number>)['1'] ?? 0;
  });
}

describe('the sample project', () => {
  it('imports eight cases with their raters (no passwords) into an empty workspace, once', async () => {
    const ws = openWorkspace(path.join(tempDir(), 'ws'));
    try {
      const report = await ensureSampleProject(ws, 'concord:sample');
      const [project] = listProjects(ws.db);
      expect(project?.name).toBe(SAMPLE_PROJECT);
      expect(report?.projectId).toBe(project!.id);
      const names = listCases(ws.db, project!.id).map((c) => c.name);
      expect(names).toHaveLength(8);
      expect(names[0]).toBe(SAMPLE_CASE);
      expect(names).toContain('LIDC-IDRI-0002');
      expect(names).toContain('LIDC-IDRI-0044 nodule 2');
      expect(listLabels(ws.db, project!.id).map((l) => [l.value, l.name])).toEqual([[1, 'Nodule']]);
      expect(listAnnotators(ws.db).map((a) => [a.name, a.role, a.hasPassword])).toEqual(
        [1, 2, 3, 4].map((n) => [`LIDC reader ${n}`, 'annotator', false]),
      );
      const byName = new Map(report!.cases.map((c) => [c.name, c]));
      // LIDC-IDRI-0001: the full 512 x 512 DICOM block, the LIDC readers' voxel counts (README of the data).
      const c1 = byName.get('LIDC-IDRI-0001')!;
      expect(getVolume(ws.db, c1.volumeId)!.dims).toEqual([512, 512, 16]);
      expect(headCounts(ws, c1.volumeId)).toEqual([6844, 5348, 5733, 6408]);
      const a1 = listAnnotationsOfVolume(ws.db, c1.volumeId);
      expect(a1.map((a) => [a.authorName, a.status, a.revisionCount])).toEqual(
        [1, 2, 3, 4].map((n) => [`LIDC reader ${n}`, 'done', 1]),
      );
      // LIDC-IDRI-0002: the crop keeps both readers' whole masks (1429 and 1552 voxels on the full grid).
      const c2 = byName.get('LIDC-IDRI-0002')!;
      expect(c2.annotators).toEqual(['LIDC reader 3', 'LIDC reader 4']);
      const g2 = getVolume(ws.db, c2.volumeId)!;
      expect(g2.dims).toEqual([160, 160, 12]);
      expect(g2.spacing[0]).toBeCloseTo(0.681641, 5);
      expect(headCounts(ws, c2.volumeId)).toEqual([1429, 1552]);
      // The nodule crops: four raters each, the counts of the PNG masks.
      for (const [name, meta] of Object.entries(META.nodules)) {
        const c = byName.get(name.replace(/-n(\d+)$/, ' nodule $1'))!;
        expect(c.annotators).toEqual([1, 2, 3, 4].map((n) => `LIDC reader ${n}`));
        expect(getVolume(ws.db, c.volumeId)!.dims).toEqual([128, 128, meta.slices]);
        expect(headCounts(ws, c.volumeId)).toEqual([0, 1, 2, 3].map((r) => meta.voxels[`mask-${r}`]));
      }
      expect(verifyAudit(ws.db).intact).toBe(true);
      // A second first start does nothing; building again finds everything there.
      expect(await ensureSampleProject(ws, 'concord:sample')).toBeNull();
      const again = await buildSampleProject(ws, 'concord:sample');
      expect(again.changed).toBe(false);
      expect(again.cases.map((c) => c.caseId)).toEqual(report!.cases.map((c) => c.caseId));
    } finally {
      ws.close();
    }
  });

  it('`concord sample --json` prints the project id and the case ids', async () => {
    const dir = path.join(tempDir(), 'ws');
    const { code, stdout } = await cli('sample', '--workspace', dir, '--json');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as { projectId: number; cases: { caseId: number; name: string }[] };
    const ws = openWorkspace(dir);
    try {
      expect(r.projectId).toBe(listProjects(ws.db)[0]!.id);
      expect(r.cases.map((c) => c.caseId)).toEqual(listCases(ws.db, r.projectId).map((c) => c.id));
    } finally {
      ws.close();
    }
    expect((await cli('sample', '--json')).code).toBe(2);
  });
});

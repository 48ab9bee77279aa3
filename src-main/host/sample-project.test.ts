// The sample project: the LIDC CT with its four radiologists' masks, imported through the manifest path.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../db/audit';
import { listAnnotators } from '../db/repositories/annotators';
import { listLabels } from '../db/repositories/labels';
import { listCases, listProjects } from '../db/repositories/projects';
import { listAnnotationsOfVolume } from '../db/repositories/annotations';
import { tempDir } from '../test-support/tmp';
import { openWorkspace } from '../workspace/workspace';
import { ensureSampleProject, SAMPLE_CASE, SAMPLE_PROJECT } from './sample-project';

describe('ensureSampleProject', () => {
  it('imports the CT and the four readers (no passwords) into an empty workspace, once', async () => {
    const ws = openWorkspace(path.join(tempDir(), 'ws'));
    try {
      const report = await ensureSampleProject(ws, 'concord:sample');
      expect(report?.refused).toEqual([]);
      const [project] = listProjects(ws.db);
      expect(project?.name).toBe(SAMPLE_PROJECT);
      expect(listCases(ws.db, project!.id).map((c) => c.name)).toEqual([SAMPLE_CASE]);
      expect(listLabels(ws.db, project!.id).map((l) => [l.value, l.name])).toEqual([[1, 'Nodule']]);
      expect(listAnnotators(ws.db).map((a) => [a.name, a.role, a.hasPassword])).toEqual(
        [1, 2, 3, 4].map((n) => [`LIDC reader ${n}`, 'annotator', false]),
      );
      const volumeId = report!.imported[0]!.volumeId;
      const annotations = listAnnotationsOfVolume(ws.db, volumeId);
      expect(annotations.map((a) => [a.authorName, a.status, a.revisionCount])).toEqual(
        [1, 2, 3, 4].map((n) => [`LIDC reader ${n}`, 'done', 1]),
      );
      const counts = ws.db
        .prepare('SELECT label_voxels_json AS v FROM annotation_revisions ORDER BY id')
        .all()
        .map((r) => JSON.parse((r as { v: string }).v) as Record<string, number>);
      expect(counts).toEqual([{ '1': 6844 }, { '1': 5348 }, { '1': 5733 }, { '1': 6408 }]);
      expect(verifyAudit(ws.db).intact).toBe(true);
      expect(await ensureSampleProject(ws, 'concord:sample')).toBeNull();
    } finally {
      ws.close();
    }
  });
});

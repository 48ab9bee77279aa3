// The data set export on a synthetic workspace (no shared data needed): the reference target, label values
// renumbered 1..K in the project's order (5 -> 2) with the mapping in provenance.json, label maps on their
// volume's grid with the reference's voxels, the case pseudonyms, and the refusal when a case lacks it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors';
import { identity4 } from '../../core/geometry/affine';
import type { ImageVolume } from '../../core/volume/types';
import { getCase } from '../../db/repositories/reviews';
import { readNifti } from '../../io/nifti/read';
import { writeNifti } from '../../io/nifti/write';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { saveDerivedMask } from '../masks/derived';
import { recordImportedMask } from '../masks/mask-import';
import { storeMaskBlob } from '../masks/mask-store';
import { REFERENCE_METHOD } from '../training/targets';
import { importVolumes } from '../workspace/import-volumes';
import { exportDataset } from './dataset-export';

const DIMS: [number, number, number] = [8, 6, 3];
const N = 8 * 6 * 3;

/** Cases "Patient A" (an annotator's mask and a signed-off reference with labels 1 and 5) and "Patient B"
 *  (the annotator's mask only). */
async function workspace(dir: string): Promise<{ ws: Workspace; reference: Uint8Array }> {
  const ws = openWorkspace(path.join(dir, 'ws'));
  const affine = identity4();
  affine[0] = 0.5;
  affine[10] = 3;
  affine[3] = -10;
  const reference = new Uint8Array(N).fill(1, 10, 30).fill(5, 100, 110);
  for (const name of ['Patient A', 'Patient B']) {
    const volume: ImageVolume = {
      geometry: { dims: DIMS, affineLPS: affine },
      scalarType: 'int16',
      data: new Int16Array(N).map((_, i) => i - 50),
      frames: 1,
      rescale: { slope: 1, intercept: 0 },
      source: { format: 'nifti', files: [], description: name },
    };
    const file = path.join(dir, `${name}.nii`);
    await writeNifti(file, volume);
    const s = await importVolumes(
      ws,
      { jobId: name, source: { kind: 'paths', paths: [file] }, projectName: 'P', caseName: name },
      'test',
      () => undefined,
    );
    const volumeId = s.volumes[0]!.id;
    const mask = new Uint8Array(N).fill(1, 10, 20);
    const { blob, counts } = await storeMaskBlob(ws, mask, DIMS);
    const rows = ws.db.transaction(() =>
      recordImportedMask(ws.db, {
        volumeId,
        projectId: getCase(ws.db, s.volumes[0]!.caseId)!.projectId,
        annotatorName: 'Ann',
        blob,
        counts,
        provenance: { source: 'test' },
        actor: 'test',
        at: new Date().toISOString(),
      }),
    )();
    if (name === 'Patient A') {
      await saveDerivedMask(ws, {
        volumeId,
        labels: reference,
        author: 'Rev',
        derivation: { method: REFERENCE_METHOD, parameters: {}, inputRevisionIds: [rows.revisionId] },
      });
    }
  }
  return { ws, reference };
}

describe('exportDataset', () => {
  it('reference target: labels renumbered 1..K, on the grid, pseudonyms; a case without one refuses', async () => {
    const dir = tempDir();
    const { ws, reference } = await workspace(dir);
    try {
      const out = path.join(dir, 'out');
      const base = {
        project: 'P',
        format: 'nnunet' as const,
        target: 'reference' as const,
        out,
        actor: 'test',
      };
      const refused = await exportDataset(ws, base).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as Error).message).toMatch(
        /1 case\(s\) have no reference target: Patient B \(no signed-off reference mask\)/,
      );
      expect(fs.existsSync(out)).toBe(false);

      const r = await exportDataset(ws, { ...base, skipMissing: true });
      expect(r.cases).toBe(1);
      expect(r.labels).toEqual({ background: 0, Lesion: 1, 'Label 5': 2 });
      const label = await readNifti(path.join(out, 'labelsTr', 'case_001.nii.gz'));
      const image = await readNifti(path.join(out, 'imagesTr', 'case_001_0000.nii.gz'));
      expect(label.geometry).toEqual(image.geometry);
      expect(Array.from(label.data)).toEqual(Array.from(reference, (v) => (v === 5 ? 2 : v)));
      const prov = JSON.parse(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8'));
      expect(prov.labels).toEqual([
        { value: 1, projectValue: 1, name: 'Lesion' },
        { value: 2, projectValue: 5, name: 'Label 5' },
      ]);
      expect(prov.cases[0]).toMatchObject({
        case: 'case_001',
        method: 'reference',
        revisions: [{ rater: 'reference' }],
      });
      expect(fs.readFileSync(path.join(out, 'provenance.json'), 'utf8')).not.toMatch(/Patient|Ann|Rev/);
    } finally {
      ws.close();
    }
  });
});

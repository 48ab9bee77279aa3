// A folder import keeps what it can: the readable volumes import, each refused file is listed with its
// one-line reason, and a 4D file is taken as its first frame or as one volume per frame when asked.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors';
import { verifyAudit } from '../../db/audit';
import { listCases, listProjects } from '../../db/repositories/projects';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import type { Workspace } from '../../workspace/workspace';
import { importVolumes, uploadDir } from './import-volumes';

const IMAGE = testData(
  'lidc_idri_dicom_4readers',
  'LIDC-IDRI-0001',
  'derived_masks_nifti',
  'image_hu.nii.gz',
);
const FOUR_D = testData('nibabel_testdata_debian', 'files', 'example4d.nii.gz'); // 128x96x24, 2 frames

/** A folder of a good 3D image, a 4D image and a file that is no image at all. */
function mixedFolder(): string {
  const dir = path.join(tempDir(), 'scans');
  fs.mkdirSync(dir);
  fs.copyFileSync(IMAGE, path.join(dir, 'chest.nii.gz'));
  fs.copyFileSync(FOUR_D, path.join(dir, 'fmri.nii.gz'));
  fs.writeFileSync(path.join(dir, 'broken.nii.gz'), 'definitely not a NIfTI file');
  return dir;
}

function volumeCount(ws: Workspace): number {
  return (ws.db.prepare('SELECT count(*) AS n FROM volumes').get() as { n: number }).n;
}

describe('a folder import with files that cannot be imported', () => {
  it('imports the readable volume and lists the 4D and the broken file with their reasons', async () => {
    const ws = openWorkspace(tempDir());
    const dir = mixedFolder();
    const details: string[] = [];
    try {
      const s = await importVolumes(
        ws,
        { jobId: 'j', source: { kind: 'paths', paths: [dir] }, projectName: 'P' },
        'tester',
        (_p, _f, detail) => details.push(detail),
      );
      expect(s.volumes.map((v) => v.dims)).toEqual([[512, 512, 16]]);
      const refused = [...s.refused].sort((a, b) => a.file.localeCompare(b.file));
      expect(refused.map((r) => path.basename(r.file))).toEqual(['broken.nii.gz', 'fmri.nii.gz']);
      expect(refused[1]!.reason).toBe(
        'a 4D image (2 frames): import it as its first frame or as one volume per frame',
      );
      expect(refused[0]!.reason).not.toContain('\n');
      expect(s.skipped).toEqual(expect.arrayContaining(s.refused.map((r) => `${r.file}: ${r.reason}`)));
      // Progress names each file as it is read.
      for (const f of ['chest.nii.gz', 'fmri.nii.gz', 'broken.nii.gz'])
        expect(details).toContain(`reading ${f}`);
      expect(volumeCount(ws)).toBe(1);
      expect(verifyAudit(ws.db).intact).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('takes a 4D file as its first frame, or as one volume per frame, in the folder’s case', async () => {
    const ws = openWorkspace(tempDir());
    const dir = mixedFolder();
    try {
      const first = await importVolumes(
        ws,
        { jobId: 'a', source: { kind: 'paths', paths: [dir] }, projectName: 'P', frames: 'first' },
        'tester',
        () => undefined,
      );
      expect(first.volumes.map((v) => v.name).sort()).toEqual(
        expect.arrayContaining(['fmri (frame 1 of 2)']),
      );
      expect(first.refused.map((r) => path.basename(r.file))).toEqual(['broken.nii.gz']);
      const all = await importVolumes(
        ws,
        { jobId: 'b', source: { kind: 'paths', paths: [dir] }, projectName: 'P', frames: 'all' },
        'tester',
        () => undefined,
      );
      const frames = all.volumes.filter((v) => v.name.startsWith('fmri'));
      expect(frames.map((v) => [v.name, v.dims, v.frames])).toEqual([
        ['fmri (frame 1 of 2)', [128, 96, 24], 1],
        ['fmri (frame 2 of 2)', [128, 96, 24], 1],
      ]);
      // Frame 1 was already there (the same voxels); frame 2 is new.
      expect(frames[0]!.id).toBe(first.volumes.find((v) => v.name.startsWith('fmri'))!.id);
      expect(new Set(frames.map((v) => v.caseId)).size).toBe(1);
      expect(frames[0]!.checksum).not.toBe(frames[1]!.checksum);
      expect(volumeCount(ws)).toBe(3);
      // A folder is one case (named after it): the frames sit beside the folder's other volume.
      const project = listProjects(ws.db)[0]!;
      expect(listCases(ws.db, project.id)).toHaveLength(1);
    } finally {
      ws.close();
    }
  });

  it('fails only when nothing at all can be imported, naming the reasons; an upload names no folder of the workspace', async () => {
    const ws = openWorkspace(tempDir());
    try {
      const uploadId = 'upload-0123456789';
      const dir = uploadDir(ws, uploadId);
      fs.mkdirSync(path.join(dir, 'series'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'series', 'broken.nii.gz'), 'not a NIfTI');
      fs.copyFileSync(FOUR_D, path.join(dir, 'series', 'fmri.nii.gz'));
      const err = await importVolumes(
        ws,
        { jobId: 'u', source: { kind: 'upload', uploadId } },
        'tester',
        () => undefined,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      const message = (err as Error).message;
      expect(message).toMatch(/^no image found to import: /);
      expect(message).toContain('series/fmri.nii.gz: a 4D image (2 frames)');
      expect(message).toContain('series/broken.nii.gz: ');
      expect(message).not.toContain(uploadId);
      expect(message).not.toContain(ws.dir);
      expect(volumeCount(ws)).toBe(0);
      expect(fs.existsSync(dir)).toBe(false);
    } finally {
      ws.close();
    }
  });
});

// The import use-case end to end on real data, in a temporary workspace.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, InputError } from '../../core/errors';
import { verifyAudit, listAudit } from '../../db/audit';
import { getCaseSubject, listProjects, listCases } from '../../db/repositories/projects';
import { getVolumeSource } from '../../db/repositories/volumes';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { importVolumes } from './import-volumes';
import { loadVolume } from './load-volume';
import { casePseudonym, subjectPseudonym } from '../../core/deid/confidentiality-profile';
import { deidHash } from './deidentify';

const LIDC = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001', 'dicom');
const NIFTI = testData(
  'lidc_idri_dicom_4readers',
  'LIDC-IDRI-0001',
  'derived_masks_nifti',
  'image_hu.nii.gz',
);

function counts(ws: ReturnType<typeof openWorkspace>) {
  const n = (t: string) => (ws.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const blobFiles = fs.existsSync(ws.blobs.dir)
    ? fs.readdirSync(ws.blobs.dir, { recursive: true }).length
    : 0;
  return {
    projects: n('projects'),
    cases: n('cases'),
    volumes: n('volumes'),
    audit: n('audit_log'),
    blobFiles,
  };
}

describe('importVolumes', () => {
  it('imports a DICOM folder as one volume with its geometry, blob and audit rows', async () => {
    const ws = openWorkspace(tempDir());
    const phases: string[] = [];
    const s = await importVolumes(
      ws,
      { jobId: 'j1', source: { kind: 'paths', paths: [LIDC] }, projectName: 'Lung' },
      'tester',
      (phase) => phases.push(phase),
    );
    expect(s.volumes).toHaveLength(1);
    const v = s.volumes[0]!;
    expect(v.dims).toEqual([512, 512, 16]);
    expect(v.scalarType).toBe('int16');
    expect(v.spacing[0]).toBeCloseTo(0.703125, 6);
    expect(v.spacing[2]).toBeCloseTo(2.5, 6);
    expect(v.affineLPS[11]).toBeCloseTo(-132.5, 4); // first sorted slice is the most inferior
    expect(v.modality).toBe('CT');
    // The case is named by a pseudonym of the folder above the generic "dicom" folder (the patient's ID).
    expect(listCases(ws.db, s.projectId).map((c) => c.name)).toEqual([
      casePseudonym(deidHash(ws), 'LIDC-IDRI-0001'),
    ]);
    expect(listProjects(ws.db).map((p) => p.name)).toEqual(['Lung']);
    expect(phases).toContain('reading');
    expect(phases.at(-1)).toBe('done');
    expect(ws.blobs.has(v.checksum, v.byteLength)).toBe(true);
    expect(listAudit(ws.db).map((a) => a.action)).toEqual(['volume.import', 'case.create', 'project.create']);
    expect(verifyAudit(ws.db).intact).toBe(true);
    // Patient identity is not stored unless asked for.
    expect(getVolumeSource(ws.db, v.id)!.patient).toBeNull();
    expect(JSON.stringify(getVolumeSource(ws.db, v.id)!.source)).not.toMatch(/PatientName|patient"/);
    // The stored voxels read back identical to a fresh read (HU = stored * slope + intercept).
    const back = await loadVolume(ws, v.id);
    expect(back.data.length).toBe(512 * 512 * 16);
    ws.close();
  });

  it('keeps patient identity only when the user opts in', async () => {
    const ws = openWorkspace(tempDir());
    const s = await importVolumes(
      ws,
      { jobId: 'j', source: { kind: 'paths', paths: [LIDC] }, keepPatientIdentity: true },
      'tester',
      () => undefined,
    );
    const stored = getVolumeSource(ws.db, s.volumes[0]!.id)!;
    expect(stored.patient).not.toBeNull();
    ws.close();
  });

  it("names a DICOM case's subject by a keyed pseudonym of its Patient ID, and a NIfTI case's by none", async () => {
    const ws = openWorkspace(tempDir());
    const request = (paths: string[], caseName: string, keep = false) => ({
      jobId: caseName,
      source: { kind: 'paths' as const, paths },
      caseName,
      ...(keep ? { keepPatientIdentity: true } : {}),
    });
    const dicom = await importVolumes(ws, request([LIDC], 'CT', true), 'tester', () => undefined);
    const nifti = await importVolumes(ws, request([NIFTI], 'NIfTI'), 'tester', () => undefined);
    const patient = getVolumeSource(ws.db, dicom.volumes[0]!.id)!.patient as { id: string };
    const subject = getCaseSubject(ws.db, dicom.volumes[0]!.caseId);
    expect(subject).toBe(subjectPseudonym(deidHash(ws), `id ${patient.id}`));
    expect(subject).not.toContain(patient.id);
    expect(getCaseSubject(ws.db, nifti.volumes[0]!.caseId)).toBeNull();
    ws.close();
  });

  it('does not duplicate a volume imported twice into the same case', async () => {
    const ws = openWorkspace(tempDir());
    const a = await importVolumes(
      ws,
      { jobId: 'a', source: { kind: 'paths', paths: [NIFTI] }, caseName: 'c' },
      't',
      () => undefined,
    );
    const b = await importVolumes(
      ws,
      { jobId: 'b', source: { kind: 'paths', paths: [NIFTI] }, caseName: 'c' },
      't',
      () => undefined,
    );
    expect(b.volumes[0]!.id).toBe(a.volumes[0]!.id);
    expect(b.skipped.join()).toMatch(/already imported/);
    expect(counts(ws).volumes).toBe(1);
    ws.close();
  });

  it('changes nothing when a named file is not an image', async () => {
    const dir = tempDir();
    const ws = openWorkspace(path.join(dir, 'ws'));
    await importVolumes(ws, { jobId: 'a', source: { kind: 'paths', paths: [NIFTI] } }, 't', () => undefined);
    const before = counts(ws);
    const junk = path.join(dir, 'notes.nii.gz');
    fs.writeFileSync(junk, 'this is not an image');
    const bad = importVolumes(
      ws,
      { jobId: 'b', source: { kind: 'paths', paths: [NIFTI, junk] } },
      't',
      () => undefined,
    );
    await expect(bad).rejects.toThrow(InputError);
    await expect(
      importVolumes(ws, { jobId: 'c', source: { kind: 'paths', paths: [junk] } }, 't', () => undefined),
    ).rejects.toThrow(/notes\.nii\.gz/);
    expect(counts(ws)).toEqual(before);
    ws.close();
  });

  it('says clearly when a folder holds no image, and changes nothing', async () => {
    const dir = tempDir();
    const ws = openWorkspace(path.join(dir, 'ws'));
    const empty = path.join(dir, 'docs');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'readme.bin'), 'hello');
    const before = counts(ws);
    await expect(
      importVolumes(ws, { jobId: 'a', source: { kind: 'paths', paths: [empty] } }, 't', () => undefined),
    ).rejects.toThrow(/no image found/);
    await expect(
      importVolumes(
        ws,
        { jobId: 'b', source: { kind: 'paths', paths: [path.join(dir, 'missing')] } },
        't',
        () => undefined,
      ),
    ).rejects.toThrow(/no such file or folder/);
    expect(counts(ws)).toEqual(before);
    ws.close();
  });

  it('stops on cancel and writes no rows', async () => {
    const ws = openWorkspace(tempDir());
    const controller = new AbortController();
    controller.abort();
    await expect(
      importVolumes(
        ws,
        { jobId: 'a', source: { kind: 'paths', paths: [LIDC] } },
        't',
        () => undefined,
        controller.signal,
      ),
    ).rejects.toThrow(CancelledError);
    expect(counts(ws)).toMatchObject({ projects: 0, cases: 0, volumes: 0, audit: 0 });
    ws.close();
  });
});

// De-identification at import on a real LIDC-IDRI series (PatientID LIDC-IDRI-0001, StudyDate 20000101,
// its folder named after the patient): what a clinical and a research project store, read back from every
// file of the workspace (database, its WAL, blobs), the audit rows, and the mapping file kept on request.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replacementUid, shiftDate, dateShiftDays } from '../../core/deid/confidentiality-profile';
import { InputError } from '../../core/errors';
import type { VolumeSource } from '../../core/volume/types';
import { listAudit } from '../../db/audit';
import { listProjects } from '../../db/repositories/projects';
import { getVolumeSource } from '../../db/repositories/volumes';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { deidentifyForExport, deidHash } from './deidentify';
import { importVolumes } from './import-volumes';

const LIDC = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001', 'dicom');
const PATIENT_ID = 'LIDC-IDRI-0001';
const STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.298806137288633453246975630178';
const STUDY_DATE = '20000101';

/** Every byte the workspace folder holds, as latin1 text (database, WAL, blobs, key). */
function workspaceBytes(ws: Workspace): string {
  ws.db.pragma('wal_checkpoint(PASSIVE)');
  let all = '';
  for (const f of fs.readdirSync(ws.dir, { recursive: true }) as string[]) {
    const p = path.join(ws.dir, f);
    if (fs.statSync(p).isFile()) all += fs.readFileSync(p).toString('latin1');
  }
  return all;
}

const run = (ws: Workspace, extra: Record<string, unknown>, mapping?: string) =>
  importVolumes(
    ws,
    { jobId: 'j', source: { kind: 'paths', paths: [LIDC] }, ...extra },
    'tester',
    () => undefined,
    undefined,
    {},
    mapping ? { file: mapping } : undefined,
  );

const sourceOf = (ws: Workspace, id: number) => getVolumeSource(ws.db, id)!.source as VolumeSource;

describe('de-identification at import', () => {
  it('a research project stores no ID, date, path or original UID; replacements are per workspace', async () => {
    const a = openWorkspace(tempDir());
    const b = openWorkspace(tempDir());
    const dir = tempDir();
    const mapping = path.join(dir, 'mapping.json');
    const s = await run(a, { projectName: 'Study', projectKind: 'research' }, mapping);
    const src = sourceOf(a, s.volumes[0]!.id);
    expect(listProjects(a.db).map((p) => [p.name, p.kind])).toEqual([['Study', 'research']]);
    expect(src.dicom!.studyInstanceUID).toBe(replacementUid(deidHash(a), STUDY));
    expect(src.dicom!.studyDate).toBeUndefined();
    expect(src.files).toEqual([]);
    expect(src.dicom!.instances).toHaveLength(16);
    const stored = workspaceBytes(a);
    for (const gone of [PATIENT_ID, STUDY, STUDY_DATE, LIDC, path.dirname(LIDC)])
      expect(stored).not.toContain(gone);
    for (const row of listAudit(a.db)) expect(JSON.stringify(row)).not.toMatch(/LIDC|\/resources\//);

    // Consistent within the workspace: another research project gets the same replacements.
    const again = await run(a, { projectName: 'Study 2', projectKind: 'research' });
    expect(sourceOf(a, again.volumes[0]!.id).dicom).toEqual(src.dicom);
    // Another workspace replaces the same UID differently.
    const other = await run(b, { projectName: 'Study', projectKind: 'research' });
    expect(sourceOf(b, other.volumes[0]!.id).dicom!.studyInstanceUID).not.toBe(src.dicom!.studyInstanceUID);

    // The mapping file, only where asked: 0600, the originals against the pseudonyms.
    expect(fs.statSync(mapping).mode & 0o777).toBe(0o600);
    const m = JSON.parse(fs.readFileSync(mapping, 'utf8')) as {
      cases: { caseName: string; sourceName: string; patient?: { id?: string } }[];
      uids: Record<string, string>;
    };
    expect(m.cases).toEqual([
      expect.objectContaining({
        sourceName: PATIENT_ID,
        patient: expect.objectContaining({ id: PATIENT_ID }),
      }),
    ]);
    expect(m.cases[0]!.caseName).toMatch(/^Case [0-9a-f]{8}$/);
    expect(m.uids[STUDY]).toBe(src.dicom!.studyInstanceUID);
    expect(Object.keys(m.uids)).toHaveLength(3 + 16);
    a.close();
    b.close();
  });

  it('a clinical project keeps the UIDs and the study date, and names no patient', async () => {
    const ws = openWorkspace(tempDir());
    const s = await run(ws, { projectName: 'Ward' });
    const src = sourceOf(ws, s.volumes[0]!.id);
    expect(listProjects(ws.db)[0]!.kind).toBe('clinical');
    expect(src.dicom!.studyInstanceUID).toBe(STUDY);
    expect(src.dicom!.studyDate).toBe(STUDY_DATE);
    expect(src.files).toHaveLength(16);
    for (const f of src.files) expect(f).toBe(path.basename(f));
    const stored = workspaceBytes(ws);
    expect(stored).toContain(STUDY);
    for (const gone of [PATIENT_ID, LIDC]) expect(stored).not.toContain(gone);
    // What an export meant to leave the hospital writes: the research replacements, no date, no files.
    const out = deidentifyForExport(ws, s.volumes[0]!.id);
    expect(out.source.dicom!.studyInstanceUID).toBe(replacementUid(deidHash(ws), STUDY));
    expect(out.source.dicom!.studyDate).toBeUndefined();
    expect(out.source.files).toEqual([]);
    expect(out.caseName).toMatch(/^Case [0-9a-f]{8}$/);
    ws.close();
  });

  it("shifts the study date by the patient's days when asked", async () => {
    const ws = openWorkspace(tempDir());
    const s = await run(ws, { projectName: 'Study', projectKind: 'research', dates: 'shift' });
    const days = dateShiftDays(deidHash(ws), `id ${PATIENT_ID}`);
    expect(sourceOf(ws, s.volumes[0]!.id).dicom!.studyDate).toBe(shiftDate(STUDY_DATE, days));
    ws.close();
  });

  it('refuses, changing nothing: patient identity or a clinical import into a research project', async () => {
    const ws = openWorkspace(tempDir());
    await run(ws, { projectName: 'Study', projectKind: 'research' });
    const rows = () =>
      ws.db.prepare('SELECT (SELECT count(*) FROM volumes) + (SELECT count(*) FROM audit_log) AS n').get();
    const before = rows();
    await expect(
      run(ws, { projectName: 'New', projectKind: 'research', keepPatientIdentity: true }),
    ).rejects.toThrow(/research project stores no patient identity/);
    await expect(run(ws, { projectName: 'Study', projectKind: 'clinical' })).rejects.toThrow(
      /'Study' is a research project/,
    );
    await expect(run(ws, { projectName: 'Ward', dates: 'shift' })).rejects.toBeInstanceOf(InputError);
    await expect(run(ws, { projectName: 'Study' }, path.join(ws.dir, 'mapping.json'))).rejects.toThrow(
      /outside the workspace/,
    );
    // A mapping file that cannot be written is refused before anything is read: no blob either.
    const fresh = openWorkspace(tempDir());
    await expect(run(fresh, { projectName: 'Study' }, path.join(tempDir(), 'no', 'm.json'))).rejects.toThrow(
      /folder does not exist/,
    );
    expect(
      fs.existsSync(fresh.blobs.dir) ? fs.readdirSync(fresh.blobs.dir, { recursive: true }) : [],
    ).toEqual([]);
    fresh.close();
    expect(rows()).toEqual(before);
    ws.close();
  });
});

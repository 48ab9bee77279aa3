// `concord bundle export --deidentify` on a clinical project built from a real LIDC-IDRI series (the case
// named after the patient, the patient's identity kept on purpose, annotators under their real names, a flag
// comment naming the patient, a SEG imported from a folder named after the patient): every member of the tar
// is searched for the patient's name, ID and birth date, the source's UIDs and dates (read from the DICOM
// files themselves), the staff and case names and the paths. None may appear; the bundle still verifies and
// imports on another workspace. Without --deidentify the same bundle carries them (the search can fail), and
// a research project's bundle is de-identified without being asked.
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replacementUid } from '../../core/deid/confidentiality-profile';
import type { VolumeSource } from '../../core/volume/types';
import { verifyAudit } from '../../db/audit';
import { findAnnotatorByName } from '../../db/repositories/annotators';
import { getVolumeSource } from '../../db/repositories/volumes';
import type { BundleManifest } from '../../io/bundle/manifest';
import { readDicomDataset } from '../../io/seg/test-support/seg-fixtures';
import { edit } from '../../services/test-support/exchange';
import { deidHash } from '../../services/workspace/deidentify';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const LIDC = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001', 'dicom');
const READER = 'Dr Jane Roe';
const SEG_READER = 'Dr John Doe';

/** What identifies the patient and the study in the source files, as DICOM holds it. */
function sourceIdentifiers(): { uids: string[]; text: string[] } {
  const uids = new Set<string>();
  const text = new Set<string>();
  for (const f of fs.readdirSync(LIDC)) {
    const d = readDicomDataset(path.join(LIDC, f)) as Record<string, unknown>;
    for (const k of ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'FrameOfReferenceUID'])
      if (typeof d[k] === 'string' && d[k]) uids.add(d[k]);
    for (const k of ['PatientID', 'PatientBirthDate', 'StudyDate', 'SeriesDate', 'AcquisitionDate']) {
      const v = d[k];
      if (typeof v === 'string' && v.trim()) text.add(v.trim());
    }
    const name = (d['PatientName'] as { Alphabetic?: string }[] | undefined)?.[0]?.Alphabetic;
    if (name?.trim()) text.add(name.trim());
  }
  return { uids: [...uids], text: [...text] };
}

/** Every member of a bundle (a tar), by name. */
async function members(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      out.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  fs.createReadStream(file).pipe(extract);
  await done;
  return out;
}

async function ok(...argv: string[]): Promise<Record<string, unknown>> {
  const r = await cli(...argv, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('concord bundle export --deidentify', () => {
  it('leaves no patient, UID, date, staff or case name in any member; the bundle imports elsewhere', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    const ids = sourceIdentifiers();
    expect(ids.uids.length).toBeGreaterThan(16);
    expect(ids.text).toContain('LIDC-IDRI-0001');

    await ok(
      'import',
      LIDC,
      '--workspace',
      a,
      '--project',
      'Ward',
      '--case',
      'LIDC-IDRI-0001',
      '--keep-patient-identity',
    );
    const wa = openWorkspace(a);
    const revision = await edit(wa, 1, READER, [100, 140, 100, 140, 2, 8]);
    wa.db
      .prepare("UPDATE annotations SET status = 'flagged', status_at = ?, flag_comment = ?")
      .run(new Date().toISOString(), 'ask LIDC-IDRI-0001 about the 2nd nodule');
    // The reader's submission, with a comment naming the patient (free text: it must not travel).
    const now = new Date().toISOString();
    wa.db
      .prepare(
        `INSERT INTO case_submissions (case_id, annotator_id, state, state_at, state_by, comment, submitted_at)
         SELECT 1, id, 'submitted', ?, name, ?, ? FROM annotators WHERE name = ?`,
      )
      .run(now, 'LIDC-IDRI-0001 finished', now, READER);
    wa.close();
    // A SEG of that revision (clinical: the original UIDs), imported back from a folder named after the patient.
    const segDir = path.join(dir, 'LIDC-IDRI-0001');
    fs.mkdirSync(segDir);
    const seg = path.join(segDir, 'nodule.dcm');
    await ok('masks', 'export', String(revision), seg, '--workspace', a);
    await ok('masks', 'import', seg, '--workspace', a, '--volume', '1', '--annotator', SEG_READER);

    const forbidden = [...ids.uids, ...ids.text, READER, SEG_READER, segDir, dir];
    const plain = path.join(dir, 'plain.concord-bundle');
    await ok(
      'bundle',
      'export',
      '--workspace',
      a,
      '--project',
      'Ward',
      '--kind',
      'review',
      '--with-images',
      '--out',
      plain,
    );
    const plainText = [...(await members(plain)).values()].map((m) => m.toString('latin1')).join('\n');
    // The control: the same bundle, not de-identified, carries them.
    for (const t of [ids.uids[0]!, 'LIDC-IDRI-0001', READER, 'about the 2nd nodule', 'finished'])
      expect(plainText).toContain(t);

    const file = path.join(dir, 'out.concord-bundle');
    const s = await ok(
      'bundle',
      'export',
      '--workspace',
      a,
      '--project',
      'Ward',
      '--kind',
      'review',
      '--with-images',
      '--deidentify',
      '--out',
      file,
    );
    expect(s).toMatchObject({ deidentified: true, imagesIncluded: true, revisions: 2 });
    const all = await members(file);
    expect([...all.keys()].slice(0, 2)).toEqual(['manifest.json', 'manifest.sig']);
    for (const [name, bytes] of all) {
      const t = bytes.toString('latin1');
      for (const f of forbidden) expect(t.includes(f), `${name} holds '${f}'`).toBe(false);
      // Dates in ISO form too (DICOM's 20000101 as 2000-01-01).
      for (const d of ids.text.filter((x) => /^\d{8}$/.test(x)))
        expect(t).not.toContain(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`);
    }
    const m = JSON.parse(all.get('manifest.json')!.toString('utf8')) as BundleManifest;
    expect(m.cases.map((c) => c.name)).toEqual([expect.stringMatching(/^Case [0-9a-f]{8}$/)]);
    expect(m.profiles.map((p) => p.name).sort()).toEqual([
      expect.stringMatching(/^Annotator [0-9a-f]{8}$/),
      expect.stringMatching(/^Annotator [0-9a-f]{8}$/),
    ]);
    expect(m.annotations.map((x) => x.flagComment)).toEqual([null, null]);
    // The submissions (the reader's, and the SEG's import) travel under pseudonyms, comments left behind.
    const pseudonym = expect.stringMatching(/^(Annotator|Staff) [0-9a-f]{8}$/);
    expect(m.submissions).toHaveLength(2);
    for (const sub of m.submissions!)
      expect(sub).toEqual(
        expect.objectContaining({ annotator: pseudonym, stateBy: pseudonym, comment: null }),
      );
    expect(m.exporter.actor).toMatch(/^[A-Z][a-z]+ [0-9a-f]{8}$/);
    expect((m.audit as { rows: unknown[]; complete: boolean }).rows).toEqual([]);
    const src = m.cases[0]!.volumes[0]!.source as VolumeSource;
    const wa2 = openWorkspace(a);
    const stored = getVolumeSource(wa2.db, 1)!.source as VolumeSource;
    expect(src.dicom!.seriesInstanceUID).toBe(
      replacementUid(deidHash(wa2), stored.dicom!.seriesInstanceUID!),
    );
    expect(src.dicom!.studyDate).toBeUndefined();
    expect(src.files).toEqual([]);
    const uidOf = (n: string) => findAnnotatorByName(wa2.db, n)!.uid;
    expect(m.profiles.map((p) => p.uid).sort()).toEqual([uidOf(READER), uidOf(SEG_READER)].sort());
    wa2.close();

    // Another workspace verifies the signature and imports it; the exporter's own workspace matches its
    // profiles by their stable ids (results come back to the right people).
    const imported = await ok('bundle', 'import', file, '--workspace', b, '--trust');
    expect(imported).toMatchObject({ casesCreated: 1, volumesCreated: 1, revisionsAdded: 2 });
    const wb = openWorkspace(b);
    expect((getVolumeSource(wb.db, 1)!.source as VolumeSource).dicom!.seriesInstanceUID).toBe(
      src.dicom!.seriesInstanceUID,
    );
    expect(findAnnotatorByName(wb.db, READER)).toBeUndefined();
    expect(verifyAudit(wb.db).intact).toBe(true);
    wb.close();
    const back = await ok('bundle', 'import', file, '--workspace', a);
    expect(back).toMatchObject({ changed: false, casesCreated: 0, revisionsAdded: 0 });
  });

  it('applies the profile to a research project without being asked; --dates needs --deidentify', async () => {
    const dir = tempDir();
    const a = path.join(dir, 'a');
    await ok('import', LIDC, '--workspace', a, '--project', 'Study', '--kind', 'research');
    const wa = openWorkspace(a);
    await edit(wa, 1, READER, [100, 140, 100, 140, 2, 8]);
    wa.close();
    const file = path.join(dir, 'result.concord-bundle');
    const s = await ok(
      'bundle',
      'export',
      '--workspace',
      a,
      '--project',
      'Study',
      '--kind',
      'result',
      '--out',
      file,
    );
    expect(s).toMatchObject({ deidentified: true });
    const manifest = (await members(file)).get('manifest.json')!.toString('utf8');
    expect(manifest).not.toContain(READER);
    // A task for the reader: assigned to their pseudonym, which another workspace takes as a profile.
    const task = path.join(dir, 'task.concord-bundle');
    await ok('bundle', 'export', '--workspace', a, '--project', 'Study', '--for', READER, '--out', task);
    const m = JSON.parse((await members(task)).get('manifest.json')!.toString('utf8')) as BundleManifest;
    expect(m.assignment!.annotator).toMatch(/^Annotator [0-9a-f]{8}$/);
    const b = path.join(dir, 'b');
    await ok('bundle', 'import', task, '--workspace', b, '--trust');
    const wb = openWorkspace(b);
    expect(findAnnotatorByName(wb.db, m.assignment!.annotator)).toBeDefined();
    expect(findAnnotatorByName(wb.db, READER)).toBeUndefined();
    wb.close();
    const bad = await cli(
      'bundle',
      'export',
      '--workspace',
      a,
      '--project',
      'Study',
      '--dates',
      'shift',
      '--out',
      path.join(dir, 'x.concord-bundle'),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'x.concord-bundle'))).toBe(false);
  });
});

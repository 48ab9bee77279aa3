// 'masks:export' (the app's Export in the Annotations panel): the file the CLI writes, base64, for the signed-in
// profile's visible annotations only; a DICOM SEG of a DICOM volume, refused with the reason for a NIfTI volume;
// a .seg.nrrd as the CLI writes it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomSource } from '../../core/volume/types';
import { getVolumeSource } from '../../db/repositories/volumes';
import { readNifti } from '../../io/nifti/read';
import { readSeg } from '../../io/seg/seg-read';
import { CT_DIR, dciodvfy } from '../../io/seg/test-support/seg-fixtures';
import { tempDir } from '../../test-support/tmp';
import { fill, labellingFixture, type Fixture, type Window } from '../test-support/labelling';
import { importVolumes } from '../workspace/import-volumes';

let fx: Fixture;
let ann: Window;
let bob: Window;
let admin: Window;
let dir: string;
beforeAll(async () => {
  fx = await labellingFixture();
  ann = await fx.signedIn('Ann', 'annotator');
  bob = await fx.signedIn('Bob', 'annotator');
  admin = await fx.signedIn('Root', 'admin');
  dir = tempDir();
});
afterAll(() => fx.close());

async function drawn(
  w: Window,
  volumeId: number,
  box: [number, number, number, number, number, number],
  label = 1,
) {
  const a = await w.ok('annotation:open', { volumeId });
  return w.ok('annotation:commit', {
    annotationId: a.id,
    parentRevisionId: a.headRevisionId,
    tool: 'brush',
    patch: fill(box, label),
  });
}

describe('masks:export', () => {
  it("gives the caller's own revision as NIfTI, and refuses another annotator's while blinded", async () => {
    const mine = await drawn(ann, fx.volumes[0]!.id, [1, 4, 1, 3, 0, 2]);
    const f = await ann.ok('masks:export', { revisionId: mine.id, format: 'nifti' });
    expect(f).toMatchObject({ fileName: `revision-${mine.id}.nii.gz`, format: 'nifti' });
    const file = path.join(dir, f.fileName);
    fs.writeFileSync(file, Buffer.from(f.base64, 'base64'));
    const image = await readNifti(file);
    expect(image.geometry.dims).toEqual([8, 6, 4]);
    expect(Array.from(image.data).filter((v) => v === 1)).toHaveLength(12);

    const theirs = await drawn(bob, fx.volumes[0]!.id, [0, 2, 0, 2, 0, 1]);
    const refused = await ann.call('masks:export', { revisionId: theirs.id, format: 'nifti' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses a SEG of a NIfTI volume with the reason, and gives its .seg.nrrd', async () => {
    const mine = await drawn(admin, fx.volumes[1]!.id, [0, 2, 0, 2, 0, 2]);
    const seg = await admin.call('masks:export', { revisionId: mine.id, format: 'seg' });
    expect(seg).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(!seg.ok && seg.error.message).toMatch(
      /it was imported from NIfTI, and a SEG must reference the DICOM images/,
    );
    const nrrd = await admin.call('masks:export', { revisionId: mine.id, format: 'nrrd' });
    expect(nrrd).toMatchObject({
      ok: true,
      value: { format: 'nrrd', fileName: `revision-${mine.id}.seg.nrrd` },
    });
    expect(nrrd.ok && Buffer.from(nrrd.value.base64, 'base64').subarray(0, 4).toString()).toBe('NRRD');
  });

  it('gives a DICOM SEG of a DICOM volume that dciodvfy accepts', async () => {
    const s = await importVolumes(
      fx.services.app.workspace,
      { jobId: 'ct', source: { kind: 'paths', paths: [CT_DIR] }, projectName: 'P', caseName: 'CT' },
      'test',
      () => undefined,
    );
    const mine = await drawn(admin, s.volumes[0]!.id, [100, 140, 200, 260, 1, 3]);
    const f = await admin.ok('masks:export', { revisionId: mine.id, format: 'seg' });
    expect(f).toMatchObject({
      fileName: `revision-${mine.id}-seg.dcm`,
      mimeType: 'application/dicom',
      segments: [{ number: 1, value: 1, name: 'Lesion', frames: 2 }],
    });
    const file = path.join(dir, f.fileName);
    fs.writeFileSync(file, Buffer.from(f.base64, 'base64'));
    expect(dciodvfy(file).errors).toEqual([]);
    const back = await readSeg(file);
    // Slices k = 1 and 2 hold the drawing: the frames reference the CT images of those slices.
    const source = getVolumeSource(fx.services.app.workspace.db, s.volumes[0]!.id)!.source as {
      dicom: DicomSource;
    };
    const uids = source.dicom.instances!.map((r) => r.sopInstanceUID);
    expect(back.frames.map((x) => x.sources)).toEqual([[uids[1]], [uids[2]]]);
    expect(back.segments[0]).toMatchObject({ label: 'Lesion', color: '#ff0000', type: 'Lesion' });
  });
});

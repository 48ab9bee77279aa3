// A project's signed-off references in one go: `concord masks export-references` (a folder of NIfTI named by
// case, references.json, the cases without a reference listed as skipped) and 'masks:exportReferences' (the
// same files as a tar, reviewers and admins only; in Electron 'masks:exportReferencesToFolder' writes them into
// the folder its dialog answers), on the three-rater case A (signed off) and case B (never
// adjudicated) of test-support/consensus.ts.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { readNifti } from '../../io/nifti/read';
import { tempDir } from '../../test-support/tmp';
import { cli } from './test-support';
import { threeRaterCase, type ThreeRaters } from '../../services/test-support/consensus';

let s: ThreeRaters;
let dir: string;
let adjudicationId: number;
beforeAll(async () => {
  s = await threeRaterCase();
  dir = tempDir();
  const vote = await s.rev.ok('consensus:merge', {
    jobId: 'v',
    volumeId: s.volumeId,
    method: 'vote',
    label: 1,
  });
  const st = await s.rev.ok('adjudication:start', {
    volumeId: s.volumeId,
    seedRevisionId: vote.saved!.revision.id,
    rationale: 'the vote',
  });
  adjudicationId = st.id;
  await s.rev.ok('adjudication:signOff', { adjudicationId, parentRevisionId: st.headRevisionId });
});
afterAll(() => s.fx.close());

const wsDir = () => s.fx.services.app.workspace.dir;

async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
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
  const done = new Promise((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([bytes]).pipe(extract);
  await done;
  return out;
}

/** `concord masks export-references` of project P into `out`, with any further options. */
function exportReferences(out: string, ...options: string[]) {
  return cli(
    'masks',
    'export-references',
    '--workspace',
    wsDir(),
    '--project',
    'P',
    '--out',
    out,
    ...options,
  );
}

describe('concord masks export-references', () => {
  it('writes one NIfTI per signed-off case, named by case, and lists the cases skipped', async () => {
    const out = path.join(dir, 'refs');
    const r = await exportReferences(out, '--json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const summary = JSON.parse(r.stdout) as {
      files: { case: string; file: string; revisionId: number }[];
      skipped: { case: string; reason: string }[];
    };
    expect(summary.files).toMatchObject([{ case: 'A', file: 'A.nii.gz' }]);
    expect(summary.skipped).toMatchObject([{ case: 'B', reason: 'no adjudication yet' }]);
    expect(fs.readdirSync(out).sort()).toEqual(['A.nii.gz', 'references.json']);
    const image = await readNifti(path.join(out, 'A.nii.gz'));
    expect(image.geometry.dims).toEqual([8, 6, 4]);
    // The majority of the three raters: 72 voxels (test-support/consensus.ts).
    expect(Array.from(image.data).filter((v) => v === 1)).toHaveLength(72);
    expect(listAudit(s.fx.services.app.workspace.db)[0]).toMatchObject({
      action: 'project.exportReferences',
      detail: { to: 'refs', skipped: 1 },
    });

    // A folder that is not empty is refused, and nothing is written into it.
    const again = await exportReferences(out);
    expect([again.code, again.stderr]).toEqual([
      2,
      `concord: ${out}: the output folder is not empty; choose a new or empty folder\n`,
    ]);
    expect(fs.readdirSync(out).sort()).toEqual(['A.nii.gz', 'references.json']);
  });

  it('names the files by pseudonym with --deidentify', async () => {
    const out = path.join(dir, 'deid');
    const r = await exportReferences(out, '--deidentify');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.nii.gz'))).toEqual([
      expect.stringMatching(/^Case-[0-9a-f]{8}\.nii\.gz$/),
    ]);
    expect(r.stdout).toMatch(/skipped Case [0-9a-f]{8}: no adjudication yet/);
  });
});

describe('masks:exportReferences', () => {
  it('gives reviewers the same files as a tar, and refuses annotators', async () => {
    const f = await s.rev.ok('masks:exportReferences', { projectId: s.fx.projectId });
    expect(f).toMatchObject({
      fileName: 'P-references.tar',
      files: [{ case: 'A', file: 'A.nii.gz' }],
      skipped: [{ case: 'B', reason: 'no adjudication yet' }],
    });
    const entries = await untar(Buffer.from(f.base64, 'base64'));
    expect([...entries.keys()]).toEqual(['A.nii.gz', 'references.json']);
    const file = path.join(dir, 'from-tar.nii.gz');
    fs.writeFileSync(file, entries.get('A.nii.gz')!);
    expect(Array.from((await readNifti(file)).data).filter((v) => v === 1)).toHaveLength(72);
    const refused = await s.ann.call('masks:exportReferences', { projectId: s.fx.projectId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('Electron: writes the same files into the folder its dialog answers; nothing when it is closed', async () => {
    const caps = s.fx.services.app.capabilities;
    // The web host has no folder dialog: it says so (its tar download is the way there).
    const web = await s.rev.call('masks:exportReferencesToFolder', { projectId: s.fx.projectId });
    expect(web).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    // As the Electron host gives it (host/electron/dialogs.ts): the folder the user picked or made.
    const out = path.join(dir, 'picked');
    const asked: string[] = [];
    let answer: string | null = null;
    caps.pickOutputFolder = (title) => {
      asked.push(title);
      return Promise.resolve(answer);
    };
    try {
      expect(await s.rev.ok('masks:exportReferencesToFolder', { projectId: s.fx.projectId })).toBeNull();
      expect(fs.existsSync(out)).toBe(false);
      fs.mkdirSync(out); // made in the dialog: new and empty
      answer = out;
      const r = await s.rev.ok('masks:exportReferencesToFolder', { projectId: s.fx.projectId });
      expect(r).toEqual({
        folder: out,
        files: [{ case: 'A', file: 'A.nii.gz', revisionId: expect.any(Number) }],
        skipped: [{ case: 'B', reason: 'no adjudication yet' }],
      });
      expect(asked).toEqual([
        'Export the signed-off references of P into a folder',
        'Export the signed-off references of P into a folder',
      ]);
      expect(fs.readdirSync(out).sort()).toEqual(['A.nii.gz', 'references.json']);
      expect(
        Array.from((await readNifti(path.join(out, 'A.nii.gz'))).data).filter((v) => v === 1),
      ).toHaveLength(72);
      expect(listAudit(s.fx.services.app.workspace.db)[0]).toMatchObject({
        action: 'project.exportReferences',
        detail: { to: 'picked' },
      });
      // The same folder again is not empty: refused in one line, nothing written; annotators are refused
      // before any dialog opens.
      const again = await s.rev.call('masks:exportReferencesToFolder', { projectId: s.fx.projectId });
      expect(!again.ok && again.error.message).toBe(
        `${out}: the output folder is not empty; choose a new or empty folder`,
      );
      expect(fs.readdirSync(out).sort()).toEqual(['A.nii.gz', 'references.json']);
      const refused = await s.ann.call('masks:exportReferencesToFolder', { projectId: s.fx.projectId });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(asked).toHaveLength(3);
    } finally {
      delete caps.pickOutputFolder;
    }
  });

  it('skips a reopened case, and refuses a project without any reference in one line', async () => {
    await s.rev.ok('adjudication:reopen', { adjudicationId, reason: 'a second nodule' });
    const r = await s.rev.call('masks:exportReferences', { projectId: s.fx.projectId });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(!r.ok && r.error.message).toBe("project 'P' has no signed-off reference (2 case(s) skipped)");
    const out = path.join(dir, 'none');
    const c = await exportReferences(out);
    expect(c.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });
});

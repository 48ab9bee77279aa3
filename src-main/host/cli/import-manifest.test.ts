// `concord import --manifest`: a labelled data set in one go, each case all or nothing, with one progress
// line per case and a report of what was refused.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyAudit } from '../../db/audit';
import { listAnnotators } from '../../db/repositories/annotators';
import { caseSubjects, listCases, listProjects } from '../../db/repositories/projects';
import { writeTestVolume } from '../../services/test-support/labelling';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const LIDC = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001');

interface Report {
  projectId: number;
  project: string;
  imported: {
    case: string;
    volumeId: number;
    newVolume: boolean;
    masks: {
      annotatorName: string;
      annotatorCreated: boolean;
      revisionId: number;
      unchanged: boolean;
      labelVoxels: Record<string, number>;
    }[];
  }[];
  refused: { case: string; reason: string }[];
}

/** A data set folder: the LIDC CT with its four readers (paths relative to the manifest), and bad cases. */
async function dataset(): Promise<string> {
  const dir = tempDir();
  fs.cpSync(path.join(LIDC, 'dicom'), path.join(dir, 'images', 'lidc'), { recursive: true });
  for (let r = 0; r < 4; r++) {
    fs.cpSync(
      path.join(LIDC, 'derived_masks_nifti', `reader${r}_mask.nii.gz`),
      path.join(dir, 'labels', `r${r}.nii.gz`),
    );
  }
  await writeTestVolume(path.join(dir, 'images', 'small.nii.gz'), [8, 6, 4]);
  const manifest = [
    {
      case: 'LIDC-IDRI-0001',
      image: 'images/lidc',
      masks: Object.fromEntries([0, 1, 2, 3].map((r) => [`LIDC reader ${r + 1}`, `labels/r${r}.nii.gz`])),
    },
    // The small image is fine, but its mask is the CT's: off its grid, so the whole case is refused.
    { case: 'Small', image: 'images/small.nii.gz', masks: { 'Off grid': 'labels/r0.nii.gz' } },
    { case: 'Missing', image: 'images/nowhere.nii.gz', masks: {} },
    { case: 'LIDC-IDRI-0001', image: 'images/lidc' },
    'not an entry',
    { case: 'Bad mask', image: 'images/small.nii.gz', masks: { Ann: 42 } },
  ];
  fs.writeFileSync(path.join(dir, 'datalist.json'), JSON.stringify(manifest));
  return dir;
}

describe('concord import --manifest', () => {
  it('imports the good cases whole, refuses the bad ones whole, and reports both', async () => {
    const dir = await dataset();
    const ws = path.join(tempDir(), 'ws');
    const r = await cli(
      'import',
      '--manifest',
      path.join(dir, 'datalist.json'),
      '--workspace',
      ws,
      '--project',
      'LIDC',
      '--json',
    );
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.imported.map((c) => c.case)).toEqual(['LIDC-IDRI-0001']);
    const lidc = report.imported[0]!;
    expect(lidc.newVolume).toBe(true);
    // Reader voxel counts from the data set's README.
    expect(lidc.masks.map((m) => [m.annotatorName, m.annotatorCreated, m.labelVoxels['1']])).toEqual([
      ['LIDC reader 1', true, 6844],
      ['LIDC reader 2', true, 5348],
      ['LIDC reader 3', true, 5733],
      ['LIDC reader 4', true, 6408],
    ]);
    expect(report.refused).toEqual([
      { case: 'LIDC-IDRI-0001', reason: "case 'LIDC-IDRI-0001' appears more than once in the manifest" },
      { case: 'entry 5', reason: 'not an object' },
      { case: 'Bad mask', reason: "the mask of 'Ann' must be a path" },
      {
        case: 'Small',
        reason: expect.stringMatching(
          /r0\.nii\.gz: not on the volume's grid: dims differ \(8x6x4 vs 512x512x16\)/,
        ),
      },
      { case: 'Missing', reason: expect.stringMatching(/nowhere\.nii\.gz: no such file or folder/) },
    ]);
    // One progress line per case on stderr, then the summary line.
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.slice(0, 6).every((l) => /^\[\d\/6\] /.test(l))).toBe(true);
    expect(lines.find((l) => l.includes('LIDC-IDRI-0001: imported volume'))).toMatch(
      /masks: LIDC reader 1 \(revision \d+\), LIDC reader 2/,
    );
    expect(lines[6]).toBe(
      'concord: 5 case(s) refused: LIDC-IDRI-0001, entry 5, Bad mask, Small, Missing (nothing of them was imported)',
    );

    const w = openWorkspace(ws);
    try {
      // Nothing of the refused cases: no case "Small", no profile "Off grid".
      expect(listProjects(w.db).map((p) => p.name)).toEqual(['LIDC']);
      expect(listCases(w.db, report.projectId).map((c) => c.name)).toEqual(['LIDC-IDRI-0001']);
      expect(listAnnotators(w.db).map((a) => [a.name, a.hasPassword])).toEqual([
        ['LIDC reader 1', false],
        ['LIDC reader 2', false],
        ['LIDC reader 3', false],
        ['LIDC reader 4', false],
      ]);
      expect((w.db.prepare('SELECT count(*) AS n FROM volumes').get() as { n: number }).n).toBe(1);
      expect(verifyAudit(w.db).intact).toBe(true);
    } finally {
      w.close();
    }

    // Run again: the volume and masks are recognised, nothing new is stored.
    const again = JSON.parse(
      (
        await cli(
          'import',
          '--manifest',
          path.join(dir, 'datalist.json'),
          '--workspace',
          ws,
          '--project',
          'LIDC',
          '--json',
        )
      ).stdout,
    ) as Report;
    expect(again.imported[0]).toMatchObject({ newVolume: false, volumeId: lidc.volumeId });
    expect(again.imported[0]!.masks.every((m) => m.unchanged)).toBe(true);
  });

  it("keeps each case's subject: as given in a clinical project, a keyed pseudonym in a research one", async () => {
    const dir = tempDir();
    for (const n of ['a', 'b', 'c', 'd']) await writeTestVolume(path.join(dir, `${n}.nii.gz`), [8, 6, 4]);
    const manifest = [
      { case: 'P1 nodule 1', subject: 'P1', image: 'a.nii.gz' },
      { case: 'P1 nodule 2', subject: ' P1 ', image: 'b.nii.gz' },
      { case: 'No subject', image: 'c.nii.gz' },
      { case: 'Bad subject', subject: '', image: 'd.nii.gz' },
    ];
    fs.writeFileSync(path.join(dir, 'm.json'), JSON.stringify(manifest));
    const subjectsOf = async (kind: string) => {
      const ws = path.join(tempDir(), 'ws');
      const out = await cli(
        'import',
        '--manifest',
        path.join(dir, 'm.json'),
        '--workspace',
        ws,
        '--project',
        'P',
        '--kind',
        kind,
        '--json',
      );
      const report = JSON.parse(out.stdout) as Report;
      expect(report.refused).toEqual([
        { case: 'Bad subject', reason: '"subject" must be a name of 1..200 characters' },
      ]);
      const w = openWorkspace(ws);
      try {
        const subjects = caseSubjects(w.db, report.projectId);
        return listCases(w.db, report.projectId).map((c) => [c.name, subjects.get(c.id) ?? null]);
      } finally {
        w.close();
      }
    };
    expect(await subjectsOf('clinical')).toEqual([
      ['No subject', null],
      ['P1 nodule 1', 'P1'],
      ['P1 nodule 2', 'P1'],
    ]);
    const research = await subjectsOf('research');
    expect(research.map((x) => x[1])).toEqual([null, research[1]![1], research[1]![1]]);
    expect(research[1]![1]).toMatch(/^Subject [0-9a-f]{8}$/);
  });

  it('refuses a manifest that is not a JSON list, and asks for a project', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"case": "x"}');
    const ws = path.join(dir, 'ws');
    const r = await cli('import', '--manifest', bad, '--workspace', ws, '--project', 'P');
    expect([r.code, r.stderr]).toEqual([
      2,
      `concord: ${bad}: the manifest must be a JSON list of { "case", "image", "masks" } entries\n`,
    ]);
    fs.writeFileSync(bad, '[{');
    expect((await cli('import', '--manifest', bad, '--workspace', ws, '--project', 'P')).stderr).toMatch(
      /the manifest is not JSON/,
    );
    expect((await cli('import', '--manifest', bad, '--workspace', ws)).stderr).toBe(
      'concord: import --manifest needs --project <value>\n',
    );
    expect(
      (await cli('import', '--manifest', path.join(dir, 'none.json'), '--workspace', ws, '--project', 'P'))
        .stderr,
    ).toMatch(/cannot read the manifest \(ENOENT\)/);
    expect(
      (await cli('import', 'x.nii', '--manifest', bad, '--workspace', ws, '--project', 'P')).stderr,
    ).toMatch(/takes no other paths/);
  });
});

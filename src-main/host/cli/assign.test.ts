// `concord assign`: each case to k of n annotators, balanced, through the app's service; names resolved; bad
// input is one line, exit 2, nothing written.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { insertAnnotator } from '../../db/repositories/annotators';
import { writeTestVolume } from '../../services/test-support/labelling';
import { importVolumes } from '../../services/workspace/import-volumes';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

let ws = '';
beforeAll(async () => {
  const dir = tempDir();
  ws = path.join(dir, 'ws');
  const w = openWorkspace(ws);
  try {
    for (const name of ['c1', 'c2', 'c3', 'c4']) {
      const file = path.join(dir, `${name}.nii.gz`);
      await writeTestVolume(file, [4, 4, 2]);
      await importVolumes(
        w,
        { jobId: name, source: { kind: 'paths', paths: [file] }, projectName: 'Chest', caseName: name },
        'test',
        () => undefined,
      );
    }
    for (const [name, role] of [
      ['ann', 'annotator'],
      ['bob', 'annotator'],
      ['cy', 'annotator'],
      ['rita', 'reviewer'],
    ] as const)
      insertAnnotator(w.db, { name, role, passwordHash: null }, 't');
  } finally {
    w.close();
  }
});

interface Out {
  project: string;
  added: { caseName: string; annotatorName: string }[];
  load: { annotatorName: string; cases: number }[];
}

describe('concord assign', () => {
  it('gives each case to k of the annotators, least-loaded first, and records it in the audit', async () => {
    const r = await cli(
      'assign',
      '--workspace',
      ws,
      '--project',
      'Chest',
      '--annotators',
      'ann,bob,cy',
      '--per-case',
      '2',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.added.map((p) => `${p.caseName}:${p.annotatorName}`)).toEqual([
      'c1:ann',
      'c1:bob',
      'c2:cy',
      'c2:ann',
      'c3:bob',
      'c3:cy',
      'c4:ann',
      'c4:bob',
    ]);
    expect(out.load.map((l) => l.cases)).toEqual([3, 3, 2]);
    // Named cases to one annotator; repeating adds nothing.
    const one = JSON.parse(
      (
        await cli(
          'assign',
          '--workspace',
          ws,
          '--project',
          'Chest',
          '--annotators',
          'cy',
          '--cases',
          'c1,c4',
          '--json',
        )
      ).stdout,
    ) as Out;
    expect(one.added.map((p) => p.caseName)).toEqual(['c1', 'c4']);
    const again = await cli(
      'assign',
      '--workspace',
      ws,
      '--project',
      'Chest',
      '--annotators',
      'cy',
      '--cases',
      'c1',
      '--json',
    );
    expect((JSON.parse(again.stdout) as Out).added).toEqual([]);
    const w = openWorkspace(ws);
    try {
      expect(w.db.prepare('SELECT count(*) AS n FROM case_assignments').get()).toEqual({ n: 10 });
      expect(listAudit(w.db, 100).filter((x) => x.action === 'case.assign')).toHaveLength(3);
    } finally {
      w.close();
    }
  });

  it('refuses bad input with one line and exit 2, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--project', 'Nope', '--annotators', 'ann'], /project 'Nope' does not exist/],
      [['--project', 'Chest', '--annotators', 'ann,zed'], /no profile named 'zed'/],
      [
        ['--project', 'Chest', '--annotators', 'rita'],
        /rita is a reviewer: cases are assigned to annotators/,
      ],
      [['--project', 'Chest', '--annotators', 'ann,bob', '--per-case', '3'], /1\.\.2 of the 2 annotators/],
      [['--project', 'Chest', '--annotators', 'ann', '--cases', 'c9'], /case 'c9' is not in project Chest/],
      [['--project', 'Chest', '--annotators', 'ann,,bob'], /empty entry/],
      [['--project', 'Chest'], /assign needs --annotators/],
    ];
    for (const [args, message] of cases) {
      const r = await cli('assign', '--workspace', ws, ...args, '--json');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(
      (
        await cli(
          'assign',
          '--workspace',
          path.join(tempDir(), 'none'),
          '--project',
          'x',
          '--annotators',
          'a',
        )
      ).code,
    ).toBe(2);
  });
});

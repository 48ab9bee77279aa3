// Three workstations exchange work through bundles with real `concord` processes (the built CLI): the
// coordinator's workspace sends each annotator a task, their results come back, the coordinator merges them
// with the readers' submissions (so the reviewer's default rater set holds both) and rulers, the coordinator
// merges them into a consensus and sends a review to both. At the end the three workspaces hold the same
// revisions (same global ids, masks (blob checksums), authors, parents, tools and times) and rulers. A tampered bundle is refused
// with one line (exit 2) and changes nothing.
//
// Needs the build (`npm test` builds before the unit tests); without out/main/cli.js this test fails and
// says so.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit';
import { REPO_ROOT, tempDir } from '../../test-support/tmp';
import { findOrCreateImportedAnnotator } from '../../services/identity/profiles';
import {
  edit,
  exchangeImage,
  exchangeWorkspace,
  measureAs,
  measurementsView,
  revisionsView,
  submitAs,
  volumeIdOf,
  workspaceState,
} from '../../services/test-support/exchange';
import { openWorkspace } from '../../workspace/workspace';

const CLI = path.join(REPO_ROOT, 'out', 'main', 'cli.js');

function concord(...args: string[]): { code: number | null; json: Record<string, unknown>; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    // not JSON: the test looks at the code and stderr
  }
  return { code: r.status, json, stderr: r.stderr };
}

function ok(...args: string[]): Record<string, unknown> {
  const r = concord(...args, '--json');
  expect(r.code, `concord ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.json;
}

/** Opens a workspace for a moment (the CLI processes must not find it held). */
async function withWorkspace<T>(
  dir: string,
  fn: (ws: ReturnType<typeof openWorkspace>) => Promise<T> | T,
): Promise<T> {
  const ws = openWorkspace(dir);
  try {
    return await fn(ws);
  } finally {
    ws.close();
  }
}

describe('three workstations exchange bundles through the CLI', () => {
  it('end with the same revisions: ids differ, content, authors, parents and times do not', async () => {
    expect(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`).toBe(true);
    const dir = tempDir();
    const [hub, laptop1, laptop2] = ['hub', 'laptop1', 'laptop2'].map((n) => path.join(dir, n)) as [
      string,
      string,
      string,
    ];
    const image = await exchangeImage(dir);
    const setup = await exchangeWorkspace(hub, image);
    setup.ws.db.transaction(() => {
      for (const n of ['Reader 1', 'Reader 2'])
        findOrCreateImportedAnnotator(setup.ws.db, n, 'test', new Date().toISOString());
    })();
    setup.ws.close();
    const bundle = (name: string) => path.join(dir, `${name}.concord-bundle`);

    // Tasks out: each annotator gets the case and their own assignment.
    for (const [reader, laptop, n] of [
      ['Reader 1', laptop1, 1],
      ['Reader 2', laptop2, 2],
    ] as const) {
      expect(
        ok(
          'bundle',
          'export',
          '--workspace',
          hub,
          '--out',
          bundle(`task${n}`),
          '--project',
          'P',
          '--for',
          reader,
        ),
      ).toMatchObject({
        kind: 'task',
        imagesIncluded: true,
      });
      const unknown = concord('bundle', 'import', bundle(`task${n}`), '--workspace', laptop, '--json');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
      expect(unknown.stderr).toMatch(/has not trusted before; nothing was imported/);
      expect(ok('bundle', 'import', bundle(`task${n}`), '--workspace', laptop, '--trust')).toMatchObject({
        trustedNow: true,
        casesCreated: 1,
      });
    }
    // The annotators label on their own machines, blind to each other.
    for (const [reader, laptop, boxes] of [
      [
        'Reader 1',
        laptop1,
        [
          [0, 5, 0, 5, 0, 3],
          [2, 7, 1, 4, 1, 4],
          [0, 2, 0, 2, 0, 6],
        ],
      ],
      [
        'Reader 2',
        laptop2,
        [
          [1, 6, 1, 6, 0, 3],
          [3, 9, 2, 8, 2, 5],
        ],
      ],
    ] as const) {
      await withWorkspace(laptop, async (ws) => {
        expect(ws.db.prepare('SELECT count(*) FROM annotators').pluck().get()).toBe(1);
        for (const box of boxes) await edit(ws, volumeIdOf(ws), reader, [...box]);
        // And measures the nodule: a ruler of its own (blinded like its mask until the review).
        measureAs(ws, reader, boxes.length + 2);
        ws.db.prepare('UPDATE annotations SET time_spent_sec = ?').run(boxes.length * 60);
        // Done: the annotator submits the case on their own machine (the review gate).
        submitAs(ws, reader);
      });
    }
    // Results back, then a consensus on the hub, and a review out to both.
    ok(
      'bundle',
      'export',
      '--workspace',
      laptop1,
      '--out',
      bundle('result1'),
      '--project',
      'P',
      '--kind',
      'result',
    );
    ok(
      'bundle',
      'export',
      '--workspace',
      laptop2,
      '--out',
      bundle('result2'),
      '--project',
      'P',
      '--kind',
      'result',
    );
    expect(ok('bundle', 'import', bundle('result1'), '--workspace', hub, '--trust')).toMatchObject({
      revisionsAdded: 3,
      submissionsTaken: 1,
      measurementsAdded: 1,
    });
    expect(ok('bundle', 'import', bundle('result2'), '--workspace', hub, '--trust')).toMatchObject({
      revisionsAdded: 2,
      submissionsTaken: 1,
      measurementsAdded: 1,
    });
    // The submissions came with the results: the reviewer's default rater set (the submitted manual
    // annotations) holds both readers, with nothing ticked by hand.
    const merged = ok('consensus', '--workspace', hub, '--case', 'A', '--method', 'vote', '--save') as {
      raters: { name: string }[];
    };
    expect(merged.raters.map((r) => r.name)).toEqual(['Reader 1', 'Reader 2']);
    ok(
      'bundle',
      'export',
      '--workspace',
      hub,
      '--out',
      bundle('review'),
      '--project',
      'P',
      '--kind',
      'review',
    );
    // The review brings each laptop the other reader's ruler (its own is recognised, not added again).
    expect(ok('bundle', 'import', bundle('review'), '--workspace', laptop1)).toMatchObject({
      trustedNow: false,
      revisionsAdded: 3,
      measurementsAdded: 1,
    });
    expect(ok('bundle', 'import', bundle('review'), '--workspace', laptop2)).toMatchObject({
      revisionsAdded: 4,
      measurementsAdded: 1,
    });
    // Again: nothing changes.
    expect(ok('bundle', 'import', bundle('review'), '--workspace', laptop2)).toMatchObject({
      changed: false,
      revisionsAdded: 0,
    });

    const views = await Promise.all(
      [hub, laptop1, laptop2].map((d) => withWorkspace(d, (ws) => revisionsView(ws))),
    );
    expect(views[0]).toHaveLength(6);
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    const submittedAt: string[][] = [];
    const measured: unknown[] = [];
    for (const d of [hub, laptop1, laptop2]) {
      await withWorkspace(d, (ws) => {
        expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(verifyAudit(ws.db).intact).toBe(true);
        const state = ws.db
          .prepare(
            'SELECT p.name, a.status, a.time_spent_sec AS t FROM annotations a JOIN annotators p ON p.id = a.annotator_id ORDER BY p.name',
          )
          .all();
        expect(state).toEqual([
          { name: 'Reader 1', status: 'done', t: 180 },
          { name: 'Reader 2', status: 'done', t: 120 },
        ]);
        // Each reader's submission as made on their laptop; the review carried the other's back too.
        const submissions = ws.db
          .prepare(
            'SELECT p.name, s.state, s.state_by AS stateBy, s.submitted_at AS at FROM case_submissions s JOIN annotators p ON p.id = s.annotator_id ORDER BY p.name',
          )
          .all() as { name: string; state: string; stateBy: string; at: string }[];
        expect(submissions.map(({ at: _at, ...rest }) => rest)).toEqual([
          { name: 'Reader 1', state: 'submitted', stateBy: 'Reader 1' },
          { name: 'Reader 2', state: 'submitted', stateBy: 'Reader 2' },
        ]);
        submittedAt.push(submissions.map((x) => x.at));
        measured.push(measurementsView(ws));
      });
    }

    expect(submittedAt[1]).toEqual(submittedAt[0]);
    expect(submittedAt[2]).toEqual(submittedAt[0]);
    // The same two rulers everywhere: author, name, slice, points and time.
    expect(measured[0]).toEqual([
      expect.objectContaining({ annotator: 'Reader 1', name: 'Ruler 1' }),
      expect.objectContaining({ annotator: 'Reader 2', name: 'Ruler 1' }),
    ]);
    expect(measured[1]).toEqual(measured[0]);
    expect(measured[2]).toEqual(measured[0]);

    // One byte of the review changed: exit 2, one line, nothing written.
    const bytes = fs.readFileSync(bundle('review'));
    // Inside the first member's data: its 512-byte tar header starts with its name.
    let header = bytes.indexOf('blobs/');
    while (header % 512 !== 0) header = bytes.indexOf('blobs/', header + 1);
    bytes[header + 512 + 5]! ^= 0xff;
    const tampered = bundle('tampered');
    fs.writeFileSync(tampered, bytes);
    const before = await withWorkspace(laptop1, (ws) => workspaceState(ws));
    const r = concord('bundle', 'import', tampered, '--workspace', laptop1, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await withWorkspace(laptop1, (ws) => workspaceState(ws))).toEqual(before);
  }, 240_000);
});

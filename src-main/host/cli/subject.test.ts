// `concord subject`: a case's subject set by hand, as a manifest sets it (a research project stores the same
// keyed pseudonym for the same name), cleared, audited; bad input changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyAudit } from '../../db/audit';
import { caseSubjects, listCases, listProjects } from '../../db/repositories/projects';
import { writeTestVolume } from '../../services/test-support/labelling';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

/** A workspace whose project (of this kind) has case A (subject P1, from its manifest) and case B (none). */
async function workspace(kind: 'clinical' | 'research'): Promise<string> {
  const dir = tempDir();
  for (const n of ['a', 'b']) await writeTestVolume(path.join(dir, `${n}.nii.gz`), [8, 6, 4]);
  fs.writeFileSync(
    path.join(dir, 'm.json'),
    JSON.stringify([
      { case: 'A', subject: 'P1', image: 'a.nii.gz' },
      { case: 'B', image: 'b.nii.gz' },
    ]),
  );
  const ws = path.join(dir, 'ws');
  const r = await cli(
    'import',
    '--manifest',
    path.join(dir, 'm.json'),
    '--workspace',
    ws,
    '--project',
    'P',
    '--kind',
    kind,
  );
  expect(r.code).toBe(0);
  return ws;
}

function subjects(ws: string): Record<string, string | null> {
  const w = openWorkspace(ws);
  try {
    const p = listProjects(w.db).find((x) => x.name === 'P')!;
    const s = caseSubjects(w.db, p.id);
    return Object.fromEntries(listCases(w.db, p.id).map((c) => [c.name, s.get(c.id) ?? null]));
  } finally {
    w.close();
  }
}

function auditRows(ws: string): { detail: string }[] {
  const w = openWorkspace(ws);
  try {
    expect(verifyAudit(w.db).intact).toBe(true);
    return w.db
      .prepare("SELECT detail_json AS detail FROM audit_log WHERE action = 'case.subject'")
      .all() as {
      detail: string;
    }[];
  } finally {
    w.close();
  }
}

/** `concord subject` on case `caseName` of project P, with the rest of the arguments. */
function subject(ws: string, caseName: string, ...args: string[]): ReturnType<typeof cli> {
  return cli('subject', '--workspace', ws, '--project', 'P', '--case', caseName, ...args);
}

describe('concord subject', () => {
  it('clinical: sets the name as given, clears it, and audits each change', async () => {
    const ws = await workspace('clinical');
    const set = await subject(ws, 'B', '--subject', ' P1 ', '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      case: 'B',
      kind: 'clinical',
      before: null,
      subject: 'P1',
    });
    expect(subjects(ws)).toEqual({ A: 'P1', B: 'P1' });
    const again = await subject(ws, 'B', '--subject', 'P1');
    expect(again.stdout).toBe('B: subject P1 (unchanged)\n');
    const clear = await subject(ws, 'A', '--clear');
    expect([clear.code, clear.stdout]).toEqual([0, 'A: no subject (the case is its own)\n']);
    expect(subjects(ws)).toEqual({ A: null, B: 'P1' });
    // Two changes, two rows; the unchanged call wrote none.
    expect(auditRows(ws).map((r) => JSON.parse(r.detail) as object)).toEqual([
      { caseId: expect.any(Number), before: null, subject: 'P1' },
      { caseId: expect.any(Number), before: 'P1', subject: null },
    ]);
  });

  it("research: stores the manifest's pseudonym for the same name, never the name", async () => {
    const ws = await workspace('research');
    const fromManifest = subjects(ws)['A']!;
    expect(fromManifest).toMatch(/^Subject [0-9a-f]{8}$/);
    const r = await subject(ws, 'B', '--subject', 'P1', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'research', subject: fromManifest });
    expect(subjects(ws)).toEqual({ A: fromManifest, B: fromManifest });
    // The pseudonym given back (as the app prefills it, or copied from another case) is kept, not hashed again.
    const back = await subject(ws, 'B', '--subject', fromManifest);
    expect(back.stdout).toBe(`B: subject ${fromManifest} (unchanged)\n`);
    expect(auditRows(ws)).toHaveLength(1);
    expect(
      auditRows(ws)
        .map((x) => x.detail)
        .join(),
    ).not.toMatch(/P1/);
  });

  it('bad input: one line, exit 2, nothing written', async () => {
    const ws = await workspace('clinical');
    const tries: [string[], RegExp][] = [
      [['--case', 'B', '--subject', '  '], /a subject is a name of 1\.\.200 characters/],
      [['--case', 'B', '--subject', 'x'.repeat(201)], /a subject is a name of 1\.\.200 characters/],
      [['--case', 'Nobody', '--subject', 'P2'], /case 'Nobody' is not in project P/],
      [['--case', 'B'], /give --subject or --clear/],
      [['--case', 'B', '--subject', 'P2', '--clear'], /give --subject or --clear/],
    ];
    for (const [args, message] of tries) {
      const r = await cli('subject', '--workspace', ws, '--project', 'P', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const noProject = await cli(
      'subject',
      '--workspace',
      ws,
      '--project',
      'Q',
      '--case',
      'B',
      '--subject',
      'P2',
    );
    expect([noProject.code, noProject.stderr]).toEqual([
      2,
      "concord: project 'Q' does not exist in this workspace\n",
    ]);
    expect(subjects(ws)).toEqual({ A: 'P1', B: null });
    expect(auditRows(ws)).toEqual([]);
  });
});

// `concord compare` and `concord consensus` in workspace mode on the sample case (LIDC-IDRI-0001 with its
// four readers, imported through the manifest as the app's sample project): the same numbers as file mode
// on the same NIfTI masks, which annotation and revision each rater is, --save with provenance, --csv, and
// one-line exit-2 messages.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lidc1Files } from '../../test-support/peer-masks';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { sampleManifest } from '../sample-project';
import { cli } from './test-support';

let ws = '';
beforeAll(async () => {
  ws = path.join(tempDir(), 'ws');
  const r = await cli(
    'import',
    '--manifest',
    sampleManifest(),
    '--workspace',
    ws,
    '--project',
    'LIDC',
    '--json',
  );
  expect(r.code).toBe(0);
}, 120_000);

interface Pair {
  a: number;
  b: number;
  dice: number;
  jaccard: number;
  hausdorff: number | null;
  hd95: number | null;
  assd: number | null;
  surfaceDice: number | null;
  volumeA_ml: number;
}

describe('concord compare --workspace', () => {
  it('gives file mode numbers on the case annotations, naming each rater annotation and revision', async () => {
    const file = await cli('compare', ...lidc1Files, '--label', '1', '--tolerance', '2', '--json');
    const csv = path.join(tempDir(), 'cmp.csv');
    const r = await cli(
      'compare',
      '--workspace',
      ws,
      '--case',
      'LIDC-IDRI-0001',
      '--label',
      '1',
      '--tolerance',
      '2',
      '--csv',
      csv,
      '--json',
    );
    expect(r.code).toBe(0);
    const a = JSON.parse(file.stdout) as { pairs: Pair[]; fleissKappa: number };
    const b = JSON.parse(r.stdout) as {
      caseName: string;
      raters: { index: number; annotationId: number; revisionId: number; name: string; kind: string }[];
      masks: string[];
      pairs: Pair[];
      fleissKappa: number;
      versusConsensus: { method: string; raters: { sensitivity: number }[] }[];
      csv: string;
    };
    expect(b.caseName).toBe('LIDC-IDRI-0001');
    expect(b.raters.map((x) => [x.index, x.name, x.kind])).toEqual([
      [0, 'LIDC reader 1', 'manual'],
      [1, 'LIDC reader 2', 'manual'],
      [2, 'LIDC reader 3', 'manual'],
      [3, 'LIDC reader 4', 'manual'],
    ]);
    expect(b.raters.every((x) => x.revisionId > 0 && x.annotationId > 0)).toBe(true);
    expect(b.masks).toEqual(b.raters.map((x) => x.name));
    const strip = (p: Pair) => [
      p.a,
      p.b,
      p.dice,
      p.jaccard,
      p.hausdorff,
      p.hd95,
      p.assd,
      p.surfaceDice,
      p.volumeA_ml,
    ];
    expect(b.pairs.map(strip)).toEqual(a.pairs.map(strip));
    expect(b.fleissKappa).toBe(a.fleissKappa);
    expect(b.versusConsensus.map((v) => v.method)).toEqual(['vote', 'staple']);
    expect(b.csv).toBe(csv);
    const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(
      /^kind,label,a,b,raterA,raterB,annotationA,revisionA,.*,hausdorff_mm,.*,hd95_mm,/,
    );
    expect(lines).toHaveLength(1 + 6 + 4 + 4 + 1);
    expect(lines[1]).toMatch(/^pair,1,0,1,LIDC reader 1,LIDC reader 2,/);
  });

  it('takes the case by id, prints a table, and writes the CSV in file mode too', async () => {
    const w = openWorkspace(ws);
    const caseId = (
      w.db.prepare("SELECT id FROM cases WHERE name = 'LIDC-IDRI-0001'").get() as { id: number }
    ).id;
    w.close();
    const r = await cli('compare', '--workspace', ws, '--case', String(caseId), '--label', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rater 0: LIDC reader 1 \(annotation \d+, revision \d+\)/);
    const csv = path.join(tempDir(), 'files.csv');
    const f = await cli('compare', ...lidc1Files.slice(0, 2), '--csv', csv);
    expect(f.code).toBe(0);
    const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(3); // one pair, Fleiss
    expect(lines[1]).toContain(lidc1Files[0]!);
  });

  it('exits 2 with one line for an unknown case, fewer than 2 raters, an absent label, or mixed modes', async () => {
    const unknown = await cli('compare', '--workspace', ws, '--case', 'LIDC-IDRI-9999', '--json');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe(
      "concord: case 'LIDC-IDRI-9999' does not exist in this workspace (give a case id or name)\n",
    );
    const w = openWorkspace(ws);
    const one = (
      w.db.prepare("SELECT id FROM annotations WHERE kind = 'manual' ORDER BY id").get() as { id: number }
    ).id;
    w.close();
    const single = await cli(
      'compare',
      '--workspace',
      ws,
      '--case',
      'LIDC-IDRI-0001',
      '--annotations',
      String(one),
    );
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/needs at least 2 raters with a saved mask; .* has 1\n$/);
    const absent = await cli(
      'consensus',
      '--workspace',
      ws,
      '--case',
      'LIDC-IDRI-0001',
      '--method',
      'staple',
      '--label',
      '7',
    );
    expect(absent.code).toBe(2);
    expect(absent.stderr).toBe("concord: label 7 is in none of the raters' masks (labels present: 1)\n");
    const mixed = await cli('compare', lidc1Files[0]!, '--workspace', ws, '--case', 'LIDC-IDRI-0001');
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/not both/);
    const noWs = await cli('consensus', ...lidc1Files, '--method', 'vote', '--save');
    expect(noWs.code).toBe(2);
    expect(noWs.stderr).toMatch(/--save.* need --workspace and --case/);
    expect((await cli('compare', '--case', '1')).stderr).toMatch(/needs both --workspace <dir> and --case/);
  });

  it('takes the rater set by name with --raters, the same pair as file mode', async () => {
    const file = await cli('compare', lidc1Files[0]!, lidc1Files[2]!, '--label', '1', '--json');
    const r = await cli(
      'compare',
      '--workspace',
      ws,
      '--case',
      'LIDC-IDRI-0001',
      '--raters',
      'lidc reader 1,LIDC reader 3',
      '--label',
      '1',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { raters: { name: string }[]; pairs: { dice: number }[] };
    expect(out.raters.map((x) => x.name)).toEqual(['LIDC reader 1', 'LIDC reader 3']);
    expect(out.pairs[0]!.dice).toBe(
      (JSON.parse(file.stdout) as { pairs: { dice: number }[] }).pairs[0]!.dice,
    );
    const bad = await cli(
      'compare',
      '--workspace',
      ws,
      '--case',
      'LIDC-IDRI-0001',
      '--raters',
      'LIDC reader 1,Zed',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^concord: no annotation of volume \d+ is 'Zed' \(raters: LIDC reader 1 \(\d+\)/,
    );
    const both = await cli(
      'compare',
      '--workspace',
      ws,
      '--case',
      '1',
      '--raters',
      'a',
      '--annotations',
      '1',
    );
    expect(both.stderr).toMatch(/give one/);
  });
});

describe('concord consensus --workspace', () => {
  it("gives file mode's STAPLE, saves it with provenance, and the saved consensus is a rater only when asked", async () => {
    const file = JSON.parse(
      (await cli('consensus', ...lidc1Files, '--method', 'staple', '--json')).stdout,
    ) as {
      iterations: number;
      raters: { sensitivity: number; specificity: number }[];
      foregroundVoxels: number;
    };
    const out = path.join(tempDir(), 'staple.nii.gz');
    const r = await cli(
      'consensus',
      '--workspace',
      ws,
      '--case',
      'LIDC-IDRI-0001',
      '--method',
      'staple',
      '--save',
      '--out',
      out,
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      iterations: number;
      raters: { name: string; revisionId: number; sensitivity: number; specificity: number }[];
      foregroundVoxels: number;
      saved: { annotationId: number; revisionId: number };
      provenance: { inputRevisionIds: number[]; parameters: Record<string, unknown> };
    };
    expect(j.iterations).toBe(file.iterations);
    expect(j.foregroundVoxels).toBe(file.foregroundVoxels);
    expect(j.raters.map((x) => [x.sensitivity, x.specificity])).toEqual(
      file.raters.map((x) => [x.sensitivity, x.specificity]),
    );
    expect(j.provenance.inputRevisionIds).toEqual(j.raters.map((x) => x.revisionId));
    expect(fs.existsSync(out)).toBe(true);
    const w = openWorkspace(ws);
    try {
      const row = w.db
        .prepare('SELECT provenance_json AS p, author FROM annotation_revisions WHERE id = ?')
        .get(j.saved.revisionId) as {
        p: string;
        author: string;
      };
      expect(JSON.parse(row.p)).toMatchObject({
        method: 'STAPLE',
        inputRevisionIds: j.provenance.inputRevisionIds,
        parameters: { algorithm: 'staple', label: 1 },
      });
      expect(row.author).toMatch(/^local/);
    } finally {
      w.close();
    }
    const vote = await cli(
      'consensus',
      '--workspace',
      ws,
      '--case',
      'LIDC-IDRI-0001',
      '--method',
      'vote',
      '--ties',
      'background',
      '--include-derived',
      '--json',
    );
    expect(vote.code).toBe(0);
    const v = JSON.parse(vote.stdout) as { raters: { name: string }[]; saved: null };
    expect(v.raters.map((x) => x.name)).toEqual([
      'LIDC reader 1',
      'LIDC reader 2',
      'LIDC reader 3',
      'LIDC reader 4',
      'STAPLE',
    ]);
    expect(v.saved).toBeNull();
  });
});

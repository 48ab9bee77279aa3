// Loading the LIDC-IDRI crops and their majority-vote target, against ITK 5.2's LabelVoting counts in
// ../shared/data/lidc_idri_slices_4raters_png/itk_reference_fixtures_first40nodules.jsonl (strict
// majority: 3 or 4 of 4 raters; 2-2 ties counted apart). Needs ../shared/data (skipped, saying so, without).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { loadLidcSlices } from './lidc-slices';

const DATA = path.resolve(__dirname, '../../../../shared/data/lidc_idri_slices_4raters_png');
const BLOCK = path.join(DATA, 'fixtures_block_0001-0100');
const present = fs.existsSync(path.join(BLOCK, 'LIDC-IDRI-0001', 'nodule-0', 'images'));

interface ItkLine {
  nodule: string;
  slice: string;
  label_voting: { count_1: number; count_undecided: number };
}

test.skipIf(!present)(
  `LIDC-IDRI-0001 slices: vote target equals ITK LabelVoting (${present ? DATA : 'skipped: ../shared/data absent'})`,
  async () => {
    // A folder holding only patient 0001, linked from the shared data.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-lidc-'));
    fs.symlinkSync(path.join(BLOCK, 'LIDC-IDRI-0001'), path.join(dir, 'LIDC-IDRI-0001'));
    try {
      const strict = await loadLidcSlices(dir, 'background');
      const lenient = await loadLidcSlices(dir, 'foreground');
      const itk = fs
        .readFileSync(path.join(DATA, 'itk_reference_fixtures_first40nodules.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ItkLine)
        .filter((l) => l.nodule.includes('LIDC-IDRI-0001/'));
      expect(itk.length).toBeGreaterThan(3);
      for (const ref of itk) {
        const nodule = ref.nodule.split('/').pop()!;
        const slice = ref.slice.replace('.png', '');
        const find = (all: typeof strict): Uint8Array =>
          all.find((s) => s.nodule === nodule && s.slice === slice)!.target;
        const count = (t: Uint8Array): number => t.reduce((a, v) => a + v, 0);
        expect(count(find(strict))).toBe(ref.label_voting.count_1);
        expect(count(find(lenient))).toBe(ref.label_voting.count_1 + ref.label_voting.count_undecided);
      }
      // The raters' agreement (byte/255) agrees with both votes: 3 or 4 of 4 is the strict vote, 2 or
      // more the lenient one, and a byte takes only the five shares of four raters.
      for (const [k, s] of strict.entries()) {
        const a = s.agreement!;
        expect([...new Set(a)].filter((v) => ![0, 64, 128, 191, 255].includes(v))).toEqual([]);
        expect(Array.from(a, (v) => (v >= 191 ? 1 : 0))).toEqual(Array.from(s.target));
        expect(Array.from(a, (v) => (v >= 128 ? 1 : 0))).toEqual(Array.from(lenient[k]!.target));
      }
      const s0 = strict[0]!;
      expect([s0.patient, s0.width, s0.height, s0.image.length]).toEqual([
        'LIDC-IDRI-0001',
        128,
        128,
        128 * 128,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

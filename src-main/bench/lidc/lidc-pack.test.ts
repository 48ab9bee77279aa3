// The compact LIDC pack: what is read back equals what was written (images through the predictor filter,
// votes through bit packing, the raters' agreement as bytes), a damaged file is refused, and on the shared
// data the pack of LIDC-IDRI-0001 equals the loader's images, majority votes and agreement (skipped, saying so, without ../shared/data).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { InputError } from '../../core/errors';
import { SeededRandom } from '../../training/model/seeded-random';
import { isLidcPack, PACK_FILE, readLidcPack, writeLidcPack } from './lidc-pack';
import { loadLidcSlices, type SliceSample } from './lidc-slices';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-pack-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function synthetic(n: number, w: number, h: number): SliceSample[] {
  const r = new SeededRandom(8);
  return Array.from({ length: n }, (_, k) => ({
    patient: `LIDC-IDRI-${String(k % 3).padStart(4, '0')}`,
    nodule: 'nodule-0',
    slice: `slice-${k}`,
    width: w,
    height: h,
    // Edges and extremes: 0, 255 and noise, so the mod-256 residuals wrap both ways.
    image: Uint8Array.from({ length: w * h }, (_, i) => (i % 7 === 0 ? 255 : i % 5 === 0 ? 0 : r.int(256))),
    target: Uint8Array.from({ length: w * h }, () => (r.next() < 0.3 ? 1 : 0)),
    ratersMarking: k % 5,
  }));
}

test('a pack reads back exactly what was written; a damaged one is refused', () => {
  const s = synthetic(5, 13, 7); // 455 pixels a slice: bits cross byte boundaries between slices
  const w = writeLidcPack(s, dir, { ties: 'background', source: 'synthetic' });
  expect(w.slices).toBe(5);
  expect(isLidcPack(dir)).toBe(true);
  const back = readLidcPack(dir);
  expect(back.header.ties).toBe('background');
  expect(back.samples).toEqual(s);
  expect(back.header.version).toBe(1);
  // Version 2: with every slice's agreement (and its raters), read back too; a smaller pack is still v1.
  const agreed = s.map((x) => ({
    ...x,
    agreement: Uint8Array.from(x.image, (v) => [0, 64, 128, 191, 255][v % 5]!),
    raters: 4,
  }));
  writeLidcPack(agreed, path.join(dir, 'v2'), { ties: 'background', source: 'synthetic' });
  const v2 = readLidcPack(path.join(dir, 'v2'));
  expect(v2.header.version).toBe(2);
  expect(v2.header.raters).toBe(4);
  expect(v2.samples).toEqual(agreed);
  const file = path.join(dir, PACK_FILE);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 3]! ^= 0xff;
  fs.writeFileSync(path.join(dir, 'bad.pack'), bytes);
  expect(() => readLidcPack(path.join(dir, 'bad.pack'))).toThrow(InputError);
  fs.writeFileSync(path.join(dir, 'not.pack'), 'hello');
  expect(() => readLidcPack(path.join(dir, 'not.pack'))).toThrow(/not a Concord LIDC pack/);
});

const DATA = path.resolve(__dirname, '../../../../shared/data/lidc_idri_slices_4raters_png');
const P1 = path.join(DATA, 'fixtures_block_0001-0100', 'LIDC-IDRI-0001');
const present = fs.existsSync(path.join(P1, 'nodule-0', 'images'));

test.skipIf(!present)(
  `LIDC-IDRI-0001: the pack equals the loader's images and votes (${present ? DATA : 'skipped: ../shared/data absent'})`,
  async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-lidc-'));
    fs.symlinkSync(P1, path.join(src, 'LIDC-IDRI-0001'));
    try {
      const slices = await loadLidcSlices(src, 'background');
      writeLidcPack(slices, path.join(dir, 'real'), { ties: 'background', source: 'LIDC-IDRI-0001' });
      const back = readLidcPack(path.join(dir, 'real'));
      expect(back.samples.length).toBe(slices.length);
      expect(back.samples).toEqual(slices);
      expect(back.samples.some((s) => s.target.some((v) => v === 1))).toBe(true);
      expect(back.header.version).toBe(2);
      expect(back.samples.some((s) => s.agreement!.some((v) => v === 64))).toBe(true);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  },
);

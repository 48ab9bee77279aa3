// `concord masks import rtstruct.dcm`: an RTSTRUCT made here with pydicom over the real 3-slice CT of
// dcmqi's test data (a concave star, an L shape, a triangle, a square with a square hole; two ROIs), its
// contours rasterised and checked against plastimatch's rasterisation of the same file (--xor-contours:
// a contour inside another is a hole, as Concord's even-odd rule). Refusals change nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sameGrid } from '../../core/metrics/grid';
import { listLabels } from '../../db/repositories/labels';
import { getRevision } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import { readNifti } from '../../io/nifti/read';
import { MaskStore } from '../../services/masks/mask-store';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const PYTHON = '/usr/bin/python3';
const PLASTIMATCH = '/usr/bin/plastimatch';
const HAVE_TOOLS = fs.existsSync(PYTHON) && fs.existsSync(PLASTIMATCH);
const CT3 = testData('dcmqi_ct3slice_seg', 'data', 'segmentations', 'ct-3slice');
const MAKER = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  '..',
  'io',
  'rtstruct',
  'test-support',
  'make_rtstruct.py',
);

/** Pixel coordinates (column, row) on slices 0..2 (by z, ascending). Vertices sit off pixel centres. */
const SPEC = {
  rois: [
    {
      name: 'Lesion',
      color: [255, 0, 0],
      contours: [
        {
          // a five-pointed star: concave
          slice: 0,
          points: [
            [256.3, 180.2],
            [275.1, 235.7],
            [333.4, 236.2],
            [286.6, 270.9],
            [304.2, 327.3],
            [256.3, 293.1],
            [208.5, 327.6],
            [226.2, 270.4],
            [179.3, 236.4],
            [237.6, 235.1],
          ],
        },
        {
          // an L: concave
          slice: 1,
          points: [
            [150.2, 150.3],
            [230.7, 150.1],
            [230.4, 190.6],
            [190.3, 190.2],
            [190.1, 260.8],
            [150.4, 260.5],
          ],
        },
      ],
    },
    {
      name: 'Vessel',
      color: [0, 128, 255],
      contours: [
        {
          slice: 1,
          points: [
            [330.2, 120.4],
            [400.7, 140.3],
            [350.6, 200.9],
          ],
        },
        {
          slice: 2,
          points: [
            [320.3, 320.2],
            [380.6, 320.7],
            [380.1, 380.4],
            [320.8, 380.9],
          ],
        },
        // inside the square above: a hole
        {
          slice: 2,
          points: [
            [340.4, 340.3],
            [360.6, 340.2],
            [360.3, 360.7],
            [340.2, 360.4],
          ],
        },
      ],
    },
  ],
};

function makeRtStruct(dir: string, name: string, spec: object): string {
  const specFile = path.join(dir, `${name}.json`);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const out = path.join(dir, `${name}.dcm`);
  execFileSync(PYTHON, [MAKER, CT3, out, specFile], { stdio: 'pipe' });
  return out;
}

function importRt(ws: string, file: string, ...extra: string[]) {
  return cli(
    'masks',
    'import',
    file,
    '--workspace',
    ws,
    '--volume',
    '1',
    '--annotator',
    'Dosimetrist',
    ...extra,
  );
}

function counts(ws: string) {
  const w = openWorkspace(ws);
  const n = (t: string) => (w.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const out = {
    revisions: n('annotation_revisions'),
    labels: n('labels'),
    audit: n('audit_log'),
    blobs: n('blobs'),
  };
  w.close();
  return out;
}

describe.runIf(HAVE_TOOLS)(
  'RTSTRUCT import against plastimatch (needs /usr/bin/python3 with pydicom, plastimatch)',
  () => {
    let dir: string;
    let ws: string;
    let rtstruct: string;
    beforeAll(async () => {
      dir = tempDir();
      ws = path.join(dir, 'ws');
      const r = await cli('import', CT3, '--workspace', ws, '--project', 'RT', '--json');
      expect(r.code).toBe(0);
      rtstruct = makeRtStruct(dir, 'rs', SPEC);
    }, 60_000);

    it('rasterises each ROI like plastimatch does (voxel centres, even-odd)', async () => {
      const r = await importRt(ws, rtstruct, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as {
        revisionId: number;
        rois: { name: string; label: number; voxels: number; contours: number }[];
      };
      // 'Lesion' is the project's first label already; 'Vessel' is new, with the ROI's name and colour.
      expect(out.rois.map((x) => [x.name, x.label, x.contours])).toEqual([
        ['Lesion', 1, 2],
        ['Vessel', 2, 3],
      ]);

      const peer = path.join(dir, 'plastimatch');
      execFileSync(
        PLASTIMATCH,
        [
          'convert',
          '--input',
          rtstruct,
          '--referenced-ct',
          CT3,
          '--xor-contours',
          '--output-prefix',
          peer,
          '--prefix-format',
          'nii.gz',
        ],
        { stdio: 'pipe' },
      );
      const w = openWorkspace(ws);
      try {
        const volume = getVolume(w.db, 1)!;
        const labels = await new MaskStore(w).decodeRevision(getRevision(w.db, out.revisionId)!, volume.dims);
        expect(listLabels(w.db, volume.id).find((l) => l.value === 2)).toMatchObject({
          name: 'Vessel',
          color: '#0080ff',
        });
        const report: string[] = [];
        for (const roi of out.rois) {
          const theirs = await readNifti(path.join(peer, `${roi.name}.nii.gz`));
          expect(sameGrid({ dims: volume.dims, affineLPS: volume.affineLPS }, theirs.geometry).same).toBe(
            true,
          );
          let both = 0;
          let ours = 0;
          let them = 0;
          for (let v = 0; v < labels.length; v++) {
            const a = labels[v] === roi.label;
            const b = theirs.data[v] !== 0;
            if (a) ours++;
            if (b) them++;
            if (a && b) both++;
          }
          const dice = (2 * both) / (ours + them);
          const differ = ours + them - 2 * both;
          report.push(
            `${roi.name}: ours ${ours}, plastimatch ${them}, Dice ${dice.toFixed(5)}, ${differ} voxels differ`,
          );
          expect(ours).toBe(roi.voxels);
          expect(dice).toBeGreaterThanOrEqual(0.999);
          expect(differ).toBeLessThanOrEqual(2);
        }
        console.log(report.join('\n'));
      } finally {
        w.close();
      }
    });

    it('refuses an RTSTRUCT drawn on a series not in the workspace, and overlapping ROIs, changing nothing', async () => {
      const before = counts(ws);
      const other = makeRtStruct(dir, 'other', { ...SPEC, series_uid: '1.2.826.0.1.3680043.8.498.1' });
      const r = await importRt(ws, other);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /drawn on series 1\.2\.826\.0\.1\.3680043\.8\.498\.1, which is not in this workspace/,
        ),
      ]);
      // Naming no series, the Frame of Reference decides: another one is refused, the volume's is taken.
      const otherFrame = makeRtStruct(dir, 'frame', {
        ...SPEC,
        no_series: true,
        frame_of_reference: '1.2.3.4',
      });
      const f = await importRt(ws, otherFrame);
      expect([f.code, f.stderr.trim()]).toEqual([
        2,
        expect.stringMatching(
          /names no image series, and its Frame of Reference \(1\.2\.3\.4\) is not volume 1's$/,
        ),
      ]);
      const sameFrame = makeRtStruct(dir, 'same-frame', { ...SPEC, no_series: true });
      expect(counts(ws)).toEqual(before);
      const s = await importRt(ws, sameFrame, '--json');
      expect(s.code).toBe(0);
      // The same contours as the first import: the annotator's head already (nothing new stored).
      expect((JSON.parse(s.stdout) as { unchanged: boolean }).unchanged).toBe(true);
      const after = counts(ws);
      const overlapping = makeRtStruct(dir, 'overlap', {
        rois: [
          SPEC.rois[0]!,
          {
            name: 'Body',
            color: [0, 255, 0],
            contours: [
              {
                slice: 0,
                points: [
                  [100, 100],
                  [400, 100],
                  [400, 400],
                  [100, 400],
                ],
              },
            ],
          },
        ],
      });
      const o = await importRt(ws, overlapping);
      expect([o.code, o.stderr.trim()]).toEqual([
        2,
        expect.stringMatching(/ROIs 'Lesion' and 'Body' overlap .*--roi$/),
      ]);
      expect(counts(ws)).toEqual(after);
      const one = await importRt(ws, overlapping, '--roi', 'Body', '--json');
      expect(one.code).toBe(0);
      expect((JSON.parse(one.stdout) as { rois: { voxels: number }[] }).rois[0]!.voxels).toBe(300 * 300);
      const unknown = await importRt(ws, overlapping, '--roi', 'Liver');
      expect([unknown.code, unknown.stderr.trim()]).toEqual([
        2,
        expect.stringMatching(/no ROI named 'Liver'/),
      ]);
    });
  },
);

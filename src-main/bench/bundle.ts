// `concord bench bundle [--json] [--raters N] [--revisions N] [--keep]`: exporting and importing a bundle
// (services/exchange) of one 512x512x300 int16 CT case with 4 raters' histories of 50 revisions each, as a
// review bundle with the image and as one without it (the receiver already has the image). Each rater's
// first revision is a whole mask (an organ and nodules, shifted per rater, saved as a snapshot), the other
// 49 are brush dabs and a few larger edits committed through the app's MaskStore (stored as deltas over
// periodic snapshots, as the app stores them). Export: collecting the rows, signing, writing the tar.
// Import into an empty workspace, phases as importBundle reports them: "verifying" is the one read of the
// bundle (signature, every member's checksum; the blobs the receiver lacks written to temp files as they
// are hashed), "copying" moves those files into the blob store (fsync, rename), "recording" the rows in one
// transaction. Wall times in ms, sizes in bytes;
// the machine's load average is reported beside them, since this machine is shared.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Vec3 } from '../core/geometry/affine';
import { identity4 } from '../core/geometry/affine';
import { insertManualAnnotation } from '../db/repositories/annotations';
import { insertAnnotator } from '../db/repositories/annotators';
import { upsertLabel } from '../db/repositories/labels';
import { writeNifti } from '../io/nifti/write';
import { exportBundle } from '../services/exchange/export-bundle';
import { importBundle } from '../services/exchange/import-bundle';
import { MaskStore } from '../services/masks/mask-store';
import { importVolumes } from '../services/workspace/import-volumes';
import { openWorkspace } from '../workspace/workspace';
import { parseArgs, optionString, positiveInt } from '../host/cli/args';
import { printJson } from '../host/cli/output';
import { ctPhantom } from './phantom';

const DIMS: Vec3 = [512, 512, 300];

function ellipsoid(mask: Uint8Array, c: Vec3, r: Vec3, label: number): void {
  const [nx, ny, nz] = DIMS;
  for (let k = Math.max(0, c[2] - r[2]); k <= Math.min(nz - 1, c[2] + r[2]); k++)
    for (let j = Math.max(0, c[1] - r[1]); j <= Math.min(ny - 1, c[1] + r[1]); j++)
      for (let i = Math.max(0, c[0] - r[0]); i <= Math.min(nx - 1, c[0] + r[0]); i++) {
        const d = ((i - c[0]) / r[0]) ** 2 + ((j - c[1]) / r[1]) ** 2 + ((k - c[2]) / r[2]) ** 2;
        if (d <= 1) mask[i + j * nx + k * nx * ny] = label;
      }
}

/** Rater `n`'s first mask: an organ and four nodules, a few voxels off the other raters'. */
function raterMask(n: number): Uint8Array {
  const mask = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
  const s = n * 2;
  ellipsoid(mask, [330 + s, 260, 150], [80 + n, 60, 50], 2);
  ellipsoid(mask, [120, 200 + s, 60], [5, 5, 5], 1);
  ellipsoid(mask, [150, 320, 120 + s], [10, 10, 8], 1);
  ellipsoid(mask, [380 + s, 140, 200], [20, 18, 16], 1);
  ellipsoid(mask, [200, 150 + s, 240], [35 + n, 30, 25], 1);
  return mask;
}

/** Edit `e` of a rater: mostly brush dabs (11^3), every tenth a larger 3D edit (60x60x20). */
function editPatch(
  rater: number,
  e: number,
): { box: [number, number, number, number, number, number]; data: Uint8Array } {
  const big = e % 10 === 0;
  const size: Vec3 = big ? [60, 60, 20] : [11, 11, 11];
  const c: Vec3 = [
    100 + ((e * 37 + rater * 11) % 300),
    100 + ((e * 53 + rater * 7) % 300),
    20 + ((e * 17) % 250),
  ];
  const data = new Uint8Array(size[0] * size[1] * size[2]).fill(1);
  return { box: [c[0], c[0] + size[0], c[1], c[1] + size[1], c[2], c[2] + size[2]], data };
}

export async function runBenchBundle(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['raters', 'revisions'], flags: ['json', 'keep'] });
  const raters = positiveInt(optionString(args, 'raters') ?? '4', '--raters');
  const revisions = positiveInt(optionString(args, 'revisions') ?? '50', '--revisions');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-bundle-'));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  try {
    const image = path.join(dir, 'ct.nii');
    const affine = identity4();
    affine[0] = 0.7;
    affine[5] = 0.7;
    affine[10] = 1.25;
    await writeNifti(image, {
      geometry: { dims: DIMS, affineLPS: affine },
      scalarType: 'int16',
      data: ctPhantom(DIMS),
      frames: 1,
      rescale: { slope: 1, intercept: -1024 },
      source: { format: 'nifti', files: [], description: 'bench CT' },
    });
    const sender = openWorkspace(path.join(dir, 'sender'));
    const imported = await importVolumes(
      sender,
      { jobId: 'bench', source: { kind: 'paths', paths: [image] }, projectName: 'Bench', caseName: 'CT' },
      'bench',
      () => undefined,
    );
    const volumeId = imported.volumes[0]!.id;
    const store = new MaskStore(sender);
    const at = new Date().toISOString();
    const annotationIds = sender.db.transaction(() => {
      upsertLabel(sender.db, {
        projectId: imported.projectId,
        value: 2,
        name: 'Organ',
        color: '#00c000',
        visible: true,
        opacity: 0.5,
      });
      return Array.from({ length: raters }, (_, n) => {
        const id = insertAnnotator(
          sender.db,
          { name: `Rater ${n + 1}`, role: 'annotator', passwordHash: null },
          at,
        );
        return insertManualAnnotation(sender.db, volumeId, id, at);
      });
    })();
    log(`bench bundle: saving ${raters} x ${revisions} revisions of a ${DIMS.join('x')} mask…`);
    for (const [n, annotationId] of annotationIds.entries()) {
      let head = (
        await store.commitMask({
          annotationId,
          parentRevisionId: null,
          labels: raterMask(n),
          tool: 'import',
          author: `Rater ${n + 1}`,
        })
      ).id;
      for (let e = 1; e < revisions; e++) {
        head = (
          await store.commitPatch({
            annotationId,
            parentRevisionId: head,
            patch: editPatch(n, e),
            tool: 'brush',
            author: `Rater ${n + 1}`,
          })
        ).id;
      }
    }
    const storage = sender.db
      .prepare('SELECT storage, count(*) AS n FROM annotation_revisions GROUP BY storage ORDER BY storage')
      .all() as { storage: string; n: number }[];

    const results: Record<string, unknown> = {};
    for (const images of [true, false]) {
      const file = path.join(dir, `review-${images ? 'with' : 'without'}-images.concord-bundle`);
      const loadBefore = os.loadavg()[0]!;
      let t = performance.now();
      const ex = await exportBundle(sender, { kind: 'review', project: 'Bench', images }, file, 'bench');
      const exportMs = performance.now() - t;
      // The receiver: empty, or holding the same image already (matched by checksum).
      const receiver = openWorkspace(path.join(dir, `receiver-${images}`));
      if (!images) {
        await importVolumes(
          receiver,
          { jobId: 'r', source: { kind: 'paths', paths: [image] }, projectName: 'Bench', caseName: 'CT' },
          'bench',
          () => undefined,
        );
      }
      const phases: Record<string, number> = {};
      let phaseStart = performance.now();
      let phase = 'verifying';
      t = performance.now();
      const im = await importBundle(receiver, file, {
        actor: 'bench',
        trust: true,
        progress: (p) => {
          if (p !== phase) {
            phases[phase] = Math.round(performance.now() - phaseStart);
            phase = p;
            phaseStart = performance.now();
          }
        },
      });
      const importMs = performance.now() - t;
      receiver.close();
      results[images ? 'withImages' : 'withoutImages'] = {
        bundleBytes: ex.bytes,
        members: ex.members,
        revisions: ex.revisions,
        exportMs: Math.round(exportMs),
        importMs: Math.round(importMs),
        importPhasesMs: phases,
        revisionsAdded: im.revisionsAdded,
        loadAverage1m: [Math.round(loadBefore * 100) / 100, Math.round(os.loadavg()[0]! * 100) / 100],
      };
      log(
        `bench bundle: ${images ? 'with' : 'without'} images: ${JSON.stringify(results[images ? 'withImages' : 'withoutImages'])}`,
      );
    }
    sender.close();
    const out = {
      dims: DIMS,
      scalarType: 'int16',
      raters,
      revisionsPerRater: revisions,
      storedRevisions: storage,
      ...results,
      cpus: os.cpus().length,
      targetMs: 10_000,
    };
    if (args.options.has('json')) printJson(out);
    else process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } finally {
    if (args.options.has('keep')) log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

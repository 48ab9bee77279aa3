// For training tests: the trainer entry bundled with esbuild (as the build bundles it) and a workspace
// with a small synthetic CT project. Each case is a 32x32x6 int16 volume (HU: -800 background) with a
// bright disc (+40 HU) on slices 1..4; three annotators drew the disc with radius r-1, r and r+1, so the
// majority vote is the radius-r disc. Case names C0..C{n-1}; `extra` cases have a volume but no masks.
// With `twoLabels`, each volume also has a darker square (-300 HU) on the same slices, which every
// annotator marks with label 2 (the disc stays label 1): a project of two labels.
import path from 'node:path';
import { build } from 'esbuild';
import type { Vec3 } from '../../core/geometry/affine';
import { identity4 } from '../../core/geometry/affine';
import type { ImageVolume } from '../../core/volume/types';
import { getCase } from '../../db/repositories/reviews';
import { writeNifti } from '../../io/nifti/write';
import { createServices, type Services } from '../create-services';
import { openWorkspace } from '../../workspace/workspace';
import { importVolumes } from '../workspace/import-volumes';
import { recordImportedMask } from '../masks/mask-import';
import { storeMaskBlob } from '../masks/mask-store';
import { forkLauncher, type TrainerLauncher } from '../training/trainer-launcher';

export const DIMS: Vec3 = [32, 32, 6];

let bundled: Promise<string> | undefined;

/** Bundles trainer-main.ts once per test file into `dir`. */
export function bundleTrainer(dir: string): Promise<string> {
  bundled ??= (async () => {
    const outfile = path.join(dir, 'trainer.mjs');
    await build({
      entryPoints: [path.join(import.meta.dirname, '..', '..', 'training', 'process', 'trainer-main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
      // tfjs's ES modules everywhere: the training code imports tfjs-core's ESM files (gradients), and a
      // CommonJS copy beside them would be a second tfjs engine without the backends.
      mainFields: ['module', 'main'],
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    return outfile;
  })();
  return bundled;
}

function disc(r: number, cx: number, cy: number, fill: number, bg: number, slices: [number, number]) {
  const [nx, ny, nz] = DIMS;
  const out = new Int16Array(nx * ny * nz).fill(bg);
  for (let k = slices[0]; k <= slices[1]; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if ((i - cx) ** 2 + (j - cy) ** 2 <= r * r) out[i + j * nx + k * nx * ny] = fill;
  return out;
}

export interface TrainingFixture {
  services: Services;
  dir: string;
  wsDir: string;
  projectId: number;
  /** Volume id per case name. */
  volumes: Map<string, number>;
  launcher: TrainerLauncher;
  trainerFile: string;
}

/** The square of label 2 (i and j in SQUARE..SQUARE+5, slices 1..4), clear of every case's disc. */
const SQUARE = [24, 2] as const;

function withSquare(data: Int16Array, value: number): Int16Array {
  const [nx, ny] = DIMS;
  for (let k = 1; k <= 4; k++)
    for (let j = SQUARE[1]; j < SQUARE[1] + 6; j++)
      for (let i = SQUARE[0]; i < SQUARE[0] + 6; i++) data[i + j * nx + k * nx * ny] = value;
  return data;
}

export async function trainingFixture(
  dir: string,
  cases = 6,
  extra = 0,
  twoLabels = false,
): Promise<TrainingFixture> {
  const trainerFile = await bundleTrainer(dir);
  const launcher = forkLauncher(trainerFile);
  const wsDir = path.join(dir, `ws-${Math.random().toString(36).slice(2)}`);
  const ws = openWorkspace(wsDir);
  const services = createServices(ws, { host: 'web', launchTrainer: launcher });
  const volumes = new Map<string, number>();
  let projectId = 0;
  for (let c = 0; c < cases + extra; c++) {
    const r = 4 + (c % 4);
    const cx = 12 + (c % 3) * 3;
    const cy = 14 + (c % 2) * 4;
    const affine = identity4();
    affine[0] = 0.7;
    affine[5] = 0.7;
    affine[10] = 2.5;
    const volume: ImageVolume = {
      geometry: { dims: DIMS, affineLPS: affine },
      scalarType: 'int16',
      data: twoLabels
        ? withSquare(disc(r, cx, cy, 40 + 1024, -800 + 1024, [1, 4]), -300 + 1024)
        : disc(r, cx, cy, 40 + 1024, -800 + 1024, [1, 4]),
      frames: 1,
      rescale: { slope: 1, intercept: -1024 },
      source: { format: 'nifti', files: [], description: `C${c}` },
    };
    const file = path.join(dir, `${path.basename(wsDir)}-C${c}.nii`);
    await writeNifti(file, volume);
    const s = await importVolumes(
      ws,
      {
        jobId: `C${c}`,
        source: { kind: 'paths', paths: [file] },
        projectName: 'Synthetic',
        caseName: `C${c}`,
      },
      'test',
      () => undefined,
    );
    projectId = s.projectId;
    const volumeId = s.volumes[0]!.id;
    volumes.set(`C${c}`, volumeId);
    if (c >= cases) continue;
    for (const [a, dr] of [
      ['Ann', -1],
      ['Bob', 0],
      ['Cem', 1],
    ] as const) {
      const drawn = disc(r + dr, cx, cy, 1, 0, [1, 4]);
      const labels = Uint8Array.from(twoLabels ? withSquare(drawn, 2) : drawn);
      const { blob, counts } = await storeMaskBlob(ws, labels, DIMS);
      ws.db.transaction(() =>
        recordImportedMask(ws.db, {
          volumeId,
          projectId: getCase(ws.db, s.volumes[0]!.caseId)!.projectId,
          annotatorName: a,
          blob,
          counts,
          provenance: { source: 'test' },
          actor: 'test',
          at: new Date().toISOString(),
        }),
      )();
    }
  }
  return { services, dir, wsDir, projectId, volumes, launcher, trainerFile };
}

/** A small, fast run: 2-level U-Net with 4 base filters on 16x16 crops, one CPU thread; a single network
 *  (no ensemble) whose validated weights are stored (no refit: refit.test.ts and recipe.test.ts train it). */
export const SMALL = {
  levels: 2,
  base: 4,
  cropSize: 16,
  batchSize: 4,
  backend: 'cpu',
  threads: 1,
  members: 1,
  refit: false,
} as const;

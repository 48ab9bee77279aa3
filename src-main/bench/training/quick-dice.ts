// What the quick draft costs in Dice: one U-Net trained on the LIDC-IDRI nodule crops (training patients),
// then each held-out nodule's slices stacked into a volume (128 x 128 x slices, in the order their names
// number them) and run through the full inference (engine/infer-volume.ts) and the quick one
// (engine/quick-infer.ts) with the same weights; Dice against the 4 raters' majority vote, pooled over all
// held-out voxels (empty slices included), and per patient. The crops lie inside the chest, so the quick
// path runs here without the body's box: its cost on them is the reduced scale alone.
import { NNUNET_2D_DEFAULTS } from '../../training/augment/augment-config';
import { splitByPatient } from '../../training/data/patient-split';
import { normalisationOf, sliceBatches, type Normalisation } from '../../training/data/slice-batches';
import { diceOf, type DiceCounts } from '../../training/engine/evaluate';
import { inferVolume } from '../../training/engine/infer-volume';
import { inferVolumeQuick, QUICK_SCALE } from '../../training/engine/quick-infer';
import { trainLoop } from '../../training/engine/train-loop';
import { SeededRandom } from '../../training/model/seeded-random';
import { UNet } from '../../training/model/unet';
import { REFERENCE_UNET, type UNetConfig } from '../../training/model/unet-config';
import type { SliceSample } from '../lidc/lidc-slices';

export interface QuickDiceOptions {
  samples: SliceSample[];
  seed: number;
  /** Epochs over `trainSlices` slices (seeded subset of the training patients' slices). */
  epochs: number;
  trainSlices: number;
  /** Wall-clock budget for training (seconds): fewer epochs when it runs out (train-loop.ts). */
  budgetSeconds?: number;
  /** Training windows' side (whole slices are 128). */
  patch: number;
  batchSize: number;
  scale?: number;
  /** The network (default the reference U-Net). */
  config?: UNetConfig;
  log?: (line: string) => void;
}

export interface QuickDiceResult {
  config: UNetConfig;
  trainPatients: number;
  validationPatients: string[];
  trainImages: number;
  epochs: number;
  trainingSeconds: number;
  volumes: number;
  voxels: number;
  scale: number;
  full: { pooledDice: number; perPatient: Record<string, number>; seconds: number };
  quick: { pooledDice: number; perPatient: Record<string, number>; seconds: number };
}

function numberOf(name: string): number {
  const m = /(\d+)\D*$/.exec(name);
  return m ? Number(m[1]) : 0;
}

/** Each nodule's slices as one volume: z-scored images (the training normalisation), vote targets. */
export function noduleVolumes(
  samples: SliceSample[],
  norm: Normalisation,
): { patient: string; dims: [number, number, number]; data: Float32Array; target: Uint8Array }[] {
  const groups = new Map<string, SliceSample[]>();
  for (const s of samples) {
    const key = `${s.patient}/${s.nodule}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((g) => {
    const sorted = [...g].sort((a, b) => numberOf(a.slice) - numberOf(b.slice));
    const { width: nx, height: ny } = sorted[0]!;
    const n = nx * ny;
    const data = new Float32Array(n * sorted.length);
    const target = new Uint8Array(n * sorted.length);
    sorted.forEach((s, k) => {
      for (let p = 0; p < n; p++) data[k * n + p] = (s.image[p]! - norm.mean) / norm.std;
      target.set(s.target, k * n);
    });
    return { patient: sorted[0]!.patient, dims: [nx, ny, sorted.length], data, target };
  });
}

function accumulate(c: DiceCounts, labels: Uint8Array, target: Uint8Array): void {
  for (let p = 0; p < labels.length; p++) {
    const a = labels[p] ? 1 : 0;
    const b = target[p] ? 1 : 0;
    c.intersection += a * b;
    c.predicted += a;
    c.reference += b;
  }
}

export async function quickDiceComparison(o: QuickDiceOptions): Promise<QuickDiceResult> {
  const log = o.log ?? (() => undefined);
  const scale = o.scale ?? QUICK_SCALE;
  const split = splitByPatient(o.samples, 0.2, o.seed);
  const train = new SeededRandom(o.seed).shuffle([...split.train]).slice(0, o.trainSlices);
  const norm = normalisationOf(train);
  const model = UNet.create(o.config ?? REFERENCE_UNET, o.seed);
  try {
    const batches = sliceBatches(train, {
      batchSize: o.batchSize,
      seed: o.seed,
      augment: true,
      norm,
      augmentation: NNUNET_2D_DEFAULTS,
      foregroundFraction: 0.5,
      patch: o.patch,
    });
    const trained = await trainLoop(model, batches, {
      epochs: o.epochs,
      learningRate: 1e-3,
      ...(o.budgetSeconds !== undefined ? { budgetSeconds: o.budgetSeconds } : {}),
      onProgress: (p) => {
        if (p.kind === 'epoch' || p.batch % 20 === 0)
          log(
            `training: epoch ${p.epoch + 1}/${p.epochs}, batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(3)}, ${p.imagesPerSecond.toFixed(1)} images/s`,
          );
      },
    });
    trained.optimizer.dispose();
    log(
      `trained ${trained.epochs.length} epochs (${trained.images} images) in ${trained.seconds.toFixed(0)} s`,
    );
    const volumes = noduleVolumes(split.validation, norm);
    const run = async (quick: boolean) => {
      const counts: DiceCounts = { intersection: 0, predicted: 0, reference: 0 };
      const perPatient = new Map<string, DiceCounts>();
      const t0 = performance.now();
      for (const v of volumes) {
        const r = quick
          ? await inferVolumeQuick(model, v, { scale, batchSize: 8 })
          : await inferVolume(model, v, { batchSize: 8 });
        accumulate(counts, r.labels, v.target);
        const pc = perPatient.get(v.patient) ?? { intersection: 0, predicted: 0, reference: 0 };
        accumulate(pc, r.labels, v.target);
        perPatient.set(v.patient, pc);
      }
      const seconds = (performance.now() - t0) / 1000;
      const out = {
        pooledDice: diceOf(counts),
        perPatient: Object.fromEntries(
          [...perPatient].map(([p, c]) => [p, Math.round(diceOf(c) * 1000) / 1000]),
        ),
        seconds,
      };
      log(
        `${quick ? 'quick' : 'full'} inference: pooled Dice ${out.pooledDice.toFixed(3)} (${seconds.toFixed(1)} s)`,
      );
      return out;
    };
    const full = await run(false);
    const quick = await run(true);
    return {
      config: o.config ?? REFERENCE_UNET,
      trainPatients: new Set(split.train.map((s) => s.patient)).size,
      validationPatients: split.validationPatients,
      trainImages: trained.images,
      epochs: trained.epochs.length,
      trainingSeconds: trained.seconds,
      volumes: volumes.length,
      voxels: volumes.reduce((a, v) => a + v.target.length, 0),
      scale,
      full,
      quick,
    };
  } finally {
    model.dispose();
  }
}

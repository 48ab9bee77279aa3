// Inference speed of a U-Net over CT slices (default: the reference network, 4 levels, base 16, on
// 512x512 slices), in slices per second through inferVolume (normalised input, batched forward passes,
// labels and entropy written back in the volume's layout: the whole per-slice work of an AI draft).
// The volume is synthetic (a body ellipse of soft tissue with two lungs and noise, in HU, normalised with
// the lung window): speed does not depend on the content, except in the quick path (engine/quick-infer.ts),
// whose body box depends on it: `volume` gives a real one instead. Warm-up batches are not timed.
import { normaliseVolume, CT_LUNG_WINDOW } from '../../training/data/normalise';
import { inferVolume, type InferVolumeOptions } from '../../training/engine/infer-volume';
import { inferVolumeQuick, type PlaneBox } from '../../training/engine/quick-infer';
import { SeededRandom } from '../../training/model/seeded-random';
import { UNet } from '../../training/model/unet';
import { paramCount, REFERENCE_UNET, type UNetConfig } from '../../training/model/unet-config';

export interface InferBenchOptions {
  size: number;
  slices: number;
  batchSize: number;
  warmupSlices: number;
  config?: UNetConfig;
  seed: number;
  log?: (line: string) => void;
  /** A normalised volume to run on (size x size x slices) instead of the synthetic one. */
  volume?: Float32Array;
  /** The quick draft's path: reduced scale, and the body's box above this normalised value. */
  quick?: { scale: number; bodyThreshold: number };
}

export interface InferBenchResult {
  size: number;
  slices: number;
  batchSize: number;
  params: number;
  config: UNetConfig;
  seconds: number;
  slicesPerSecond: number;
  /** 2 * multiply-adds of the convolutions per slice, in GFLOP (what the figure means in compute). */
  gflopPerSlice: number;
  meanEntropyBits: number;
  /** The quick path's body box and reduced grid (null: full inference). */
  quick: { scale: number; box: PlaneBox; reduced: [number, number] } | null;
}

/** Convolution FLOPs (2 per multiply-add) of one forward pass on a size x size slice. */
export function forwardGflop(c: UNetConfig, size: number): number {
  let flops = 0;
  const ch = (i: number): number => c.base * 2 ** i;
  for (let i = 0; i < c.levels; i++) {
    const px = (size / 2 ** i) ** 2;
    const cin = i === 0 ? c.inChannels : ch(i - 1);
    flops += 2 * px * 9 * (cin * ch(i) + ch(i) * ch(i));
    if (i < c.levels - 1)
      flops += 2 * px * 9 * (2 * ch(i) * ch(i) + ch(i) * ch(i)) + 2 * px * ch(i + 1) * ch(i);
  }
  flops += 2 * size * size * ch(0) * (c.labels === 1 ? 1 : c.labels + 1);
  return flops / 1e9;
}

function syntheticCt(size: number, slices: number, seed: number): Float32Array {
  const r = new SeededRandom(seed);
  const hu = new Float32Array(size * size * slices);
  const c = size / 2;
  for (let k = 0; k < slices; k++)
    for (let j = 0; j < size; j++)
      for (let i = 0; i < size; i++) {
        const body = ((i - c) / (0.45 * size)) ** 2 + ((j - c) / (0.35 * size)) ** 2 < 1;
        const lung =
          ((Math.abs(i - c) - 0.2 * size) / (0.14 * size)) ** 2 + ((j - c) / (0.25 * size)) ** 2 < 1;
        const v = !body ? -1000 : lung ? -820 : 40;
        hu[k * size * size + j * size + i] = v + 20 * r.normal();
      }
  return hu;
}

export async function benchmarkInference(o: InferBenchOptions): Promise<InferBenchResult> {
  const config = o.config ?? REFERENCE_UNET;
  const model = UNet.create(config, o.seed);
  try {
    const data = o.volume ?? normaliseVolume(syntheticCt(o.size, o.slices, o.seed), CT_LUNG_WINDOW);
    if (data.length !== o.size * o.size * o.slices)
      throw new RangeError(`volume has ${data.length} values, ${o.size}x${o.size}x${o.slices} expected`);
    const dims: [number, number, number] = [o.size, o.size, o.slices];
    let quick: InferBenchResult['quick'] = null;
    const run = async (v: { dims: [number, number, number]; data: Float32Array }, io: InferVolumeOptions) => {
      if (!o.quick) return inferVolume(model, v, io);
      const q = await inferVolumeQuick(model, v, { ...io, ...o.quick });
      quick = { scale: o.quick.scale, box: q.box, reduced: q.reduced };
      return q;
    };
    if (o.warmupSlices > 0) {
      const n = o.size * o.size * Math.min(o.warmupSlices, o.slices);
      await run(
        { dims: [o.size, o.size, Math.min(o.warmupSlices, o.slices)], data: data.subarray(0, n) },
        { batchSize: o.batchSize },
      );
      o.log?.(`warm-up: ${Math.min(o.warmupSlices, o.slices)} slices`);
    }
    const t0 = performance.now();
    const r = await run(
      { dims, data },
      {
        batchSize: o.batchSize,
        onProgress: (p) =>
          o.log?.(`${p.slicesDone}/${p.slices} slices, ${((performance.now() - t0) / 1000).toFixed(1)} s`),
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    return {
      size: o.size,
      slices: o.slices,
      batchSize: o.batchSize,
      params: paramCount(config),
      config,
      seconds,
      slicesPerSecond: o.slices / seconds,
      gflopPerSlice: forwardGflop(config, o.size),
      meanEntropyBits: r.meanEntropyBits,
      quick,
    };
  } finally {
    model.dispose();
  }
}

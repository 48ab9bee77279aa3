// A model's own input scaling (unet-config.ts's `input`): the training slices' statistics, the network
// z-scoring its inputs before the first convolution, and the inference job honouring the scaling its
// weights file names while a model without one (as every model stored before it) takes its inputs as
// normalise.ts gives them (byte / 255).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { tf } from '../backends/tfjs';
import { inferVolume } from '../engine/infer-volume';
import { SeededRandom } from '../model/seeded-random';
import { UNet } from '../model/unet';
import { inputScalingOf, sliceRefs } from './crop-batches';
import { runInferJob } from './infer-job';
import { encodeWeights } from './weights-file';

const config = { levels: 2, base: 4, inChannels: 1, labels: 1 };

describe('input scaling', () => {
  test("of the training slices: mean and std of byte / 255 over every slice's pixels", () => {
    // Two slices of 2x2: bytes 0, 255, 51, 102 and 204 x4; by hand mean 142.8, E[x^2] 25,012.8.
    const images = Uint8Array.from([0, 255, 51, 102, 204, 204, 204, 204]);
    const refs = sliceRefs(0, images, new Uint8Array(8), 2, 2, 2);
    const s = inputScalingOf(refs);
    const mean = (0 + 255 + 51 + 102 + 4 * 204) / 8;
    const std = Math.sqrt((0 + 255 ** 2 + 51 ** 2 + 102 ** 2 + 4 * 204 ** 2) / 8 - mean ** 2);
    expect(s.mean).toBeCloseTo(mean / 255, 10);
    expect(s.std).toBeCloseTo(std / 255, 10);
    // A constant data set: no spread, a finite scaling all the same.
    expect(inputScalingOf(sliceRefs(0, new Uint8Array(4).fill(7), new Uint8Array(4), 1, 2, 2))).toEqual({
      mean: 7 / 255,
      std: 1,
    });
    expect(() => inputScalingOf([])).toThrow(/no training slices/);
  });

  test('the network z-scores its input; without a scaling it takes the input as it is', async () => {
    const input = { mean: 0.3, std: 0.2 };
    const rnd = new SeededRandom(8);
    const x = Float32Array.from({ length: 2 * 8 * 8 }, () => rnd.next());
    const z = Float32Array.from(x, (v) => (v - input.mean) / input.std);
    const logits = (m: UNet, v: Float32Array) =>
      tf.tidy(() => m.apply(tf.tensor4d(v, [2, 8, 8, 1])).dataSync());
    // One model at a time: tfjs names variables globally.
    const plain = UNet.create(config, 3);
    const weights = await plain.weights();
    const onZ = logits(plain, z);
    const onX = logits(plain, x);
    plain.dispose();
    const scaled = new UNet({ ...config, input }, weights);
    const a = logits(scaled, x);
    scaled.dispose();
    for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(onZ[k]!, 4);
    // The scaling matters: the same weights on the unscaled input give other logits.
    expect(Math.max(...a.map((v, k) => Math.abs(v - onX[k]!)))).toBeGreaterThan(1e-3);
  });

  test('the inference job uses the scaling its weights file names, and none when it names none', async () => {
    const dir = tempDir('concord-input-scaling-');
    const dims: [number, number, number] = [8, 6, 2];
    const rnd = new SeededRandom(5);
    const bytes = Uint8Array.from({ length: 8 * 6 * 2 }, () => rnd.int(256));
    const voxelsFile = path.join(dir, 'v.raw');
    fs.writeFileSync(voxelsFile, bytes);
    const model = UNet.create(config, 11);
    const weights = await model.weights();
    const input = { mean: 0.45, std: 0.3 };
    const data = Float32Array.from(bytes, (b) => b / 255);
    // The expected probabilities: the unscaled network on the z-scored volume, and on the volume as it is.
    const z = Float32Array.from(data, (v) => (v - input.mean) / input.std);
    const expectZ = (await inferVolume(model, { dims, data: z }, { keepProbabilities: true })).probabilities!;
    const expectPlain = (await inferVolume(model, { dims, data }, { keepProbabilities: true }))
      .probabilities!;
    model.dispose();
    const run = async (name: string, unet: typeof config & { input?: typeof input }) => {
      const weightsFile = path.join(dir, `${name}.bin`);
      fs.writeFileSync(weightsFile, encodeWeights({ unet }, weights));
      const outFile = path.join(dir, `${name}.u8`);
      await runInferJob(
        {
          kind: 'infer',
          weightsFile,
          normalisation: { kind: 'ct-window', center: 127.5, width: 255 },
          label: 1,
          inputs: [{ voxelsFile, scalarType: 'uint8', dims, rescale: { slope: 1, intercept: 0 }, outFile }],
          backend: 'cpu',
          threads: 1,
        },
        () => undefined,
        new AbortController().signal,
      );
      return new Uint8Array(fs.readFileSync(outFile));
    };
    const scaled = await run('scaled', { ...config, input });
    const old = await run('old', config);
    let differ = 0;
    for (let i = 0; i < data.length; i++) {
      if (Math.abs(expectZ[i]! - 0.5) > 1e-4) expect(scaled[i]).toBe(expectZ[i]! > 0.5 ? 1 : 0);
      if (Math.abs(expectPlain[i]! - 0.5) > 1e-4) expect(old[i]).toBe(expectPlain[i]! > 0.5 ? 1 : 0);
      if (scaled[i] !== old[i]) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });
});

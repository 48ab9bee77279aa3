// An ensemble's probability is its members' mean, computed by hand from each member alone (one label: the
// sigmoids' mean; several: the softmaxes' mean); its weights list round-trips member by member under the
// `member<k>/` prefixes that paramSpecs names; a one-network model loads as a plain U-Net; members live side
// by side (tfjs keeps one variable per name).
import { beforeAll, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { inferVolume } from '../engine/infer-volume';
import { Ensemble, ensembleWeights, loadNetwork, memberWeights } from './ensemble';
import { SeededRandom } from './seeded-random';
import { initialWeights, UNet } from './unet';
import { paramSpecs, type UNetConfig } from './unet-config';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ONE: UNetConfig = { levels: 2, base: 4, inChannels: 1, labels: 1 };

function input(seed: number): tf.Tensor4D {
  const r = new SeededRandom(seed);
  return tf.tensor4d(
    Float32Array.from({ length: 2 * 8 * 8 }, () => r.normal()),
    [2, 8, 8, 1],
  );
}

async function values(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

test("one label: the ensemble's sigmoid is the mean of its members' sigmoids", async () => {
  const members = [1, 2, 3].map((s) => initialWeights(ONE, s));
  const config = { ...ONE, members: 3 };
  const net = loadNetwork(config, ensembleWeights(members));
  expect(net).toBeInstanceOf(Ensemble);
  const x = input(7);
  const got = await values(tf.tidy(() => tf.sigmoid(net.apply(x))));
  const alone = members.map((w, k) => new UNet(ONE, w, `alone${k}/`));
  const each = await Promise.all(alone.map((m) => values(tf.tidy(() => tf.sigmoid(m.apply(x))))));
  let spread = 0;
  for (let i = 0; i < got.length; i++) {
    const mean = (each[0]![i]! + each[1]![i]! + each[2]![i]!) / 3;
    expect(got[i]).toBeCloseTo(mean, 5);
    spread = Math.max(spread, Math.abs(each[0]![i]! - each[1]![i]!));
  }
  // The members differ (else the test could not tell a mean from any one of them).
  expect(spread).toBeGreaterThan(0.01);
  // Inference runs the ensemble as it runs one network.
  const vol = await inferVolume(net, { dims: [8, 8, 2], data: new Float32Array(128).fill(0.3) });
  expect(vol.labels).toHaveLength(128);
  for (const m of alone) m.dispose();
  net.dispose();
  x.dispose();
});

test("several labels: the ensemble's softmax is the mean of its members' softmaxes", async () => {
  const three: UNetConfig = { ...ONE, labels: 2 };
  const members = [4, 5].map((s) => initialWeights(three, s));
  const net = loadNetwork({ ...three, members: 2 }, ensembleWeights(members));
  const x = input(8);
  const got = await values(tf.tidy(() => tf.softmax(net.apply(x), -1)));
  const alone = members.map((w, k) => new UNet(three, w, `alone${k}/`));
  const each = await Promise.all(alone.map((m) => values(tf.tidy(() => tf.softmax(m.apply(x), -1)))));
  for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo((each[0]![i]! + each[1]![i]!) / 2, 5);
  for (const m of alone) m.dispose();
  net.dispose();
  x.dispose();
});

test("one member's activations at a time: the ensemble holds fewer tensors than one network's forward", () => {
  const deep: UNetConfig = { levels: 4, base: 2, inChannels: 1, labels: 1 };
  const members = [1, 2, 3].map((s) => initialWeights(deep, s));
  const net = loadNetwork({ ...deep, members: 3 }, ensembleWeights(members));
  const single = new UNet(deep, members[0]!, 'solo/');
  const x = input(9);
  try {
    // Tensors still alive at the end of a tidy around the call (before the tidy frees them).
    const held = (f: () => void): number =>
      tf.tidy(() => {
        const before = tf.memory().numTensors;
        f();
        return tf.memory().numTensors - before;
      });
    const one = held(() => single.apply(x));
    const three = held(() => net.apply(x));
    expect(one).toBeGreaterThan(20);
    expect(three).toBeLessThan(one);
  } finally {
    single.dispose();
    net.dispose();
    x.dispose();
  }
});

test('weights: member<k>/ names in paramSpecs order, each member back as it went in', () => {
  const members = [1, 2].map((s) => initialWeights(ONE, s));
  const config = { ...ONE, members: 2 };
  const all = ensembleWeights(members);
  expect(all.map((w) => w.name)).toEqual(paramSpecs(config).map((s) => s.name));
  expect(all[0]!.name).toBe('member1/enc0.conv0.kernel');
  expect(paramSpecs(config)).toHaveLength(2 * paramSpecs(ONE).length);
  for (const k of [0, 1]) expect(memberWeights(config, all, k)).toEqual(members[k]);
  expect(() => memberWeights(config, all, 2)).toThrow(/member 3 of 2/);
  // One network: its weights as they are, a plain U-Net.
  const single = loadNetwork(ONE, members[0]!);
  expect(single).toBeInstanceOf(UNet);
  single.dispose();
  expect(() => paramSpecs({ ...ONE, members: 9 })).toThrow(/members must be an integer in 1\.\.8/);
  expect(() => new UNet(config, all)).toThrow(/a UNet is one network/);
});

test('a member whose weights are missing: refused, and the members built so far are freed', () => {
  const members = [1, 2].map((s) => initialWeights(ONE, s));
  const broken = ensembleWeights(members).filter((w) => w.name !== 'member2/head.bias');
  const before = tf.memory().numTensors;
  expect(() => loadNetwork({ ...ONE, members: 2 }, broken)).toThrow(/missing weight head.bias/);
  expect(tf.memory().numTensors).toBe(before);
  // The names are free again: the same ensemble loads.
  loadNetwork({ ...ONE, members: 2 }, ensembleWeights(members)).dispose();
});

// A model's networks as one predictor: a single U-Net, or an ensemble of U-Nets of one architecture
// trained apart (other seeds, the same cases) whose probabilities are averaged. Averaging independently
// trained networks cancels part of each one's own mistakes; nnU-Net drafts with an ensemble of five for
// the same reason. Validation, calibration and inference take a Network, so they judge and draft with
// what the model stores.
//
// An ensemble's weights file holds member k's weights (k = 1..members) under `member<k>/<name>`
// (unet-config.ts memberPrefix); its meta's config carries `members`.
import { tf } from '../backends/tfjs';
import { UNet, type NamedWeights } from './unet';
import { memberConfig, memberCount, memberPrefix, type UNetConfig } from './unet-config';

/** What validation and inference need of a model. */
export interface Network {
  /** The architecture of each network (one member's: no `members`). */
  readonly config: UNetConfig;
  /** Logits [B, H, W, outputChannels] whose sigmoid (one label) or softmax (several) are the model's
   *  probabilities. Call inside tf.tidy. */
  apply(x: tf.Tensor4D): tf.Tensor4D;
  outputChannels(): number;
  dispose(): void;
}

/** Probabilities are clipped this far from 0 and 1 before they go back to logits (float32's sigmoid of
 *  the logit of 1e-7 is 1e-7 again). */
const CLIP = 1e-7;

export class Ensemble implements Network {
  readonly config: UNetConfig;

  constructor(readonly members: UNet[]) {
    if (members.length < 2) throw new RangeError('an ensemble has two members or more');
    const one = JSON.stringify(members[0]!.config);
    if (members.some((m) => JSON.stringify(m.config) !== one))
      throw new RangeError("an ensemble's members share one architecture");
    this.config = members[0]!.config;
  }

  /** The logits of the members' mean probability: one label, logit(mean sigmoid); several, log(mean
   *  softmax), whose softmax is that mean (the means sum to 1). Each member runs in its own tidy, so only
   *  one member's activations are alive at a time (three at once overflowed the wasm heap on a batch of
   *  512x512 slices). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const K = this.outputChannels();
    const probs = this.members.map((m) =>
      tf.tidy(() => (K === 1 ? tf.sigmoid(m.apply(x)) : tf.softmax(m.apply(x), -1))),
    );
    const mean = tf.clipByValue(tf.div(tf.addN(probs), this.members.length), CLIP, 1 - CLIP);
    return (K === 1 ? tf.sub(tf.log(mean), tf.log1p(tf.neg(mean))) : tf.log(mean)) as tf.Tensor4D;
  }

  outputChannels(): number {
    return this.members[0]!.outputChannels();
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

/** Member k's weights (k from 0) out of an ensemble's weights, under their ParamSpec names; a single
 *  network's weights as they are (k must then be 0). */
export function memberWeights(config: UNetConfig, weights: NamedWeights[], k: number): NamedWeights[] {
  const n = memberCount(config);
  if (!(Number.isInteger(k) && k >= 0 && k < n)) throw new RangeError(`member ${k + 1} of ${n}`);
  if (n === 1) return weights;
  const prefix = memberPrefix(k);
  return weights
    .filter((w) => w.name.startsWith(prefix))
    .map((w) => ({ ...w, name: w.name.slice(prefix.length) }));
}

/** Members' weights (each under its ParamSpec names) as one ensemble's weights list. */
export function ensembleWeights(members: NamedWeights[][]): NamedWeights[] {
  if (members.length === 1) return members[0]!;
  return members.flatMap((ws, k) => ws.map((w) => ({ ...w, name: memberPrefix(k) + w.name })));
}

/** The model a weights file's config and weights describe: one U-Net, or the ensemble of its members. */
export function loadNetwork(config: UNetConfig, weights: NamedWeights[]): Network {
  const n = memberCount(config);
  if (n === 1) return new UNet(memberConfig(config), weights);
  const one = memberConfig(config);
  const members: UNet[] = [];
  try {
    for (let k = 0; k < n; k++)
      members.push(new UNet(one, memberWeights(config, weights, k), memberPrefix(k)));
  } catch (e) {
    for (const m of members) m.dispose();
    throw e;
  }
  return new Ensemble(members);
}

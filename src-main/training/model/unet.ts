// The 2D U-Net on tfjs: explicit variables (one per ParamSpec, named as in unet-config.ts) and a forward
// pass of stock tfjs ops, so it runs on every backend (tensorflow, webgpu, wasm, cpu); the fast CPU path
// comes from the kernels registered under those ops, not from a different model.
// Tensors are NHWC: input [batch, H, W, inChannels] with H and W multiples of 2^(levels-1);
// output logits [batch, H, W, outputChannels].
import * as tf from '@tensorflow/tfjs-core';
import { convBiasRelu } from '../kernels/fused-conv-op';
import { SeededRandom } from './seeded-random';
import {
  imageChannels,
  inputMultiple,
  outputChannels,
  paramSpecs,
  type ParamSpec,
  type UNetConfig,
} from './unet-config';

export interface NamedWeights {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** How the first weights are drawn: 'he-normal' kernels N(0, 2 / fan-in) (suited to ReLU) and zero
 *  biases, Concord's default; 'fan-in-uniform' kernels and biases U(-b, b) with b = 1 / sqrt(fan-in of
 *  their layer), PyTorch's default for its convolutions (kaiming_uniform with a = sqrt(5)), whose kernels
 *  have 1/6 of He's variance. */
export type InitScheme = 'he-normal' | 'fan-in-uniform';

/** The first weights, from a seed. */
export function initialWeights(
  config: UNetConfig,
  seed: number,
  scheme: InitScheme = 'he-normal',
): NamedWeights[] {
  const rnd = new SeededRandom(seed);
  let layerFanIn = 0; // a bias follows its kernel in paramSpecs order
  return paramSpecs(config).map((s: ParamSpec) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    if (s.fanIn > 0) layerFanIn = s.fanIn;
    if (scheme === 'he-normal' && s.fanIn > 0) {
      const std = Math.sqrt(2 / s.fanIn);
      for (let i = 0; i < n; i++) values[i] = rnd.normal() * std;
    } else if (scheme === 'fan-in-uniform') {
      const b = 1 / Math.sqrt(layerFanIn);
      for (let i = 0; i < n; i++) values[i] = (2 * rnd.next() - 1) * b;
    }
    return { name: s.name, shape: s.shape, values };
  });
}

export class UNet {
  readonly config: UNetConfig;
  /** In paramSpecs order. */
  readonly variables: tf.Variable[];
  private readonly byName: Map<string, tf.Variable>;

  /** `scope` prefixes the variables' names (tfjs keeps one variable per name): an ensemble's members live
   *  side by side under their member prefixes. Weights go in and out under the ParamSpec names. */
  constructor(config: UNetConfig, weights: NamedWeights[], scope = '') {
    if ((config.members ?? 1) !== 1)
      throw new RangeError(`a UNet is one network; an ensemble of ${config.members} is model/ensemble.ts's`);
    this.config = config;
    const specs = paramSpecs(config);
    const given = new Map(weights.map((w) => [w.name, w]));
    // Every weight checked before any variable exists, so a refused list leaves nothing behind.
    const values = specs.map((s) => {
      const w = given.get(s.name);
      if (!w) throw new Error(`missing weight ${s.name}`);
      if (w.shape.join('x') !== s.shape.join('x'))
        throw new Error(`weight ${s.name}: shape ${w.shape.join('x')}, expected ${s.shape.join('x')}`);
      return w.values;
    });
    // tidy frees the tensors the variables were made from (variables outlive it).
    this.variables = tf.tidy(() =>
      specs.map((s, i) => tf.variable(tf.tensor(values[i]!, s.shape, 'float32'), true, scope + s.name)),
    );
    this.names = specs.map((s) => s.name);
    this.byName = new Map(this.variables.map((v, i) => [this.names[i]!, v]));
  }

  /** The ParamSpec name of each variable, in variables' order. */
  private readonly names: string[];

  static create(config: UNetConfig, seed: number, scheme: InitScheme = 'he-normal'): UNet {
    return new UNet(config, initialWeights(config, seed, scheme));
  }

  private v(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new Error(`no variable ${name}`);
    return v;
  }

  /** 3x3 'same' convolution + bias + ReLU: one fused op where Concord's kernels are installed
   *  (fused-conv-op.ts), tfjs's fused conv2d elsewhere. */
  private convRelu(x: tf.Tensor4D, name: string, inputGradient = true): tf.Tensor4D {
    const w = this.v(`${name}.kernel`) as tf.Tensor4D;
    return convBiasRelu(x, w, this.v(`${name}.bias`) as tf.Tensor1D, inputGradient);
  }

  /** Two convolutions. The network's first (enc0.conv0) reads the input image, through which nothing
   *  trains: its backward pass skips the input gradient. */
  private block(x: tf.Tensor4D, name: string): tf.Tensor4D {
    return this.convRelu(this.convRelu(x, `${name}.conv0`, name !== 'enc0'), `${name}.conv1`);
  }

  /** 2x2 stride-2 transposed convolution + bias: [B, h, w, 2c] -> [B, 2h, 2w, c]. */
  private up(x: tf.Tensor4D, i: number): tf.Tensor4D {
    const k = this.v(`up${i}.kernel`) as tf.Tensor4D;
    const [b, h, w] = x.shape;
    const y = tf.conv2dTranspose(x, k, [b, 2 * h, 2 * w, k.shape[2]], 2, 'valid');
    return tf.add(y, this.v(`up${i}.bias`));
  }

  /** The input z-scored by the model's scaling (unet-config.ts `input`): the image channels only, the
   *  coordinate planes pass as they are (mean 0 and std 1 in the per-channel vectors). */
  private scaled(x: tf.Tensor4D): tf.Tensor4D {
    const s = this.config.input;
    if (!s) return x;
    if (!this.config.coordinates) return tf.div<tf.Tensor4D>(tf.sub<tf.Tensor4D>(x, s.mean), s.std);
    const C = this.config.inChannels;
    const image = imageChannels(this.config);
    const mean = tf.tensor1d(Array.from({ length: C }, (_, c) => (c < image ? s.mean : 0)));
    const std = tf.tensor1d(Array.from({ length: C }, (_, c) => (c < image ? s.std : 1)));
    return tf.div<tf.Tensor4D>(tf.sub<tf.Tensor4D>(x, mean), std);
  }

  /** Logits [B, H, W, outputChannels]. Call inside tf.tidy (or a gradient scope). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const { levels } = this.config;
    const m = inputMultiple(this.config);
    if (x.shape[1] % m !== 0 || x.shape[2] % m !== 0)
      throw new RangeError(`input ${x.shape[1]}x${x.shape[2]}: sides must be multiples of ${m}`);
    if (x.shape[3] !== this.config.inChannels)
      throw new RangeError(`input has ${x.shape[3]} channels, the model takes ${this.config.inChannels}`);
    const skips: tf.Tensor4D[] = [];
    let h = this.scaled(x);
    for (let i = 0; i < levels - 1; i++) {
      h = this.block(h, `enc${i}`);
      skips.push(h);
      h = tf.maxPool(h, 2, 2, 'valid');
    }
    h = this.block(h, `enc${levels - 1}`);
    for (let i = levels - 2; i >= 0; i--) {
      // Up-sampled features first, then the skip: the channel order of the PyTorch reference.
      h = this.block(tf.concat([this.up(h, i), skips[i]!], 3), `dec${i}`);
    }
    return tf.fused.conv2d({
      x: h,
      filter: this.v('head.kernel') as tf.Tensor4D,
      bias: this.v('head.bias'),
      strides: 1,
      pad: 'valid',
      activation: 'linear',
    });
  }

  outputChannels(): number {
    return outputChannels(this.config);
  }

  /** Current weights as plain arrays (for checkpoints and model packages). */
  async weights(): Promise<NamedWeights[]> {
    return Promise.all(
      this.variables.map(async (v, i) => ({
        name: this.names[i]!,
        shape: v.shape.slice(),
        values: (await v.data()) as Float32Array,
      })),
    );
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

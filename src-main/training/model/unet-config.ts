// The U-Net's architecture as plain data (what a model package's manifest records) and its parameter
// list: names, shapes and count, computed without tfjs so the registry and the UI can use it too.

export interface UNetConfig {
  /** Resolution levels including the bottleneck (4 in the reference network: 3 poolings). */
  levels: number;
  /** Filters at the first level; level i has base * 2^i. */
  base: number;
  /** Input channels: 1 for 2D, 2k+1 for 2.5D (the slice and k neighbours on each side, as channels), and
   *  the two coordinate planes after them when `coordinates` is set. */
  inChannels: number;
  /** Labels to segment (besides background). 1: one sigmoid output; L > 1: L+1 softmax outputs. */
  labels: number;
  /** The model's own input scaling, applied before the first convolution: (x - mean) / std, x the
   *  normalised input in [0, 1] (normalise.ts's byte / 255), mean and std those of the training slices,
   *  so the network sees its inputs z-scored (about 0 +- 1, as nnU-Net and the quality benchmark train).
   *  Absent: x as it is, as models trained before it existed learned (they keep working unchanged). */
  input?: InputScaling;
  /** Two more input planes after the image channels: each pixel's place on its slice, along i then j,
   *  -1 at the slice's first edge and +1 at its last (data/coordinate-planes.ts). The network can then
   *  learn where on a slice a structure lies, which the image around a pixel cannot tell it (organs keep
   *  their place in a scan; a finding cut out at a crop's centre keeps that place). They are not scaled by
   *  `input`. Absent: the image channels only, as models trained before it learned. */
  coordinates?: boolean;
  /** An ensemble: this many networks of the architecture above, trained apart (other seeds, the same
   *  cases), whose probabilities are averaged (model/ensemble.ts). Their weights are named
   *  `member<k>/<name>`, k = 1..members. Absent or 1: one network, as models trained before it. */
  members?: number;
}

/** The most networks one model holds (each costs its training and its share of every draft). */
export const MAX_MEMBERS = 8;

/** The networks a model holds (its ensemble's members, or 1). */
export function memberCount(c: UNetConfig): number {
  return c.members ?? 1;
}

/** The architecture of each of a model's networks (the config without `members`). */
export function memberConfig(c: UNetConfig): UNetConfig {
  const { members: _members, ...one } = c;
  return one;
}

/** The name prefix of member k's weights (k from 0) in an ensemble's weights file. */
export function memberPrefix(k: number): string {
  return `member${k + 1}/`;
}

/** The coordinate planes' count, when a model has them. */
export const COORDINATE_PLANES = 2;

/** The image channels of a model's input (inChannels without the coordinate planes). */
export function imageChannels(c: UNetConfig): number {
  return c.inChannels - (c.coordinates ? COORDINATE_PLANES : 0);
}

/** Mean and standard deviation of a model's training inputs, in the [0, 1] units of byte / 255. */
export interface InputScaling {
  mean: number;
  std: number;
}

/** The reference network of the fine-tuning issue: ~0.48 M parameters at base 16. */
export const REFERENCE_UNET: UNetConfig = { levels: 4, base: 16, inChannels: 1, labels: 1 };

export function outputChannels(c: UNetConfig): number {
  return c.labels === 1 ? 1 : c.labels + 1;
}

/** Smallest input side the network takes: each of the levels-1 poolings halves it exactly. */
export function inputMultiple(c: UNetConfig): number {
  return 2 ** (c.levels - 1);
}

export interface ParamSpec {
  name: string;
  /** Conv kernels HWIO [kh, kw, in, out]; transposed-conv kernels [2, 2, out, in] (tfjs's layout for
   *  conv2dTranspose); biases [out]. */
  shape: number[];
  /** fan-in used by the initialiser (0 for biases). */
  fanIn: number;
}

/** Every parameter, in a fixed order: enc{i}.conv{0,1} for levels 0..L-2, enc{L-1} is the bottleneck,
 *  then for i = L-2..0 up{i} (transposed conv from level i+1) and dec{i}.conv{0,1}, then head; for an
 *  ensemble, member 1's list under its prefix, then member 2's, and so on. */
export function paramSpecs(c: UNetConfig): ParamSpec[] {
  if (c.members !== undefined) {
    if (!Number.isInteger(c.members) || c.members < 1 || c.members > MAX_MEMBERS)
      throw new RangeError(`members must be an integer in 1..${MAX_MEMBERS}`);
    if (c.members > 1) {
      const one = networkSpecs(memberConfig(c));
      return Array.from({ length: c.members }, (_, k) =>
        one.map((s) => ({ ...s, name: memberPrefix(k) + s.name })),
      ).flat();
    }
  }
  return networkSpecs(c);
}

function networkSpecs(c: UNetConfig): ParamSpec[] {
  if (!Number.isInteger(c.levels) || c.levels < 1) throw new RangeError('levels must be an integer >= 1');
  if (!Number.isInteger(c.base) || c.base < 1) throw new RangeError('base must be an integer >= 1');
  if (c.coordinates !== undefined && typeof c.coordinates !== 'boolean')
    throw new RangeError('coordinates must be true or false');
  if (!Number.isInteger(c.inChannels) || imageChannels(c) < 1)
    throw new RangeError(`inChannels must leave at least one image channel`);
  if (!Number.isInteger(c.labels) || c.labels < 1) throw new RangeError('labels must be >= 1');
  const ch = (i: number): number => c.base * 2 ** i;
  const specs: ParamSpec[] = [];
  const conv = (name: string, k: number, cin: number, cout: number): void => {
    specs.push({ name: `${name}.kernel`, shape: [k, k, cin, cout], fanIn: k * k * cin });
    specs.push({ name: `${name}.bias`, shape: [cout], fanIn: 0 });
  };
  for (let i = 0; i < c.levels; i++) {
    conv(`enc${i}.conv0`, 3, i === 0 ? c.inChannels : ch(i - 1), ch(i));
    conv(`enc${i}.conv1`, 3, ch(i), ch(i));
  }
  for (let i = c.levels - 2; i >= 0; i--) {
    specs.push({ name: `up${i}.kernel`, shape: [2, 2, ch(i), ch(i + 1)], fanIn: 4 * ch(i + 1) });
    specs.push({ name: `up${i}.bias`, shape: [ch(i)], fanIn: 0 });
    conv(`dec${i}.conv0`, 3, 2 * ch(i), ch(i));
    conv(`dec${i}.conv1`, 3, ch(i), ch(i));
  }
  conv('head', 1, ch(0), outputChannels(c));
  return specs;
}

export function paramCount(c: UNetConfig): number {
  return paramSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

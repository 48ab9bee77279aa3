// The Advanced section of a training run's form: the network's size, the ensemble's, the batch and the
// run's seed.
/** Numbers of the Advanced section; empty means the backend's default. */
export interface Advanced {
  levels: string;
  base: string;
  cropSize: string;
  batchSize: string;
  threads: string;
  seed: string;
  learningRate: string;
  neighbours: string;
  foregroundFraction: string;
  members: string;
}

/** Fields a base model decides (its architecture and input). */
export const FROM_BASE = new Set<keyof Advanced>(['levels', 'base', 'cropSize', 'neighbours']);

/** Each field's default (what an empty field means, shown in it; services/training/run-config.ts). */
export const ADVANCED_FIELDS: { key: keyof Advanced; label: string; hint: string; dflt: string }[] = [
  { key: 'levels', label: 'Levels', hint: 'U-Net levels (default 4)', dflt: '4' },
  { key: 'base', label: 'Base filters', hint: 'filters of the first level (default 16)', dflt: '16' },
  {
    key: 'members',
    label: 'Networks',
    hint: 'an ensemble: networks trained one after another on seeds seed, seed+1, …, their probabilities averaged in every draft (default 1: one network; a semi-supervised run trains one); each costs its training and its share of every draft',
    dflt: '1',
  },
  {
    key: 'cropSize',
    label: 'Crop (px)',
    hint: 'side of the square training crops (default 128, or half the smallest slice side when less)',
    dflt: 'auto (≤ 128)',
  },
  { key: 'batchSize', label: 'Batch', hint: 'crops per step (default 16)', dflt: '16' },
  {
    key: 'foregroundFraction',
    label: 'On foreground',
    hint: 'share of the crops centred on foreground (default 1/3; 0: anywhere)',
    dflt: '0.33',
  },
  { key: 'threads', label: 'Threads', hint: 'CPU threads (default: one per CPU)', dflt: 'one per CPU' },
  { key: 'seed', label: 'Seed', hint: 'split, weights, crops and their order (default 1)', dflt: '1' },
  {
    key: 'neighbours',
    label: '2.5D slices',
    hint: 'neighbouring slices each side as channels (0 = 2D, at most 3; default 1 when the volumes have several slices, else 0)',
    dflt: 'auto (1)',
  },
  {
    key: 'learningRate',
    label: 'Learning rate',
    hint: "Adam's (default 0.001): constant with the weight average, else cosine-decayed over the epochs",
    dflt: '0.001',
  },
];

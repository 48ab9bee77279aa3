// A semi-supervised run's pseudo-label rounds inside the trainer (the rules: data/pseudo-labels.ts): the
// model labels the unlabelled cases' slices (whole slices; the mean over the 4 flips when the run drafts
// with them, so the teacher is the model as it would draft), the labels and their confidence weights are written to the run folder (pseudo.bin, so a resumed run trains on the same ones), and the
// training batches mix pseudo-labelled crops into the labelled ones.
//
// Layout: as the data set's (crop-batches.ts): a slice is ny rows of nx pixels, pixel (i, j) at i + j*nx.
import fs from 'node:fs';
import path from 'node:path';
import { CancelledError } from '../../core/errors';
import {
  alignProbability,
  foregroundByte,
  pseudoLabels,
  ProbabilityHistogram,
  pseudoRoundStarts,
  pseudoRatio,
  roundOfEpoch,
  type PseudoLabelOptions,
} from '../data/pseudo-labels';
import type { BatchSource } from '../engine/train-loop';
import type { UNet } from '../model/unet';
import { foregroundProbability } from './evaluate-slices';
import { cropBatches, type SliceRef } from './crop-batches';
import { encodeTensorFile, readTensorFile, writeFileAtomic } from './tensor-file';

/** A round keeps its slices' probabilities between the alignment and the labels up to this many bytes
 *  (64M pixels); above, it computes them twice. */
export const KEEP_PROBABILITY_BYTES = 256 * 2 ** 20;

/** The latest round's pseudo-labels, in the run folder. */
export const PSEUDO_FILE = 'pseudo.bin';

export interface PseudoRoundStats {
  /** 1-based round; the epoch (0-based) it trains from. */
  round: number;
  epoch: number;
  cases: number;
  slices: number;
  /** Share of the unlabelled slices' pixels at or above the confidence floor (weight > 0). */
  confidentFraction: number;
  /** Pixels labelled foreground (among the confident ones). */
  foregroundPixels: number;
  /** Mean weight (0..1) of the confident pixels: at least the floor when any pixel is confident. */
  meanWeight: number;
  /** With distribution alignment: the model's probability that was mapped onto the run's threshold (the
   *  labelled slices' foreground share of the pixels lies above it). */
  alignedAt?: number;
  /** The round marked no foreground anywhere, so its epochs trained on the labelled cases only. */
  skipped?: boolean;
}

interface PseudoMeta {
  stats: PseudoRoundStats;
  /** The smallest target byte that is foreground (p >= the threshold); 128 for hard labels. */
  foregroundMin?: number;
}

function statsOf(
  refs: SliceRef[],
  round: number,
  epoch: number,
  sums: { confident: number; foreground: number; weight: number },
): PseudoRoundStats {
  const pixels = refs.reduce((s, r) => s + r.width * r.height, 0);
  return {
    round,
    epoch,
    cases: new Set(refs.map((r) => r.caseId)).size,
    slices: refs.length,
    confidentFraction: pixels > 0 ? sums.confident / pixels : 0,
    foregroundPixels: sums.foreground,
    meanWeight: sums.confident > 0 ? sums.weight / sums.confident : 0,
  };
}

/** Slices with their pseudo-labels: target bytes, weights, and the confident foreground pixels (target >=
 *  `foregroundMin`: where foreground-centred crops go). */
function labelled(s: SliceRef, target: Uint8Array, weight: Uint8Array, foregroundMin: number): SliceRef {
  const fg: number[] = [];
  for (let p = 0; p < target.length; p++) if (target[p]! >= foregroundMin && weight[p]! > 0) fg.push(p);
  return { ...s, target, weight, foreground: Uint32Array.from(fg), referenceMin: foregroundMin };
}

/** Labels every unlabelled slice with `model` (the caller puts the weights it wants in it); with `tta`, each
 *  slice's probability is the mean over its 4 flips. With `foregroundShare` (the labelled slices' share of
 *  foreground pixels) the probabilities are first aligned (data/pseudo-labels.ts): the cut that leaves that
 *  share above it is mapped onto the threshold. */
export async function labelSlices(
  model: UNet,
  slices: SliceRef[],
  o: PseudoLabelOptions & {
    round: number;
    epoch: number;
    tta?: boolean;
    foregroundShare?: number;
    /** Default KEEP_PROBABILITY_BYTES. */
    keepProbabilityBytes?: number;
    signal?: AbortSignal;
  },
): Promise<{ refs: SliceRef[]; stats: PseudoRoundStats }> {
  const probabilityOf = async (s: SliceRef): Promise<Float32Array> => {
    if (o.signal?.aborted) throw new CancelledError('training');
    return foregroundProbability(model, s.image, s.width, s.height, o.tta ?? false);
  };
  // Alignment needs every slice's probabilities before the first label. They are kept when they fit in
  // KEEP_PROBABILITY_BYTES; otherwise a first pass fills the histogram and the labelling pass computes them
  // again (the same model and input give the same values).
  const pixels = slices.reduce((n, s) => n + s.width * s.height, 0);
  const keep = pixels * 4 <= (o.keepProbabilityBytes ?? KEEP_PROBABILITY_BYTES);
  const kept: Float32Array[] = [];
  let alignedAt: number | undefined;
  if (o.foregroundShare !== undefined) {
    const histogram = new ProbabilityHistogram();
    for (const s of slices) {
      const p = await probabilityOf(s);
      histogram.add(p);
      if (keep) kept.push(p);
    }
    alignedAt = histogram.cut(o.foregroundShare);
  }
  const refs: SliceRef[] = [];
  const sums = { confident: 0, foreground: 0, weight: 0 };
  const foregroundMin = o.soft ? foregroundByte(o.threshold) : 128;
  for (let k = 0; k < slices.length; k++) {
    const p = kept[k] ?? (await probabilityOf(slices[k]!));
    if (alignedAt !== undefined)
      for (let i = 0; i < p.length; i++) p[i] = alignProbability(p[i]!, alignedAt, o.threshold);
    const l = pseudoLabels(p, o);
    kept[k] = new Float32Array(0); // let the slice's probabilities go
    sums.confident += l.confident;
    sums.foreground += l.foreground;
    sums.weight += l.weightSum;
    refs.push(labelled(slices[k]!, l.target, l.weight, foregroundMin));
  }
  const stats = statsOf(refs, o.round, o.epoch, sums);
  return { refs, stats: alignedAt === undefined ? stats : { ...stats, alignedAt } };
}

/** The share of the slices' pixels that are foreground (target >= referenceMin): what the experts marked
 *  of the labelled cases, which a round's aligned pseudo-labels mark of the unlabelled ones. */
export function foregroundShareOf(slices: SliceRef[]): number {
  let fg = 0;
  let all = 0;
  for (const s of slices) {
    fg += s.foreground.length;
    all += s.width * s.height;
  }
  return all > 0 ? fg / all : 0;
}

/** Writes a round's labels and weights (per slice, in `refs`' order) atomically. */
export function writePseudo(runDir: string, refs: SliceRef[], stats: PseudoRoundStats): void {
  const meta: PseudoMeta = { stats, foregroundMin: refs[0]?.referenceMin ?? 128 };
  writeFileAtomic(
    path.join(runDir, PSEUDO_FILE),
    encodeTensorFile(
      meta,
      refs.flatMap((r, i) => [
        { name: `slice${i}.target`, shape: [r.height, r.width], values: r.target },
        { name: `slice${i}.weight`, shape: [r.height, r.width], values: r.weight! },
      ]),
    ),
  );
}

/** The stored round's labels on the unlabelled slices, or null when there is none or it does not fit
 *  them (another round, another slice count). */
export function readPseudo(
  runDir: string,
  slices: SliceRef[],
  round: number,
): { refs: SliceRef[]; stats: PseudoRoundStats } | null {
  const file = path.join(runDir, PSEUDO_FILE);
  if (!fs.existsSync(file)) return null;
  const { meta, tensors } = readTensorFile<PseudoMeta>(file);
  if (meta.stats.round !== round || tensors.length !== 2 * slices.length) return null;
  const refs = slices.map((s, i) =>
    labelled(
      s,
      tensors[2 * i]!.values as Uint8Array,
      tensors[2 * i + 1]!.values as Uint8Array,
      meta.foregroundMin ?? 128,
    ),
  );
  return { refs, stats: meta.stats };
}

/** Batches of the labelled source with, once `current()` gives pseudo-labelled slices, round(n * ratio)
 *  pseudo-labelled crops appended to each batch of n (pseudoRatio), and per-pixel weights: 1 on the labelled
 *  crops, the confidence on the pseudo-labelled ones. Until then the labelled batches go through as they
 *  are. */
export function mixedBatches(
  labelledSource: BatchSource,
  labelledSlices: number,
  current: () => { source: BatchSource; slices: number } | null,
  /** Told of each batch's pseudo-labelled crops: how many, and the sum of their pixels' weights. */
  onPseudo?: (crops: number, weightSum: number) => void,
): BatchSource {
  const [H, W, C, K] = labelledSource.shape;
  const px = H * W;
  return {
    shape: labelledSource.shape,
    batchesPerEpoch: () => labelledSource.batchesPerEpoch(),
    batch: (e, i) => {
      const b = labelledSource.batch(e, i);
      const p = current();
      if (!p) return b;
      const k = Math.round(b.n * pseudoRatio(labelledSlices, p.slices));
      const n = b.n + k;
      const x = new Float32Array(n * px * C);
      const y = new Float32Array(n * px * K);
      const w = new Float32Array(n * px).fill(1);
      x.set(b.x.subarray(0, b.n * px * C));
      y.set(b.y.subarray(0, b.n * px * K));
      if (k > 0) {
        // The pseudo source's batches have the labelled batch size: a ratio of at most 1 fits in one.
        const pb = p.source.batch(e, i);
        x.set(pb.x.subarray(0, k * px * C), b.n * px * C);
        y.set(pb.y.subarray(0, k * px * K), b.n * px * K);
        const pw = pb.w!.subarray(0, k * px);
        w.set(pw, b.n * px);
        let sum = 0;
        for (let q = 0; q < pw.length; q++) sum += pw[q]!;
        onPseudo?.(k, sum);
      }
      return { x, y, n, w };
    },
  };
}

/** The crops of a round's pseudo-labelled slices: the labelled crops' options, another seed per round;
 *  soft targets are resampled as the agreement's are, hard ones as masks. */
export function pseudoSource(
  refs: SliceRef[],
  o: Parameters<typeof cropBatches>[1],
  round: number,
  soft = false,
): BatchSource {
  return cropBatches(refs, { ...o, seed: (o.seed + 7919 * round) >>> 0, softTarget: soft });
}

/** A run's rounds: which round trains each epoch, labelling at each round's start, and the batches. */
export class PseudoRounds {
  private current: { source: BatchSource; slices: number } | null = null;
  /** The rounds made in this process (and the one restored at a resume), in order. */
  readonly made: PseudoRoundStats[] = [];
  readonly starts: number[];
  /** Pseudo-labelled crops trained on in all, and in the epoch under way (the trainer's images/s counts
   *  them), with the latter's weights' sum. */
  crops = 0;
  epochCrops = 0;
  private epochCropsWeight = 0;

  constructor(
    private readonly runDir: string,
    private readonly unlabelled: SliceRef[],
    private readonly o: PseudoLabelOptions & {
      /** Label with the mean over the 4 flips (the run drafts with them). */
      tta?: boolean;
      /** Align each round's probabilities to this foreground share of the pixels (the labelled slices'). */
      foregroundShare?: number;
      rounds: number;
      epochs: number;
      labelledSlices: number;
      crops: Parameters<typeof cropBatches>[1];
      log: (line: string) => void;
    },
  ) {
    this.starts = pseudoRoundStarts(o.epochs, o.rounds);
  }

  batches(labelledSource: BatchSource): BatchSource {
    return mixedBatches(
      labelledSource,
      this.o.labelledSlices,
      () => this.current,
      (k, sum) => {
        this.crops += k;
        this.epochCrops += k;
        this.epochCropsWeight += sum;
      },
    );
  }

  private use(refs: SliceRef[], stats: PseudoRoundStats, how: string): void {
    // A model that marks no foreground on any unlabelled slice has not learned the label yet (the
    // labelled slices have it): its labels would only teach "nothing here", so the round trains on the
    // labelled cases alone (bench/RESULTS-few-labels.md, "Unlabelled cases": such a round lowered the
    // held-out Dice).
    const skipped = stats.foregroundPixels === 0;
    this.current = skipped
      ? null
      : { source: pseudoSource(refs, this.o.crops, stats.round, this.o.soft), slices: refs.length };
    this.made.push(skipped ? { ...stats, skipped } : stats);
    this.o.log(
      `pseudo-labels round ${stats.round}/${this.o.rounds} (${how}, from epoch ${stats.epoch + 1}): ` +
        `${stats.slices} slices of ${stats.cases} unlabelled case(s), ` +
        `${(100 * stats.confidentFraction).toFixed(1)}% of pixels confident (weight > 0), ` +
        `${stats.foregroundPixels} foreground` +
        (stats.alignedAt !== undefined
          ? ` (probabilities aligned: ${stats.alignedAt.toFixed(3)} read as ${this.o.threshold})`
          : '') +
        `, mean weight ${stats.meanWeight.toFixed(3)}; ` +
        (skipped
          ? 'no foreground marked: the model cannot find the label yet, so this round trains on the labelled cases only'
          : `${Math.round(100 * pseudoRatio(this.o.labelledSlices, refs.length))} pseudo-labelled crops per 100 labelled ones in each batch`),
    );
  }

  private async make(
    round: number,
    epoch: number,
    label: <T>(f: (m: UNet) => Promise<T>) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<void> {
    const { refs, stats } = await label((m) =>
      labelSlices(m, this.unlabelled, {
        threshold: this.o.threshold,
        minConfidence: this.o.minConfidence,
        ...(this.o.soft ? { soft: true } : {}),
        ...(this.o.tta ? { tta: true } : {}),
        ...(this.o.foregroundShare !== undefined ? { foregroundShare: this.o.foregroundShare } : {}),
        round,
        epoch,
        ...(signal ? { signal } : {}),
      }),
    );
    writePseudo(this.runDir, refs, stats);
    this.use(refs, stats, 'labelled by the model');
  }

  /** Before training from epoch `start` (a resumed run): the round in force then, from pseudo.bin, or
   *  labelled now when the file holds another round. */
  async restore(
    start: number,
    label: <T>(f: (m: UNet) => Promise<T>) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<void> {
    const round = roundOfEpoch(this.starts, start);
    if (round === 0) return;
    const stored = readPseudo(this.runDir, this.unlabelled, round);
    if (stored) this.use(stored.refs, stored.stats, 'kept from before the resume');
    else await this.make(round, start, label, signal);
  }

  /** After epoch `epoch` (`crops`: its labelled crops): says how many pseudo-labelled crops it added, and
   *  labels the unlabelled slices again when the next epoch starts a round. */
  async afterEpoch(
    epoch: number,
    label: <T>(f: (m: UNet) => Promise<T>) => Promise<T>,
    o: { crops: number; signal?: AbortSignal },
  ): Promise<void> {
    const px = this.o.crops.cropSize ** 2;
    this.o.log(
      `epoch ${epoch + 1}: ${this.epochCrops} pseudo-labelled crops beside ${o.crops} labelled` +
        (this.epochCrops > 0
          ? `, mean pixel weight ${(this.epochCropsWeight / (this.epochCrops * px)).toFixed(3)}`
          : ''),
    );
    this.epochCrops = 0;
    this.epochCropsWeight = 0;
    const signal = o.signal;
    if (epoch + 1 >= this.o.epochs) return;
    const r = this.starts.indexOf(epoch + 1);
    if (r >= 0) await this.make(r + 1, epoch + 1, label, signal);
  }
}

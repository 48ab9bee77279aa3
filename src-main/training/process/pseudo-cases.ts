// A semi-supervised run's pseudo-labelled cases (the rules: data/pseudo-labels.ts). After the run's
// validated training has kept its network and chosen the drafts' threshold and flips, that network (the
// teacher) labels every slice of the unlabelled cases as its drafts would (its threshold, its flips), and
// the refit (the student, process/train-job.ts) trains from the run's start on every labelled case and
// these slices together. Per case the slices kept are those where the teacher marked foreground and as
// many others (at least 2, seeded), the balance the labelled cases' data set keeps (prepare-dataset.ts).
// The kept slices' labels and weights go to the run folder (pseudoFile(round)) before the refit starts, so a
// run resumed in its refit trains on the same ones. A run of several rounds labels them again with each
// round's student (the refit it trained) and keeps each round's labels in a file of its own.
//
// Layout: as the data set's (crop-batches.ts): a slice is ny rows of nx pixels, pixel (i, j) at i + j*nx.
import fs from 'node:fs';
import path from 'node:path';
import { CancelledError } from '../../core/errors';
import { pseudoLabels, type PseudoLabelOptions } from '../data/pseudo-labels';
import type { Network } from '../model/ensemble';
import { foregroundProbability } from './evaluate-slices';
import type { SliceRef } from './crop-batches';
import { keptSlices } from './prepare-dataset';
import { encodeTensorFile, readTensorFile, writeFileAtomic } from './tensor-file';

/** The pseudo-labels of a run's round (from 1), in the run folder. */
export function pseudoFile(round: number): string {
  return round === 1 ? 'pseudo.bin' : `pseudo-${round}.bin`;
}

export interface PseudoStats {
  /** Unlabelled cases and slices the teacher labelled. */
  cases: number;
  slices: number;
  /** Cases where it marked foreground on some slice. */
  casesWithForeground: number;
  /** Slices kept for the refit (with foreground, and as many without). */
  keptSlices: number;
  /** Share of the labelled slices' pixels at or above the confidence floor (weight > 0). */
  confidentFraction: number;
  /** Pixels labelled foreground (among the confident ones), over every labelled slice. */
  foregroundPixels: number;
  /** Mean weight (0..1) of the confident pixels: at least the floor when any pixel is confident. */
  meanWeight: number;
}

interface PseudoMeta {
  stats: PseudoStats;
  /** Per kept slice, its index in the run's unlabelled slices (loadDataset's order). */
  kept: number[];
  /** The unlabelled slices the labels were made for (a data set of another size is not this run's). */
  of: number;
}

/** A slice with its pseudo-labels: hard target bytes, weights, and the confident foreground pixels (where
 *  foreground-centred crops go). */
function withLabels(s: SliceRef, target: Uint8Array, weight: Uint8Array): SliceRef {
  const fg: number[] = [];
  for (let p = 0; p < target.length; p++) if (target[p]! >= 128 && weight[p]! > 0) fg.push(p);
  return { ...s, target, weight, foreground: Uint32Array.from(fg), referenceMin: 128 };
}

/** Labels the unlabelled slices with the teacher (`tta`: each slice's probability is the mean over its 4
 *  flips) and keeps each case's slices as keptSlices says. Returns the kept slices with their labels and
 *  weights, and their indices in `slices`. Slices of a case are consecutive (as the data set holds them). */
export async function labelUnlabelled(
  teacher: Network,
  slices: SliceRef[],
  o: PseudoLabelOptions & {
    tta: boolean;
    /** The run's seed: case c's slices are drawn with seed + c (as prepare-dataset.ts draws a case's). */
    seed: number;
    signal?: AbortSignal;
    /** After each slice: slices labelled so far. */
    onSlice?: (done: number) => void;
  },
): Promise<{ refs: SliceRef[]; kept: number[]; stats: PseudoStats }> {
  const refs: SliceRef[] = [];
  const kept: number[] = [];
  let confident = 0;
  let foreground = 0;
  let weightSum = 0;
  let pixels = 0;
  const cases = new Set<number>();
  const casesWithForeground = new Set<number>();
  let k = 0;
  while (k < slices.length) {
    const caseId = slices[k]!.caseId;
    let end = k;
    while (end < slices.length && slices[end]!.caseId === caseId) end++;
    const labelled: { target: Uint8Array; weight: Uint8Array; fg: boolean }[] = [];
    for (let i = k; i < end; i++) {
      if (o.signal?.aborted) throw new CancelledError('training');
      const s = slices[i]!;
      const p = await foregroundProbability(teacher, s.image, s.width, s.height, o.tta);
      const l = pseudoLabels(p, o);
      confident += l.confident;
      foreground += l.foreground;
      weightSum += l.weightSum;
      pixels += p.length;
      labelled.push({ target: l.target, weight: l.weight, fg: l.foreground > 0 });
      o.onSlice?.(i + 1);
    }
    cases.add(caseId);
    if (labelled.some((l) => l.fg)) casesWithForeground.add(caseId);
    for (const j of keptSlices(
      labelled.map((l) => l.fg),
      o.seed + caseId,
    )) {
      refs.push(withLabels(slices[k + j]!, labelled[j]!.target, labelled[j]!.weight));
      kept.push(k + j);
    }
    k = end;
  }
  return {
    refs,
    kept,
    stats: {
      cases: cases.size,
      slices: slices.length,
      casesWithForeground: casesWithForeground.size,
      keptSlices: refs.length,
      confidentFraction: pixels > 0 ? confident / pixels : 0,
      foregroundPixels: foreground,
      meanWeight: confident > 0 ? weightSum / confident : 0,
    },
  };
}

/** Writes the kept slices' labels and weights atomically. */
export function writePseudo(
  runDir: string,
  round: number,
  of: number,
  labels: { refs: SliceRef[]; kept: number[]; stats: PseudoStats },
): void {
  const meta: PseudoMeta = { stats: labels.stats, kept: labels.kept, of };
  writeFileAtomic(
    path.join(runDir, pseudoFile(round)),
    encodeTensorFile(
      meta,
      labels.refs.flatMap((r, i) => [
        { name: `slice${i}.target`, shape: [r.height, r.width], values: r.target },
        { name: `slice${i}.weight`, shape: [r.height, r.width], values: r.weight! },
      ]),
    ),
  );
}

/** The stored pseudo-labels of a round on the run's unlabelled slices, or null when there are none or they
 *  were made for another data set. */
export function readPseudo(
  runDir: string,
  round: number,
  slices: SliceRef[],
): { refs: SliceRef[]; kept: number[]; stats: PseudoStats } | null {
  const file = path.join(runDir, pseudoFile(round));
  if (!fs.existsSync(file)) return null;
  const { meta, tensors } = readTensorFile<PseudoMeta>(file);
  if (meta.of !== slices.length || tensors.length !== 2 * meta.kept.length) return null;
  const refs = meta.kept.map((k, i) =>
    withLabels(slices[k]!, tensors[2 * i]!.values as Uint8Array, tensors[2 * i + 1]!.values as Uint8Array),
  );
  return { refs, kept: meta.kept, stats: meta.stats };
}

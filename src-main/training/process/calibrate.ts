// How a one-label model's drafts turn probabilities into a mask, chosen after training on the run's
// validation cases (never on cases it will be judged on): the probability threshold and whether to average
// the slice's 4 flips. nnU-Net likewise chooses its post-processing on validation.
//
// Why the threshold: the matched threshold (0.5, or for the raters' agreement the one between the shares
// their strict majority leaves out and keeps) assumes calibrated probabilities. Dice + cross-entropy on a
// soft target is not: the Dice term pushes edge pixels towards 1, and on the LIDC crops the product's
// models drafted ~1.7 times the majority's voxels at 0.625 (bench/RESULTS.md, "The product's defaults").
import type { Network } from '../model/ensemble';
import type { SliceRef } from './crop-batches';
import { thresholdScan } from './evaluate-slices';

/** Thresholds tried besides the matched one: 0.30 to 0.90 by 0.05. */
export const THRESHOLD_GRID = Array.from({ length: 13 }, (_, k) => Math.round((0.3 + 0.05 * k) * 100) / 100);

export interface ThresholdScanRow {
  threshold: number;
  dice: number;
  /** With the flips' mean; null when the flips were not tried. */
  diceWithFlips: number | null;
}

export interface Calibration {
  /** The target's matched threshold (what validation during training used). */
  matched: number;
  /** The threshold drafts use. */
  threshold: number;
  /** Whether drafts average the flips. */
  tta: boolean;
  /** Validation Dice at the chosen threshold, without and with the flips (null: not tried). */
  plain: number;
  flipped: number | null;
  /** Every threshold tried, ascending (only the matched one when the threshold is not calibrated). */
  scan: ThresholdScanRow[];
}

/** The best (threshold, flips) of a scan: the highest Dice; on a tie the matched threshold, then no flips
 *  (they cost 4 forward passes a slice). */
export function chooseCalibration(matched: number, scan: ThresholdScanRow[]): Calibration {
  let best: { row: ThresholdScanRow; tta: boolean; dice: number } | null = null;
  const better = (dice: number, row: ThresholdScanRow, tta: boolean): boolean => {
    if (!best) return true;
    if (dice !== best.dice) return dice > best.dice;
    if ((row.threshold === matched) !== (best.row.threshold === matched)) return row.threshold === matched;
    return !tta && best.tta;
  };
  for (const row of scan) {
    if (better(row.dice, row, false)) best = { row, tta: false, dice: row.dice };
    if (row.diceWithFlips !== null && better(row.diceWithFlips, row, true))
      best = { row, tta: true, dice: row.diceWithFlips };
  }
  if (!best) throw new RangeError('an empty threshold scan');
  const chosen: { row: ThresholdScanRow; tta: boolean } = best;
  return {
    matched,
    threshold: chosen.row.threshold,
    tta: chosen.tta,
    plain: chosen.row.dice,
    flipped: chosen.row.diceWithFlips,
    scan,
  };
}

/** Scans the validation slices (once plainly, once with the flips when `tta`) at the matched threshold,
 *  and with `calibrate` at THRESHOLD_GRID's too, and chooses. */
export async function calibrate(
  model: Network,
  validation: SliceRef[],
  o: { matched: number; calibrate: boolean; tta: boolean; signal?: AbortSignal },
): Promise<Calibration> {
  const thresholds = o.calibrate
    ? [...new Set([...THRESHOLD_GRID, o.matched])].sort((a, b) => a - b)
    : [o.matched];
  const plain = await thresholdScan(model, validation, thresholds, { signal: o.signal });
  const flipped = o.tta
    ? await thresholdScan(model, validation, thresholds, { signal: o.signal, tta: true })
    : null;
  return chooseCalibration(
    o.matched,
    thresholds.map((threshold, k) => ({
      threshold,
      dice: plain[k]!,
      diceWithFlips: flipped ? flipped[k]! : null,
    })),
  );
}

/** The trainer log's line for a calibration. */
export function calibrationLine(c: Calibration): string {
  const views =
    c.flipped === null
      ? ''
      : `, with the flips ${c.flipped.toFixed(4)} (${c.tta ? 'drafts use them' : 'drafts go without'})`;
  const matched = c.scan.find((r) => r.threshold === c.matched);
  const was =
    c.threshold !== c.matched && matched
      ? `; at the matched ${c.matched}: ${Math.max(matched.dice, matched.diceWithFlips ?? 0).toFixed(4)}`
      : '';
  return `drafts' threshold ${c.threshold}${c.scan.length > 1 ? ` (of ${c.scan.length} tried on validation)` : ''}: validation Dice ${c.plain.toFixed(4)}${views}${was}`;
}

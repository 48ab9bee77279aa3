// The drafts' threshold and flips chosen on validation: the best Dice of the scan, ties going to the
// target's matched threshold and then to no flips; and the scan's Dice are validation's own at each threshold.
import { describe, expect, it } from 'vitest';
import { chooseCalibration, calibrationLine, THRESHOLD_GRID, type ThresholdScanRow } from './calibrate';
import { thresholdScan, validationDice } from './evaluate-slices';
import { UNet } from '../model/unet';
import type { SliceRef } from './crop-batches';
import { selectBackend } from '../backends/select-backend';

const row = (threshold: number, dice: number, diceWithFlips: number | null = null): ThresholdScanRow => ({
  threshold,
  dice,
  diceWithFlips,
});

describe('chooseCalibration', () => {
  it('takes the highest Dice, with or without the flips', () => {
    const c = chooseCalibration(0.625, [row(0.5, 0.6, 0.61), row(0.625, 0.62, 0.63), row(0.75, 0.66, 0.64)]);
    expect(c).toMatchObject({ matched: 0.625, threshold: 0.75, tta: false, plain: 0.66, flipped: 0.64 });
    const f = chooseCalibration(0.625, [row(0.5, 0.6, 0.61), row(0.625, 0.62, 0.67), row(0.75, 0.66, 0.64)]);
    expect(f).toMatchObject({ threshold: 0.625, tta: true, plain: 0.62, flipped: 0.67 });
  });

  it('on a tie keeps the matched threshold, then goes without the flips', () => {
    expect(chooseCalibration(0.5, [row(0.4, 0.7), row(0.5, 0.7), row(0.6, 0.7)])).toMatchObject({
      threshold: 0.5,
      tta: false,
    });
    expect(chooseCalibration(0.5, [row(0.5, 0.7, 0.7)])).toMatchObject({ threshold: 0.5, tta: false });
    expect(chooseCalibration(0.5, [row(0.4, 0.8), row(0.6, 0.8)]).threshold).toBe(0.4);
  });

  it('an empty scan is an error, and the log line says what was chosen against the matched one', () => {
    expect(() => chooseCalibration(0.5, [])).toThrow(RangeError);
    const c = chooseCalibration(0.625, [row(0.625, 0.6, 0.61), row(0.8, 0.7, 0.72)]);
    expect(calibrationLine(c)).toBe(
      "drafts' threshold 0.8 (of 2 tried on validation): validation Dice 0.7000, with the flips 0.7200 (drafts use them); at the matched 0.625: 0.6100",
    );
    expect(THRESHOLD_GRID[0]).toBe(0.3);
    expect(THRESHOLD_GRID.at(-1)).toBe(0.9);
    expect(THRESHOLD_GRID).toContain(0.65);
  });
});

describe('thresholdScan', () => {
  it("gives validationDice's figure at each threshold, from one pass", async () => {
    await selectBackend('cpu');
    const model = UNet.create({ levels: 2, base: 4, inChannels: 1, labels: 1 }, 3);
    const w = 16;
    const slices: SliceRef[] = [0, 1, 2].map((k) => {
      const image = new Uint8Array(w * w);
      const target = new Uint8Array(w * w);
      for (let i = 0; i < w * w; i++) {
        image[i] = (i * 37 + k * 11) % 256;
        target[i] = (i + k) % 5 === 0 ? 255 : 0;
      }
      const slice: SliceRef = {
        caseId: k,
        image,
        target,
        width: w,
        height: w,
        channels: 1,
        planes: 1,
        foreground: new Uint32Array(0),
        referenceMin: 128,
      };
      return slice;
    });
    const thresholds = [0.3, 0.45, 0.5, 0.55, 0.7];
    const scan = await thresholdScan(model, slices, thresholds);
    for (let k = 0; k < thresholds.length; k++)
      expect(scan[k]).toBeCloseTo(
        (await validationDice(model, slices, { threshold: thresholds[k] })).dice,
        12,
      );
    const flips = await thresholdScan(model, slices, [0.5], { tta: true });
    expect(flips[0]).toBeCloseTo(
      (await validationDice(model, slices, { threshold: 0.5, tta: true })).dice,
      12,
    );
    model.dispose();
  });
});

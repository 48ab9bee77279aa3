import { describe, expect, it } from 'vitest';
import type { DraftOutcome } from '@contract';
import { draftValueByMethod, draftValueByModel } from './draftOutcomes';
import { samplePixels } from './AugmentSample';
import { jobFraction } from './useJob';

const outcome = (
  id: number,
  modelId: number | null,
  dice: number,
  recordedAt: string,
  method = 'unet',
): DraftOutcome => ({
  id,
  annotationId: id,
  draftRevisionId: 1,
  finalRevisionId: 2,
  modelId,
  method,
  dice,
  recordedBy: 'Ann',
  recordedAt,
});

describe('draft outcomes per model', () => {
  it('counts, averages and takes the latest Dice per model; drafts of deleted models are left out', () => {
    const v = draftValueByModel([
      outcome(1, 3, 0.8, '2026-01-01T10:00:00Z'),
      outcome(2, 3, 0.9, '2026-01-02T10:00:00Z'),
      outcome(3, 4, 0.5, '2026-01-01T10:00:00Z'),
      outcome(4, null, 0.1, '2026-01-03T10:00:00Z'),
    ]);
    expect(v.get(3)).toEqual({ count: 2, meanDice: expect.closeTo(0.85, 12) as number, latestDice: 0.9 });
    expect(v.get(4)).toEqual({ count: 1, meanDice: 0.5, latestDice: 0.5 });
    expect(v.size).toBe(2);
  });

  it('per method: every U-Net draft together, each simple model apart; simple drafts are no model', () => {
    const outcomes = [
      outcome(1, 3, 0.8, '2026-01-01T10:00:00Z'),
      outcome(2, 4, 0.6, '2026-01-02T10:00:00Z'),
      outcome(3, null, 0.7, '2026-01-01T10:00:00Z', 'watershed'),
      outcome(4, null, 0.5, '2026-01-03T10:00:00Z', 'watershed'),
      outcome(5, null, 0.3, '2026-01-03T10:00:00Z', 'otsu'),
    ];
    const m = draftValueByMethod(outcomes);
    expect(m.get('unet')).toEqual({ count: 2, meanDice: expect.closeTo(0.7, 12) as number, latestDice: 0.6 });
    expect(m.get('watershed')).toEqual({
      count: 2,
      meanDice: expect.closeTo(0.6, 12) as number,
      latestDice: 0.5,
    });
    expect(m.get('otsu')).toEqual({ count: 1, meanDice: 0.3, latestDice: 0.3 });
    expect(m.has('window')).toBe(false);
    expect([...draftValueByModel(outcomes).keys()]).toEqual([3, 4]);
  });
});

describe('inference progress', () => {
  it('counts the slices done in the current volume (events are sent after slice k is done)', () => {
    expect(jobFraction(null)).toBe(0);
    expect(jobFraction({ jobId: 'j', item: 0, items: 2, slice: 4, slices: 10 })).toBeCloseTo(0.25);
    expect(jobFraction({ jobId: 'j', item: 1, items: 2, slice: 9, slices: 10 })).toBe(1);
  });
});

describe('augmented sample pixels', () => {
  it('greys the image (0..1 clamped) and tints masked pixels, i fastest', () => {
    const px = samplePixels({ width: 2, height: 1, image: [0.5, 2], mask: [0, 1], applied: [] });
    expect([...px.subarray(0, 4)]).toEqual([128, 128, 128, 255]);
    // 255 grey blended 40 % towards (255, 213, 74).
    expect([...px.subarray(4, 8)]).toEqual([255, 238, 183, 255]);
  });
});

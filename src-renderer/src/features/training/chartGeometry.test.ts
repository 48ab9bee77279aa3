import { describe, expect, it } from 'vitest';
import { chartGeometry, mergePoints, niceCeil } from './chartGeometry';
import { canResume, formatRate, formatSeconds, runFraction } from './runFormat';

const BOX = { width: 220, height: 120, left: 10, right: 10, top: 10, bottom: 10 };

describe('training chart geometry', () => {
  it('rounds the loss axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeil(0.73)).toBeCloseTo(1);
    expect(niceCeil(1.2)).toBe(2);
    expect(niceCeil(2.2)).toBe(2.5);
    expect(niceCeil(0.031)).toBeCloseTo(0.05);
    expect(niceCeil(0)).toBe(1);
  });

  it('puts epoch 1 at the left, the last epoch at the right, loss 0 and Dice 0 at the bottom', () => {
    const g = chartGeometry(
      [
        { epoch: 1, loss: 1.6, validationDice: 0.2 },
        { epoch: 3, loss: 0.8, validationDice: 1 },
        { epoch: 2, loss: 1.0, validationDice: null },
      ],
      3,
      BOX,
    );
    expect(g.lossMax).toBe(2);
    expect(g.lossDots.map((d) => d.epoch)).toEqual([1, 2, 3]);
    expect(g.lossDots[0]).toMatchObject({ x: 10, y: 110 - (1.6 / 2) * 100 });
    expect(g.lossDots[2]).toMatchObject({ x: 210, y: 110 - 0.4 * 100 });
    // Dice has no point for an epoch without validation.
    expect(g.diceDots.map((d) => [d.epoch, d.y])).toEqual([
      [1, 90],
      [3, 10],
    ]);
    expect(g.lossPath.startsWith('M10.0,30.0 L110.0,')).toBe(true);
  });

  it('spans the planned epochs before they are trained', () => {
    const g = chartGeometry([{ epoch: 1, loss: 0.5, validationDice: 0.5 }], 11, BOX);
    expect(g.lossDots[0]!.x).toBe(10);
    expect(g.xTicks.at(-1)!.epoch).toBeLessThanOrEqual(11);
    expect(g.xTicks.every((t) => Number.isInteger(t.epoch))).toBe(true);
  });

  it('draws nothing without points', () => {
    const g = chartGeometry([], 5, BOX);
    expect(g.lossPath).toBe('');
    expect(g.dicePath).toBe('');
  });

  it('merges epochs by number, the later point winning (a resumed run redoes an epoch)', () => {
    const m = mergePoints(
      [
        { epoch: 1, loss: 1, validationDice: 0.1 },
        { epoch: 2, loss: 0.9, validationDice: 0.2 },
      ],
      [{ epoch: 2, loss: 0.7, validationDice: 0.3 }],
    );
    expect(m).toEqual([
      { epoch: 1, loss: 1, validationDice: 0.1 },
      { epoch: 2, loss: 0.7, validationDice: 0.3 },
    ]);
  });
});

describe('training text', () => {
  it('formats durations and rates', () => {
    expect(formatSeconds(42.4)).toBe('42 s');
    expect(formatSeconds(185)).toBe('3 min 05 s');
    expect(formatSeconds(3720)).toBe('1 h 02 min');
    expect(formatSeconds(Infinity)).toBe('—');
    expect(formatRate(3.456)).toBe('3.46');
    expect(formatRate(3322.4)).toBe('3322');
  });

  it('counts the current epoch’s batches in the progress', () => {
    expect(runFraction(1, 4, 2, 4)).toBeCloseTo(0.375);
    expect(runFraction(4, 4, 0, 0)).toBe(1);
    expect(runFraction(0, 0)).toBe(0);
  });

  it('resumes only cancelled or failed runs with a checkpoint', () => {
    const base = { status: 'cancelled', resumable: true } as const;
    expect(canResume(base as never)).toBe(true);
    expect(canResume({ ...base, resumable: false } as never)).toBe(false);
    expect(canResume({ ...base, status: 'completed' } as never)).toBe(false);
  });
});

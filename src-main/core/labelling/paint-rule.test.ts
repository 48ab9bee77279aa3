import { describe, expect, it } from 'vitest';
import { checkLabel, ruleTarget } from './paint-rule';

describe('paint rule', () => {
  it('paints over other labels, or protects them', () => {
    const over = { label: 2, erase: false, protect: false };
    const guard = { ...over, protect: true };
    expect([0, 1, 2, 3].map((old) => ruleTarget(over, old))).toEqual([2, 2, -1, 2]);
    expect([0, 1, 2, 3].map((old) => ruleTarget(guard, old))).toEqual([2, -1, -1, -1]);
  });

  it('erases every label, or only the active one', () => {
    const all = { label: 2, erase: true, protect: false };
    const own = { ...all, protect: true };
    expect([0, 1, 2, 3].map((old) => ruleTarget(all, old))).toEqual([-1, 0, 0, 0]);
    expect([0, 1, 2, 3].map((old) => ruleTarget(own, old))).toEqual([-1, -1, 0, -1]);
  });

  it('accepts labels 1..255 only', () => {
    expect(() => checkLabel(0)).toThrow();
    expect(() => checkLabel(256)).toThrow();
    expect(() => checkLabel(1.5)).toThrow();
    expect(() => checkLabel(255)).not.toThrow();
  });
});

// How a run's kept epoch and its test-time flips read, and that runs recorded before them say nothing.
import { describe, expect, it } from 'vitest';
import { keptText, recipeOf, ttaText } from './recipeText';

describe('recipe text', () => {
  it('names the kept epoch from 1, how it was chosen, and the weight average', () => {
    const r = recipeOf({
      recipe: {
        keptEpoch: 6,
        kept: 'best',
        threshold: 0.625,
        tta: { plain: 0.7, flipped: 0.71, on: true },
        averageDecay: 0.99,
      },
    })!;
    expect(keptText(r, 20)).toBe(
      'epoch 7 of 20 (best validation Dice), moving average of the weights (0.99)',
    );
    expect(ttaText(r)).toBe('on (validation Dice 0.710 with, 0.700 without)');
    const last = { ...r, kept: 'last' as const, keptEpoch: 19, averageDecay: null, tta: null };
    expect(keptText(last, 20)).toBe('epoch 20 of 20 (last)');
    expect(ttaText(last)).toBe('not measured (off)');
  });

  it('a run recorded before the recipe has none', () => {
    expect(recipeOf({ target: 'vote' })).toBeNull();
  });
});

// How a run's kept epoch and its test-time flips read, and that runs recorded before them say nothing.
import { describe, expect, it } from 'vitest';
import { keptText, labelDiceText, labelsOf, labelsText, recipeOf, ttaText } from './recipeText';

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

  it("an ensemble: each network's kept epoch within its own epochs, their Dice and the ensemble's", () => {
    const r = recipeOf({
      recipe: {
        keptEpoch: null,
        kept: 'last',
        threshold: 0.9,
        tta: null,
        averageDecay: 0.99,
        ensemble: {
          dice: 0.65,
          members: [
            { keptEpoch: 17, dice: 0.61 },
            { keptEpoch: 39, dice: 0.6 },
            { keptEpoch: 54, dice: 0.634 },
          ],
        },
      },
    })!;
    expect(keptText(r, 60)).toBe(
      'an ensemble of 3 networks, epochs 18, 20, 15 of 20 each (best validation Dice 0.610, 0.600, 0.634; together 0.650), moving average of the weights (0.99)',
    );
  });

  it('a refit: the validated epoch, then the training on every case whose last epoch is stored', () => {
    const r = recipeOf({
      recipe: {
        keptEpoch: 46,
        kept: 'best',
        threshold: 0.9,
        tta: { plain: 0.7, flipped: 0.71, on: true },
        averageDecay: 0.99,
        refit: { epochs: 60, keptEpoch: 119, cases: 231, slices: 3900, seconds: 700 },
      },
    })!;
    expect(keptText(r, 120)).toBe(
      'epoch 47 of 60 (best validation Dice), then the same training on every case (231 cases), 60 epochs, the last stored, moving average of the weights (0.99)',
    );
  });

  /** A semi-supervised run's recipe: 60 epochs a network, the stored one at `keptEpoch`, with `pseudo`. */
  const semiRecipe = (keptEpoch: number, pseudo: Record<string, number>) =>
    recipeOf({
      recipe: {
        keptEpoch: 40,
        kept: 'best',
        threshold: 0.9,
        tta: null,
        averageDecay: null,
        refit: { epochs: 60, keptEpoch, cases: 36, slices: 300, seconds: 700 },
        pseudo: { cases: 195, keptSlices: 900, minConfidence: 0.5, ...pseudo },
      },
    })!;

  it("a semi-supervised run's stored network: the refit labelled the unlabelled cases, then it learnt from them", () => {
    const r = semiRecipe(179, { casesWithForeground: 190 });
    expect(keptText(r, 180)).toBe(
      'epoch 41 of 60 (best validation Dice), then the same training on every case (36 cases), which labelled the 195 unlabelled ones (190 with foreground), then again with them, 60 epochs each, the last stored',
    );
  });

  it('with two label rounds, each network labelled the unlabelled cases for the next', () => {
    const r = semiRecipe(239, { casesWithForeground: 192, rounds: 2 });
    expect(keptText(r, 240)).toBe(
      'epoch 41 of 60 (best validation Dice), then the same training on every case (36 cases), which labelled the 195 unlabelled ones, then again with them in 2 rounds, each network labelling them for the next (the last labels: 192 with foreground), 60 epochs each, the last stored',
    );
  });

  it('a run recorded before the recipe has none', () => {
    expect(recipeOf({ target: 'vote' })).toBeNull();
  });

  it('lists the labels a run trains and the Dice of each, by name', () => {
    const labels = labelsOf({
      labels: [
        { value: 1, name: 'Liver' },
        { value: 2, name: 'Tumour' },
      ],
    })!;
    expect(labelsText(labels)).toBe('1 Liver, 2 Tumour (one model over background and 2 labels)');
    expect(labelsText(labels.slice(0, 1))).toBe('1 Liver');
    expect(labelDiceText({ '1': 0.9123, '2': 0.64 }, labels)).toBe('1 Liver 0.912 · 2 Tumour 0.640');
    expect(labelDiceText({ '3': 0.5 }, null)).toBe('label 3 0.500');
    // One-label runs, and runs recorded before labels were listed, show nothing more.
    expect(labelDiceText(undefined, labels)).toBeNull();
    expect(labelsOf({ label: 1 })).toBeNull();
  });
});

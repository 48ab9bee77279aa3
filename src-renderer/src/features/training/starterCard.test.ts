// A starter model is told apart by its card in trainingData: the Start from list marks it, other models
// (trained here, imported, or with an incomplete card) read as before.
import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '@contract';
import { modelOptionText, starterOf } from './starterCard';

const card = {
  id: 'concord-lidc-nodules',
  data: {
    name: 'LIDC-IDRI nodule crops',
    source: 's',
    cases: 211,
    slices: 1141,
    patients: ['LIDC-IDRI-0001'],
  },
  licence: 'CC BY 3.0 (TCIA LIDC-IDRI)',
  attribution: 'a',
  recipe: { commands: ['c'], config: {}, trainSeconds: 1245 },
  metrics: { heldOutDice: 0.54, heldOutCases: 61, heldOutPatients: ['LIDC-IDRI-0008'], reference: 'r' },
};

const model = (id: number, trainingData: Record<string, unknown>) =>
  ({ id, name: id === 1 ? 'LIDC nodule starter' : 'mine', trainingData }) as unknown as ModelInfo;

describe('starter card', () => {
  it('reads the card and marks the model in the Start from list', () => {
    expect(starterOf(model(1, { starter: card }))).toEqual(card);
    expect(modelOptionText(model(1, { starter: card }))).toBe(
      'Model 1: LIDC nodule starter (starter, public data)',
    );
  });

  it('a model without a whole card is not a starter', () => {
    expect(starterOf(model(2, { target: 'vote' }))).toBeNull();
    expect(starterOf(model(2, { starter: { id: 'x' } }))).toBeNull();
    expect(modelOptionText(model(2, {}))).toBe('Model 2: mine');
  });
});

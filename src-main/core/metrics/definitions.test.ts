// Every figure a pair comparison returns has a definition the UI can quote, and vice versa.
import { describe, expect, it } from 'vitest';
import { comparePair } from './compare';
import { METRIC_DEFINITIONS } from './definitions';
import { gridFromSpacing } from './grid';

describe('METRIC_DEFINITIONS', () => {
  it('names fields that comparePair returns', () => {
    const m = Uint8Array.from([0, 1, 1, 0]);
    const pair = comparePair(m, m, gridFromSpacing([4, 1, 1], [1, 1, 1]), 1);
    const figures = Object.keys(METRIC_DEFINITIONS).filter((k) => k !== 'fleissKappa' && k !== 'boundary');
    for (const k of figures) expect(pair).toHaveProperty(k);
    for (const k of [
      'dice',
      'jaccard',
      'hausdorff',
      'hd95',
      'assd',
      'surfaceDice',
      'volumeA_ml',
      'cohenKappa',
    ]) {
      expect(METRIC_DEFINITIONS).toHaveProperty(k);
    }
  });
});

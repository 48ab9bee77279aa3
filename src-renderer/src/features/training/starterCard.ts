// A starter model's card (services/training/starter-model.ts keeps it in the model's trainingData under
// `starter`): the UI marks such a model, and shows what it was trained on, its licence, how and how well.
import type { ModelInfo, StarterCard } from '@contract';
import { starterCardOf } from '@core/training/starter-card';

export function starterOf(m: Pick<ModelInfo, 'trainingData'>): StarterCard | null {
  return starterCardOf(m.trainingData);
}

/** The start-from list's text for a model: a starter says so. */
export function modelOptionText(m: ModelInfo): string {
  return starterOf(m) ? `Model ${m.id}: ${m.name} (starter, public data)` : `Model ${m.id}: ${m.name}`;
}

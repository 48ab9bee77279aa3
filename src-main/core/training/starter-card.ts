// Whether a registry model is a starter (a model trained on public data that Concord ships in every
// workspace, services/training/starter-model.ts), read from its trainingData: pure, for main and the UI.
import type { StarterCard } from '../model';

/** The starter's card in a model's trainingData (`starter`), or null when the model is not a starter. */
export function starterCardOf(trainingData: Record<string, unknown>): StarterCard | null {
  const c = trainingData['starter'];
  if (!c || typeof c !== 'object') return null;
  const card = c as Partial<StarterCard>;
  return typeof card.id === 'string' && card.data && card.metrics && card.recipe
    ? (card as StarterCard)
    : null;
}

// Text for how a run's weights were kept and how its model drafts (the recipe's outcome, recorded with the
// run and the model: services/training/run-records.ts recipeOutcome). Runs and models stored before it was
// recorded have none and say nothing.
export interface RecipeOutcome {
  keptEpoch: number | null;
  kept: 'best' | 'last';
  threshold: number;
  tta: { plain: number; flipped: number; on: boolean } | null;
  averageDecay: number | null;
}

export function recipeOf(trainingData: Record<string, unknown>): RecipeOutcome | null {
  const r = trainingData['recipe'];
  return r && typeof r === 'object' ? (r as RecipeOutcome) : null;
}

/** "epoch 7 of 20 (best validation Dice), weight average" — epochs count from 1 for the reader. */
export function keptText(r: RecipeOutcome, epochs: number): string {
  if (r.keptEpoch === null) return '—';
  const how = r.kept === 'best' ? 'best validation Dice' : 'last';
  const avg = r.averageDecay !== null ? `, moving average of the weights (${r.averageDecay})` : '';
  return `epoch ${r.keptEpoch + 1} of ${epochs} (${how})${avg}`;
}

/** "flips on (0.612 with, 0.598 without)" or "flips off (…)"; "not measured" when the run did not. */
export function ttaText(r: RecipeOutcome): string {
  if (!r.tta) return 'not measured (off)';
  return `${r.tta.on ? 'on' : 'off'} (validation Dice ${r.tta.flipped.toFixed(3)} with, ${r.tta.plain.toFixed(3)} without)`;
}

// What drafts were worth (pure, tested): per model, and per method (the U-Net's drafts, whatever the model,
// beside the simple models': watershed, Otsu, CT window), how many drafts annotators corrected and marked
// done, and the mean and latest Dice between the draft and the final mask (draft:outcomes). Side by side
// they show a team when a simple model is enough.
import type { DraftOutcome } from '@contract';

export interface DraftValue {
  count: number;
  meanDice: number;
  /** The most recently recorded outcome's Dice. */
  latestDice: number;
}

function summarise(g: readonly DraftOutcome[]): DraftValue {
  const latest = g.reduce((a, b) =>
    b.recordedAt > a.recordedAt || (b.recordedAt === a.recordedAt && b.id > a.id) ? b : a,
  );
  return { count: g.length, meanDice: g.reduce((s, o) => s + o.dice, 0) / g.length, latestDice: latest.dice };
}

function groupBy<K>(
  outcomes: readonly DraftOutcome[],
  key: (o: DraftOutcome) => K | null,
): Map<K, DraftValue> {
  const groups = new Map<K, DraftOutcome[]>();
  for (const o of outcomes) {
    const k = key(o);
    if (k === null) continue;
    const g = groups.get(k) ?? [];
    g.push(o);
    groups.set(k, g);
  }
  return new Map([...groups].map(([k, g]) => [k, summarise(g)]));
}

/** Per registry model (drafts of deleted models and of simple models are left out). */
export function draftValueByModel(outcomes: readonly DraftOutcome[]): Map<number, DraftValue> {
  return groupBy(outcomes, (o) => (o.method === 'unet' ? o.modelId : null));
}

/** The methods in the order they are listed, with their names. */
export const DRAFT_METHODS = [
  { method: 'unet', name: 'U-Net (any model)' },
  { method: 'watershed', name: 'Watershed' },
  { method: 'otsu', name: 'Otsu' },
  { method: 'window', name: 'CT window' },
] as const;

/** Per method: the U-Net's drafts (every model) beside each simple model's. */
export function draftValueByMethod(outcomes: readonly DraftOutcome[]): Map<string, DraftValue> {
  return groupBy(outcomes, (o) => o.method);
}

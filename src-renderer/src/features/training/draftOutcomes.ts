// What a model's drafts were worth (pure, tested): per model, how many drafts annotators corrected and
// marked done, and the mean and latest Dice between the draft and the final mask (draft:outcomes).
import type { DraftOutcome } from '@contract';

export interface DraftValue {
  count: number;
  meanDice: number;
  /** The most recently recorded outcome's Dice. */
  latestDice: number;
}

export function draftValueByModel(outcomes: readonly DraftOutcome[]): Map<number, DraftValue> {
  const groups = new Map<number, DraftOutcome[]>();
  for (const o of outcomes) {
    if (o.modelId === null) continue;
    const g = groups.get(o.modelId) ?? [];
    g.push(o);
    groups.set(o.modelId, g);
  }
  const out = new Map<number, DraftValue>();
  for (const [id, g] of groups) {
    const latest = g.reduce((a, b) =>
      b.recordedAt > a.recordedAt || (b.recordedAt === a.recordedAt && b.id > a.id) ? b : a,
    );
    out.set(id, {
      count: g.length,
      meanDice: g.reduce((s, o) => s + o.dice, 0) / g.length,
      latestDice: latest.dice,
    });
  }
  return out;
}

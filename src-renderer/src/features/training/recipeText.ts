// Text for how a run's weights were kept and how its model drafts (the recipe's outcome, recorded with the
// run and the model: services/training/run-records.ts recipeOutcome). Runs and models stored before it was
// recorded have none and say nothing.
export interface RecipeOutcome {
  keptEpoch: number | null;
  kept: 'best' | 'last';
  threshold: number;
  tta: { plain: number; flipped: number; on: boolean } | null;
  /** The validation scan that chose `threshold` (one label, runs that calibrated it). */
  calibration?: {
    matched: number;
    scan: { threshold: number; dice: number; diceWithFlips: number | null }[];
  };
  averageDecay: number | null;
  /** A model of several labels: the kept epoch's validation Dice per label value (string). */
  labelDice?: Record<string, number>;
  /** An ensemble: its own validation Dice, and each member's kept epoch (numbered through the run) and
   *  validation Dice. */
  ensemble?: { dice: number; members: { keptEpoch: number | null; dice: number | null }[] };
  /** A refit: the stored network was trained again on every case (`cases`) for `epochs`, its last epoch
   *  kept; keptEpoch, threshold and flips are the validated network's. */
  refit?: { epochs: number; keptEpoch: number; cases: number; slices: number; seconds: number };
  /** A semi-supervised run: the pseudo-labels on the unlabelled cases which the stored network (the last
   *  student) trained on beside the labelled ones (training/process/pseudo-cases.ts), made by the refit or,
   *  after the first of `rounds` (absent in runs before them: 1), by the student before. */
  pseudo?: {
    cases: number;
    casesWithForeground: number;
    keptSlices: number;
    minConfidence: number;
    rounds?: number;
  };
}

export interface LabelName {
  value: number;
  name: string;
}

export function recipeOf(trainingData: Record<string, unknown>): RecipeOutcome | null {
  const r = trainingData['recipe'];
  return r && typeof r === 'object' ? (r as RecipeOutcome) : null;
}

/** "epoch 7 of 20 (best validation Dice), weight average" — epochs count from 1 for the reader. A refit's:
 *  "epoch 47 of 60 (best validation Dice), then the same training on every case (231 cases), 60 epochs,
 *  the last stored, …" (its threshold and flips are the validated network's); a semi-supervised run's
 *  stored network, trained once more with the refit's pseudo-labels: "epoch 47 of 60 (…), then the same
 *  training on every case (36 cases), which labelled the 195 unlabelled ones (190 with foreground), then
 *  again with them, 60 epochs each, the last stored". An
 *  ensemble's (`epochs` in all, its members' one after another): "an ensemble of 3 networks, epochs 18, 20,
 *  15 of 20 each (best validation Dice 0.61, 0.60, 0.63; together 0.650), …". */
export function keptText(r: RecipeOutcome, epochs: number): string {
  const avg = r.averageDecay !== null ? `, moving average of the weights (${r.averageDecay})` : '';
  const e = r.ensemble;
  if (e) {
    const n = e.members.length;
    const per = Math.round(epochs / n);
    const kept = e.members.map((m) => (m.keptEpoch === null ? '—' : String((m.keptEpoch % per) + 1)));
    const dice = e.members.map((m) => (m.dice === null ? '—' : m.dice.toFixed(3)));
    return `an ensemble of ${n} networks, epochs ${kept.join(', ')} of ${per} each (best validation Dice ${dice.join(', ')}; together ${e.dice.toFixed(3)})${avg}`;
  }
  const how = r.kept === 'best' ? 'best validation Dice' : 'last';
  const f = r.refit;
  if (f) {
    const validated = r.keptEpoch === null ? 'validated' : `epoch ${r.keptEpoch + 1} of ${f.epochs} (${how})`;
    const p = r.pseudo;
    if (p && (p.rounds ?? 1) > 1)
      return `${validated}, then the same training on every case (${f.cases} cases), which labelled the ${p.cases} unlabelled ones, then again with them in ${p.rounds} rounds, each network labelling them for the next (the last labels: ${p.casesWithForeground} with foreground), ${f.epochs} epochs each, the last stored${avg}`;
    if (p)
      return `${validated}, then the same training on every case (${f.cases} cases), which labelled the ${p.cases} unlabelled ones (${p.casesWithForeground} with foreground), then again with them, ${f.epochs} epochs each, the last stored${avg}`;
    return `${validated}, then the same training on every case (${f.cases} cases), ${f.epochs} epochs, the last stored${avg}`;
  }
  if (r.keptEpoch === null) return '—';
  return `epoch ${r.keptEpoch + 1} of ${epochs} (${how})${avg}`;
}

/** "0.75, chosen on validation (Dice 0.641; 0.598 at the target's 0.625)", or "0.625 (the target's)". */
export function thresholdText(r: RecipeOutcome): string {
  const c = r.calibration;
  if (!c || c.scan.length < 2) return `${r.threshold} (the target's)`;
  const best = (t: number): number | null => {
    const row = c.scan.find((x) => x.threshold === t);
    return row ? Math.max(row.dice, row.diceWithFlips ?? 0) : null;
  };
  const chosen = best(r.threshold);
  const matched = best(c.matched);
  const at = chosen === null ? '' : ` (Dice ${chosen.toFixed(3)}`;
  const was =
    r.threshold === c.matched || matched === null
      ? ''
      : `; ${matched.toFixed(3)} at the target's ${c.matched}`;
  return `${r.threshold}, chosen on validation${at}${was}${at ? ')' : ''}`;
}

/** "flips on (0.612 with, 0.598 without)" or "flips off (…)"; "not measured" when the run did not. */
export function ttaText(r: RecipeOutcome): string {
  if (!r.tta) return 'not measured (off)';
  return `${r.tta.on ? 'on' : 'off'} (validation Dice ${r.tta.flipped.toFixed(3)} with, ${r.tta.plain.toFixed(3)} without)`;
}

/** The labels a run trains (its record's `labels`, in the model's order); null for runs recorded before. */
export function labelsOf(trainingData: Record<string, unknown>): LabelName[] | null {
  const l = trainingData['labels'];
  return Array.isArray(l) ? (l as LabelName[]) : null;
}

/** "1 Liver, 2 Tumour (one model: softmax over background and 2 labels)" or "1 Lesion". */
export function labelsText(labels: LabelName[]): string {
  const list = labels.map((l) => `${l.value} ${l.name}`).join(', ');
  return labels.length > 1 ? `${list} (one model over background and ${labels.length} labels)` : list;
}

/** "1 Liver 0.912 · 2 Tumour 0.640", named where the labels are known; null without per-label Dice. */
export function labelDiceText(dice: unknown, labels: LabelName[] | null): string | null {
  if (!dice || typeof dice !== 'object') return null;
  const name = (v: string): string => {
    const l = labels?.find((x) => String(x.value) === v);
    return l ? `${v} ${l.name}` : `label ${v}`;
  };
  const parts = Object.entries(dice as Record<string, unknown>)
    .filter(([, d]) => typeof d === 'number')
    .map(([v, d]) => `${name(v)} ${(d as number).toFixed(3)}`);
  return parts.length ? parts.join(' · ') : null;
}

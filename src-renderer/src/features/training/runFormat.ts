// Text for the training views: durations (ETA, elapsed), rates and metrics, in the units the user reads.
import type { RunInfo, TrainingTarget } from '@contract';

/** Seconds as "42 s", "3 min 05 s" or "1 h 02 min"; "—" when unknown (not finite or negative). */
export function formatSeconds(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '—';
  const s = Math.round(sec);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Images per second with 2 significant decimals below 10, whole numbers above. */
export function formatRate(imagesPerSecond: number): string {
  if (!Number.isFinite(imagesPerSecond) || imagesPerSecond < 0) return '—';
  return imagesPerSecond < 10 ? imagesPerSecond.toFixed(2) : Math.round(imagesPerSecond).toString();
}

/** A Dice or loss value with 3 decimals, "—" for null. */
export function formatMetric(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3);
}

export function targetText(t: TrainingTarget): string {
  if (t === 'agreement') return "raters' agreement (share marking each voxel)";
  if (t === 'reference') return 'signed-off reference';
  if (t === 'vote') return 'majority vote';
  if (t === 'staple') return 'STAPLE probability';
  return `annotator ${t.slice('annotator:'.length)}`;
}

/** Fraction of the run done, 0..1: finished epochs plus the current epoch's batches. */
export function runFraction(epochsDone: number, epochs: number, batch = 0, batches = 0): number {
  if (epochs <= 0) return 0;
  const inEpoch = batches > 0 ? Math.min(1, batch / batches) : 0;
  return Math.min(1, (epochsDone + inEpoch) / epochs);
}

/** Whether the run can be resumed from a checkpoint. */
export function canResume(r: RunInfo): boolean {
  return (r.status === 'cancelled' || r.status === 'failed') && r.resumable;
}

/** The network (1-based) an ensemble's epoch (from 0, numbered through the run) belongs to. */
export function memberOf(epoch: number, epochs: number, members: number): number {
  const per = Math.max(1, Math.round(epochs / Math.max(1, members)));
  return Math.min(members, Math.floor(epoch / per) + 1);
}

/** A refitting run's phase at an epoch (from 0, numbered through the run: the validated network's epochs,
 *  then the refit's as many again, then those of a semi-supervised run's students, one per label round, as
 *  many again each). */
export function refitPhase(epoch: number, epochs: number, labelRounds = 0): string {
  const per = Math.max(1, Math.round(epochs / (2 + labelRounds)));
  const phase = Math.min(1 + labelRounds, Math.floor(epoch / per));
  if (phase === 0) return 'validated training';
  if (phase === 1) return 'again on every case';
  return `again with the pseudo-labels${labelRounds > 1 ? ` (round ${phase - 1}/${labelRounds})` : ''}`;
}

/** A refitting run's plan: " (60 validated, then 60 on every case)", and a semi-supervised run's students:
 *  " (60 validated, 60 on every case, then 60 with the pseudo-labels)", " (…, then 60 with the
 *  pseudo-labels in each of 2 rounds)". */
export function refitPlan(epochs: number, labelRounds: number): string {
  if (labelRounds === 0) return ` (${epochs / 2} validated, then ${epochs / 2} on every case)`;
  const per = epochs / (2 + labelRounds);
  const each = labelRounds > 1 ? ` in each of ${labelRounds} rounds` : '';
  return ` (${per} validated, ${per} on every case, then ${per} with the pseudo-labels${each})`;
}

/** " (by subject: 15 subjects)", or, split by case, how many validation cases share a person with training. */
export function splitNote(split: RunInfo['split']): string {
  const n = split.validationSubjects ?? 0;
  if (split.by === 'subject') return ` (by subject: ${n} subject${n === 1 ? '' : 's'})`;
  const shared = split.sharedSubjects ?? 0;
  return shared > 0 ? ` (${shared} share a subject with training cases)` : '';
}

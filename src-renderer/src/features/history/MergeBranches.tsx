// "Merge both branches" in the History panel's fork banner: instead of picking one tip, keep what both
// branches changed since they forked (main merges three-way: annotation:mergeBranches). Asks which branch
// wins where both changed a voxel to different labels, then says how many voxels that was. With more than
// two tips, the head's branch is merged with one chosen tip (main requires the head among the two; the
// others stay open). Main checks the role and blinding; its refusal is shown as it is.
import { useState } from 'react';
import type { RevisionInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { CASE_QUERIES, invalidateQueries } from '../../api/queries';

interface Props {
  annotationId: number;
  head: number | null;
  /** The open tips, the head first (core/labelling/forks.ts); fewer than two: nothing to merge. */
  tips: readonly RevisionInfo[];
}

const nameOf = (t: RevisionInfo) => `${t.author}'s branch (#${t.id})`;

export function MergeBranches({ annotationId, head, tips }: Props) {
  // The choice being made (the tip merged with the head's, the primary), or null.
  const [choice, setChoice] = useState<{ other: number; primary: number } | null>(null);
  const [busy, setBusy] = useState(false);
  // Tagged with the annotation it is about: the banner is gone after a merge, the answer stays.
  const [said, setSaid] = useState<{ annotationId: number; text: string; error: boolean } | null>(null);
  const headTip = tips.find((t) => t.id === head) ?? tips[0];
  const others = tips.filter((t) => t !== headTip);
  const message = said?.annotationId === annotationId ? said : null;
  const status = message && (
    <p role="status" className={message.error ? 'error' : 'muted'} data-testid="merge-result">
      {message.text}
    </p>
  );
  if (!headTip || others.length === 0) return status;
  const chosen = choice && others.some((t) => t.id === choice.other) ? choice : null;

  const merge = async (c: { other: number; primary: number }) => {
    setBusy(true);
    try {
      const r = await call(
        getBridge().invoke('annotation:mergeBranches', {
          annotationId,
          tips: [headTip.id, c.other],
          primary: c.primary,
        }),
      );
      const primary = tips.find((t) => t.id === c.primary)!;
      setSaid({
        annotationId,
        text: `merged: ${r.conflicts.toLocaleString()} conflicting voxel${r.conflicts === 1 ? '' : 's'} took ${nameOf(primary)}`,
        error: false,
      });
      setChoice(null);
      invalidateQueries(...CASE_QUERIES);
    } catch (e) {
      setSaid({ annotationId, text: (e as Error).message, error: true });
    } finally {
      setBusy(false);
    }
  };

  if (!chosen)
    return (
      <div className="merge" data-testid="merge-branches">
        <button
          type="button"
          data-testid="merge-start"
          disabled={busy}
          onClick={() => setChoice({ other: others[0]!.id, primary: headTip.id })}
        >
          {others.length === 1 ? 'Merge both branches' : 'Merge two branches'}
        </button>
        {status}
      </div>
    );
  const pair = [headTip, tips.find((t) => t.id === chosen.other)!];
  return (
    <div className="merge" data-testid="merge-branches">
      {others.length > 1 && (
        <label>
          Merge the head&apos;s branch with{' '}
          <select
            data-testid="merge-other"
            value={chosen.other}
            onChange={(e) => setChoice({ other: Number(e.target.value), primary: headTip.id })}
          >
            {others.map((t) => (
              <option key={t.id} value={t.id}>
                {nameOf(t)}
              </option>
            ))}
          </select>
        </label>
      )}
      <fieldset>
        <legend>Where both branches changed a voxel differently, which wins?</legend>
        {pair.map((t) => (
          <label key={t.id}>
            <input
              type="radio"
              name={`merge-primary-${annotationId}`}
              data-testid={`merge-primary-${t.id}`}
              checked={chosen.primary === t.id}
              onChange={() => setChoice({ ...chosen, primary: t.id })}
            />{' '}
            {nameOf(t)}
          </label>
        ))}
      </fieldset>
      <button type="button" data-testid="merge-confirm" disabled={busy} onClick={() => void merge(chosen)}>
        Merge
      </button>{' '}
      <button type="button" className="link" disabled={busy} onClick={() => setChoice(null)}>
        Cancel
      </button>
      {status}
    </div>
  );
}

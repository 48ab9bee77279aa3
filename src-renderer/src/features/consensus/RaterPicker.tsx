// The rater set of the comparison, merges, agreement map and adjudication: every annotation of the volume
// with a tick box. Ticked by default: the submitted manual annotations (main's default set); annotations not
// submitted, derived ones (consensus, references) and AI drafts are unticked until the reviewer ticks them.
// When the ticks equal the default, requests name no set (main records 'default'); otherwise they name the
// ticked annotations (recorded as 'chosen' in every stored merge's provenance).
import { useEffect, useMemo, useState } from 'react';
import type { RaterCandidate } from '@contract';
import { call, getBridge } from '../../api/bridge';

interface Props {
  volumeId: number;
  /** Bumped when the volume's annotations change (a merge adds a candidate). */
  version: unknown;
  value: number[] | null;
  onChange(ids: number[] | null): void;
}

const KIND: Record<NonNullable<RaterCandidate['derivation']>, string> = {
  consensus: 'consensus',
  draft: 'AI draft',
  reference: 'reference',
  working: 'working reference',
};

export function RaterPicker({ volumeId, version, value, onChange }: Props) {
  const [candidates, setCandidates] = useState<RaterCandidate[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call(getBridge().invoke('consensus:raters', { volumeId }))
      .then((c) => live && setCandidates(c))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [volumeId, version]);
  const byDefault = useMemo(
    () => candidates.filter((c) => c.byDefault).map((c) => c.annotationId),
    [candidates],
  );
  const ticked = new Set(value ?? byDefault);
  const flip = (id: number) => {
    const next = candidates
      .map((c) => c.annotationId)
      .filter((x) => (x === id ? !ticked.has(x) : ticked.has(x)));
    const same = next.length === byDefault.length && next.every((x) => byDefault.includes(x));
    onChange(same ? null : next);
  };
  return (
    <section className="cs-section" data-testid="rater-picker" aria-label="Raters">
      <h3>
        Raters{' '}
        <span className="muted">
          ({ticked.size} ticked{value ? '' : ': the submitted annotations'})
        </span>
      </h3>
      {error && <p className="error">{error}</p>}
      <ul className="raters">
        {candidates.map((c) => (
          <li key={c.annotationId}>
            <label>
              <input
                type="checkbox"
                data-testid={`rater-${c.name}`}
                checked={ticked.has(c.annotationId)}
                disabled={c.headRevisionId === null}
                onChange={() => flip(c.annotationId)}
              />
              {c.name}{' '}
              <span className="muted">
                {c.kind === 'manual'
                  ? c.submitted
                    ? 'submitted'
                    : 'not submitted'
                  : KIND[c.derivation ?? 'consensus']}
                {c.headRevisionId === null ? ', nothing saved' : ''}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}

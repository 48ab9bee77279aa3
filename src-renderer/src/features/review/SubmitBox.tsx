// The signed-in profile's submission of the open case: "Submit case" when done (their masks of the case then
// become read-only to them, main refuses saves), the state once submitted, and a reviewer's comment when the
// case was returned (editable again). While submitted, the own editor is read-only with that reason, so no
// stroke is drawn that main would refuse to save.
import { useState } from 'react';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';
import { useQuery } from '../../api/useQuery';
import { useReadOnlyWhile, type ReadOnlyTarget } from './useReadOnlyWhile';

export const SUBMITTED_READ_ONLY = 'Submitted: read-only to you until a reviewer returns it.';

interface Props {
  caseId: number;
  profileId: number;
  /** The editor of the own (manual) annotation of the case: read-only while the case is submitted. */
  editor: ReadOnlyTarget | null;
}

export function SubmitBox({ caseId, profileId, editor }: Props) {
  const mine = useQuery({
    name: 'team',
    params: { caseId, profileId, mine: true },
    fetch: () => call(getBridge().invoke('case:mySubmission', { caseId })),
  });
  const [error, setError] = useState<string | null>(null);
  const s = mine.data ?? null;
  useReadOnlyWhile(editor, s?.state === 'submitted' ? SUBMITTED_READ_ONLY : null);
  const submit = async () => {
    try {
      await call(getBridge().invoke('case:submit', { caseId }));
      setError(null);
      invalidateQueries('team', 'worklist', 'caseAnnotations');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="submit-box" data-testid="submission" data-state={s?.state ?? 'none'}>
      {s?.state === 'submitted' ? (
        <p className="muted">{SUBMITTED_READ_ONLY}</p>
      ) : (
        <>
          {s?.state === 'returned' && (
            <p className="flag" data-testid="returned-comment">
              Returned by {s.stateBy}: {s.comment}
            </p>
          )}
          <button type="button" data-testid="submit-case" onClick={() => void submit()}>
            Submit case
          </button>
        </>
      )}
      {(error ?? mine.error) && <p className="error">{error ?? mine.error}</p>}
    </div>
  );
}

// The signed-in profile's submission of the open case: "Submit case" when done (their masks of the case then
// become read-only to them, main refuses saves), the state once submitted, and a reviewer's comment when the
// case was returned (editable again).
import { useState } from 'react';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';
import { useQuery } from '../../api/useQuery';

export function SubmitBox({ caseId, profileId }: { caseId: number; profileId: number }) {
  const mine = useQuery({
    name: 'team',
    params: { caseId, profileId, mine: true },
    fetch: () => call(getBridge().invoke('case:mySubmission', { caseId })),
  });
  const [error, setError] = useState<string | null>(null);
  const s = mine.data ?? null;
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
        <p className="muted">Submitted: read-only to you until a reviewer returns it.</p>
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

// Reviewers and admins: the project's team. Assign cases to annotators — the ticked cases (or all) to the
// ticked annotators, each case to all of them or to k of them, balanced (least-loaded first: main decides) —
// and see one row per case with each assignee's status; a submitted assignee's work can be returned with a
// comment (it becomes editable to them again).
import { useState } from 'react';
import type { AssigneeStatus, CaseTeamRow } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';
import { useQuery } from '../../api/useQuery';

const STATUS: Record<AssigneeStatus, string> = {
  'not-started': 'not started',
  'in-progress': 'in progress',
  flagged: 'flagged',
  submitted: 'submitted',
  returned: 'returned',
};

export function TeamPanel({ projectId }: { projectId: number }) {
  const team = useQuery({
    name: 'team',
    params: { projectId },
    fetch: () => call(getBridge().invoke('assignment:team', { projectId })),
  });
  const people = useQuery({
    name: 'team',
    params: { profiles: true },
    fetch: () => call(getBridge().invoke('annotator:list', undefined)),
  });
  const annotators = (people.data ?? []).filter((p) => p.role === 'annotator');
  const rows: CaseTeamRow[] = team.data ?? [];
  const [who, setWho] = useState<Set<number>>(new Set());
  const [cases, setCases] = useState<Set<number>>(new Set());
  const [perCase, setPerCase] = useState('');
  const [returning, setReturning] = useState<{ caseId: number; annotatorId: number } | null>(null);
  const [comment, setComment] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const flip = (s: Set<number>, id: number) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  };
  const act = async (what: () => Promise<string>) => {
    try {
      setMessage({ ok: true, text: await what() });
      invalidateQueries('worklist', 'team');
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const assign = () =>
    act(async () => {
      const k = perCase.trim() ? Number(perCase) : undefined;
      const r = await call(
        getBridge().invoke('assignment:add', {
          projectId,
          annotatorIds: annotators.filter((a) => who.has(a.id)).map((a) => a.id),
          ...(cases.size > 0
            ? { caseIds: rows.filter((c) => cases.has(c.caseId)).map((c) => c.caseId) }
            : {}),
          ...(k !== undefined ? { perCase: k } : {}),
        }),
      );
      return `${r.added.length} assignment(s) added; cases each: ${r.load.map((l) => `${l.annotatorName} ${l.cases}`).join(', ')}.`;
    });
  const giveBack = () =>
    act(async () => {
      await call(getBridge().invoke('case:return', { ...returning!, comment }));
      setReturning(null);
      setComment('');
      return 'Returned with your comment.';
    });

  return (
    <section className="panel team" aria-label="Team" data-testid="team">
      <h2>Team</h2>
      <div className="team-assign">
        <div>
          {annotators.map((a) => (
            <label key={a.id}>
              <input
                type="checkbox"
                data-testid={`assign-who-${a.name}`}
                checked={who.has(a.id)}
                onChange={() => setWho(flip(who, a.id))}
              />
              {a.name}
            </label>
          ))}
        </div>
        <label title="Each case to this many of the ticked annotators, balanced; empty: to all of them">
          each case to{' '}
          <input
            data-testid="assign-per-case"
            size={2}
            value={perCase}
            placeholder="all"
            onChange={(e) => setPerCase(e.target.value)}
          />{' '}
          of them
        </label>
        <button type="button" data-testid="assign" disabled={who.size === 0} onClick={() => void assign()}>
          Assign {cases.size > 0 ? `${cases.size} ticked case(s)` : 'all cases'}
        </button>
      </div>
      {message && (
        <p className={message.ok ? 'muted' : 'error'} data-testid="team-message" role="status">
          {message.text}
        </p>
      )}
      {team.error && <p className="error">{team.error}</p>}
      <table>
        <tbody>
          {rows.map((c) => (
            <tr key={c.caseId} data-testid={`team-case-${c.caseName}`}>
              <td>
                <label>
                  <input
                    type="checkbox"
                    data-testid={`assign-case-${c.caseName}`}
                    checked={cases.has(c.caseId)}
                    onChange={() => setCases(flip(cases, c.caseId))}
                  />
                  {c.caseName}
                </label>
                {c.reviewOpen && <div className="muted">open for review</div>}
              </td>
              <td>
                {c.assignees.length === 0 && <span className="muted">nobody</span>}
                {c.assignees.map((a) => (
                  <div
                    key={a.annotatorId}
                    data-testid={`assignee-${c.caseName}-${a.annotatorName}`}
                    data-status={a.status}
                  >
                    {a.annotatorName}
                    {!a.assigned && <span className="muted"> (unassigned)</span>}:{' '}
                    <span className={`status status-${a.status}`}>{STATUS[a.status]}</span>
                    {a.status === 'submitted' && (
                      <button
                        type="button"
                        className="link"
                        data-testid={`return-${c.caseName}-${a.annotatorName}`}
                        onClick={() => setReturning({ caseId: c.caseId, annotatorId: a.annotatorId })}
                      >
                        Return…
                      </button>
                    )}
                    {returning?.caseId === c.caseId && returning.annotatorId === a.annotatorId && (
                      <form
                        onSubmit={(e) => {
                          e.preventDefault();
                          void giveBack();
                        }}
                      >
                        <input
                          data-testid="return-comment"
                          autoFocus
                          placeholder="What to change (for the annotator)"
                          value={comment}
                          onChange={(e) => setComment(e.target.value)}
                        />
                        <button type="submit" data-testid="return-submit" disabled={!comment.trim()}>
                          Return
                        </button>
                      </form>
                    )}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

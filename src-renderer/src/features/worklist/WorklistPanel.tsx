// The worklist of the project: cases × annotators with status and time spent (annotators see their assigned
// cases, reviewers and admins the assignees and labellers of each case); a submitted case shows as such
// (no status change until a reviewer returns it, with the comment shown). "Next case" (Alt+N) opens the first case in progress, else the
// first not started; the own row of the open case can be marked done, flagged for review with a comment, or
// reopened. Reviewers and admins can order it by a model's uncertainty (active learning): the unlabelled
// cases the model is least sure of first, each with its mean entropy. The rows are a query ('worklist'): a
// save, a status, a time report or an annotation opened here, or a new revision pushed by main, reads them
// again.
import { useCallback, useMemo, useState } from 'react';
import type { AnnotatorInfo, ModelInfo, WorklistRow, WorkStatus } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';
import { useQuery } from '../../api/useQuery';
import { orderByUncertainty, unlistedRanked } from './uncertaintyOrder';
import { UncertaintySort } from './UncertaintySort';
import type { UncertaintyRanking } from './useUncertaintyRanking';

interface Props {
  projectId: number | null;
  me: AnnotatorInfo;
  openVolumeId: number | null;
  onOpenVolume(volumeId: number): void;
  onNextCase(): void;
  nextMessage: string | null;
  /** Registry models for the uncertainty order (reviewers and admins). */
  models: ModelInfo[];
  ranking: UncertaintyRanking;
}

const NO_ROWS: WorklistRow[] = [];

const STATUS_TEXT: Record<WorkStatus, string> = {
  'not-started': 'not started',
  'in-progress': 'in progress',
  done: 'done',
  flagged: 'flagged',
};

export function formatDuration(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = Math.floor(sec % 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m}:${String(s).padStart(2, '0')}`;
}

export function WorklistPanel({
  projectId,
  me,
  openVolumeId,
  onOpenVolume,
  onNextCase,
  nextMessage,
  models,
  ranking,
}: Props) {
  const worklist = useQuery(
    projectId === null
      ? null
      : {
          name: 'worklist',
          params: { projectId, profileId: me.id },
          fetch: () => call(getBridge().invoke('worklist:get', { projectId })),
        },
  );
  const rows: WorklistRow[] = worklist.data ?? NO_ROWS;
  // A failed action's message shows until the rows are read again.
  const [actionError, setActionError] = useState<{ text: string; rows: unknown } | null>(null);
  const error = (actionError?.rows === worklist.data ? actionError?.text : null) ?? worklist.error;
  const [flagging, setFlagging] = useState<number | null>(null);
  const [comment, setComment] = useState('');

  const shownRows = worklist.data;
  const setStatus = useCallback(
    async (annotationId: number, status: WorkStatus, why?: string) => {
      try {
        await call(getBridge().invoke('worklist:setStatus', { annotationId, status, comment: why }));
        setFlagging(null);
        setComment('');
        invalidateQueries('worklist');
      } catch (e) {
        setActionError({ text: (e as Error).message, rows: shownRows });
      }
    },
    [shownRows],
  );

  const ranked = ranking.ranking && ranking.ranking.projectId === projectId ? ranking.ranking.rows : null;
  const ordered = useMemo(() => (ranked ? orderByUncertainty(rows, ranked) : rows), [rows, ranked]);
  const entropy = useMemo(
    () => new Map((ranked ?? []).map((r) => [r.volumeId, r.meanEntropyBits])),
    [ranked],
  );
  if (projectId === null) return null;
  const mayManage = (r: WorklistRow): boolean => r.annotatorId === me.id || me.role !== 'annotator';
  return (
    <section className="panel worklist" aria-label="Worklist" data-testid="worklist">
      <h2>
        Worklist
        <button type="button" data-testid="next-case" title="Open the next case (Alt+N)" onClick={onNextCase}>
          Next case
        </button>
      </h2>
      {me.role !== 'annotator' && <UncertaintySort projectId={projectId} models={models} state={ranking} />}
      {nextMessage && <p className="muted">{nextMessage}</p>}
      {error && <p className="error">{error}</p>}
      <table>
        <tbody>
          {ordered.map((r) => {
            const key = `${r.volumeId}:${r.annotatorId}`;
            const open = r.volumeId === openVolumeId;
            return (
              <tr
                key={key}
                className={open ? 'open' : undefined}
                data-testid={`worklist-row-${r.caseName}-${r.annotatorName}`}
                data-status={r.status}
              >
                <td>
                  <button
                    type="button"
                    className="link"
                    title="Open this case"
                    onClick={() => onOpenVolume(r.volumeId)}
                  >
                    {r.caseName}
                  </button>
                  {me.role !== 'annotator' && <div className="muted">{r.annotatorName}</div>}
                  {entropy.has(r.volumeId) && <UncertaintyValue bits={entropy.get(r.volumeId)!} />}
                  {r.submission === 'returned' && r.returnComment && (
                    <div className="flag" data-testid="worklist-returned" title="Returned by a reviewer">
                      ↩ {r.returnComment}
                    </div>
                  )}
                  {r.flagComment && (
                    <div className="flag" title="Flag comment">
                      ⚑ {r.flagComment}
                    </div>
                  )}
                </td>
                <td>
                  <span className={`status status-${r.status}`}>
                    {r.submission === 'submitted' ? 'submitted' : STATUS_TEXT[r.status]}
                  </span>
                  <div className="muted" title="Focused time spent">
                    {formatDuration(r.timeSpentSec)}
                  </div>
                </td>
                <td className="actions">
                  {r.annotationId !== null && mayManage(r) && r.submission !== 'submitted' && (
                    <>
                      {r.status !== 'done' && (
                        <button
                          type="button"
                          className="link"
                          data-testid="mark-done"
                          onClick={() => void setStatus(r.annotationId!, 'done')}
                        >
                          Done
                        </button>
                      )}
                      {r.status === 'done' || r.status === 'flagged' ? (
                        <button
                          type="button"
                          className="link"
                          onClick={() => void setStatus(r.annotationId!, 'in-progress')}
                        >
                          Reopen
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="link"
                          data-testid="flag"
                          onClick={() => setFlagging(r.annotationId)}
                        >
                          Flag…
                        </button>
                      )}
                    </>
                  )}
                  {flagging !== null && flagging === r.annotationId && (
                    <form
                      className="flag-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void setStatus(flagging, 'flagged', comment);
                      }}
                    >
                      <input
                        data-testid="flag-comment"
                        autoFocus
                        placeholder="Why? (for the reviewer)"
                        value={comment}
                        onChange={(e) => setComment(e.target.value)}
                      />
                      <button type="submit" data-testid="flag-submit" disabled={!comment.trim()}>
                        Flag
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
          {ranked &&
            unlistedRanked(rows, ranked).map((u) => (
              <tr key={`u${u.volumeId}`} data-testid={`worklist-ranked-${u.caseName}`}>
                <td>
                  <button
                    type="button"
                    className="link"
                    title="Open this case"
                    onClick={() => onOpenVolume(u.volumeId)}
                  >
                    {u.caseName}
                  </button>
                  <UncertaintyValue bits={u.meanEntropyBits} />
                </td>
                <td>
                  <span className="status status-not-started">unlabelled</span>
                </td>
                <td />
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

/** A case's uncertainty under the ranking model: mean binary entropy per voxel, in bits (0..1). */
function UncertaintyValue({ bits }: { bits: number }) {
  return (
    <div
      className="uncertainty"
      data-testid="uncertainty"
      title="Mean entropy of the model's probability per voxel"
    >
      H = {bits.toFixed(4)} bits
    </div>
  );
}

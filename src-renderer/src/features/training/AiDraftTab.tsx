// The "AI draft" tab: run a registry model on the open case (in the trainer process, slice by slice, with
// progress and cancel); the draft is stored as an "AI draft (model N)" annotation. The signed-in profile
// can then start their own annotation from a draft (its first revision holds the draft's labels), which
// the editor shows at once. Earlier drafts of the case are listed too (a query, 'drafts': read again when
// the case's annotations change). "Quick draft" runs the model only inside the body's box (about half of a
// CT slice); with a model trained with the quick preset, a CT takes seconds rather than minutes.
import { useState } from 'react';
import type { AnnotationInfo, DraftResult, ModelInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { CASE_QUERIES, invalidateQueries } from '../../api/queries';
import { useQuery } from '../../api/useQuery';
import { JobProgress } from './JobProgress';
import { SimpleDraftForm } from './SimpleDraftForm';
import { useJob } from './useJob';

const NO_DRAFTS: AnnotationInfo[] = [];

interface Props {
  volumeId: number | null;
  models: ModelInfo[];
  /** Running a model is a reviewer's or admin's act; annotators start from drafts. */
  canRun: boolean;
  /** The own annotation's revisions (a draft can only start an empty annotation). */
  ownRevisions: number | null;
  /** Seeds the own annotation from a draft (draft:start) and loads it in the editor; answers the revision. */
  onStartFrom(draftAnnotationId: number): Promise<number>;
  /** The viewer's crosshair (voxel indices), where simple drafts take their seeds. */
  cursor: [number, number, number] | null;
}

export function AiDraftTab({ volumeId, models, canRun, ownRevisions, onStartFrom, cursor }: Props) {
  const [modelId, setModelId] = useState('');
  const [quick, setQuick] = useState(false);
  const [result, setResult] = useState<DraftResult | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const job = useJob('draft');
  const chosen = modelId || (models[0] ? String(models[0].id) : '');

  const draftList = useQuery(
    volumeId === null
      ? null
      : {
          name: 'drafts',
          params: { volumeId },
          fetch: () => call(getBridge().invoke('draft:list', { volumeId })),
        },
  );
  const drafts = draftList.data ?? NO_DRAFTS;
  const shownMessage =
    message ?? (draftList.error ? { kind: 'error' as const, text: draftList.error } : null);

  if (volumeId === null) return <p className="muted">Open a case to run a model on it.</p>;

  const runModel = async (): Promise<void> => {
    setMessage(null);
    try {
      const [r] = await job.run((jobId) =>
        call(
          getBridge().invoke('inference:run', {
            jobId,
            modelId: Number(chosen),
            volumeIds: [volumeId],
            quick,
          }),
        ),
      );
      if (r) {
        setResult(r);
        setMessage({
          kind: 'ok',
          text: `AI ${quick ? 'quick ' : ''}draft saved: ${r.foregroundVoxels.toLocaleString()} voxels, mean entropy ${r.meanEntropyBits.toFixed(4)} bits.`,
        });
      }
      // A draft is a new annotation of the case.
      invalidateQueries(...CASE_QUERIES);
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  };
  const startFrom = async (draftAnnotationId: number): Promise<void> => {
    setMessage(null);
    try {
      const revisionId = await onStartFrom(draftAnnotationId);
      setMessage({
        kind: 'ok',
        text: `Your annotation starts from the draft (revision ${revisionId}). Correct it.`,
      });
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  };

  return (
    <div className="draft-tab" data-testid="draft-tab">
      {canRun && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void runModel();
          }}
        >
          <label>
            Model
            <select data-testid="draft-model" value={chosen} onChange={(e) => setModelId(e.target.value)}>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  Model {m.id}: {m.name}
                </option>
              ))}
            </select>
          </label>
          <label title="Only inside the body; with a quick model (Train: 3 levels, 8 filters) a CT takes seconds">
            <input
              type="checkbox"
              data-testid="draft-quick"
              checked={quick}
              onChange={(e) => setQuick(e.target.checked)}
            />
            Quick draft
          </label>
          <button
            type="submit"
            className="primary"
            data-testid="draft-run"
            disabled={!chosen || job.jobId !== null}
          >
            Run on this case
          </button>
        </form>
      )}
      {canRun && models.length === 0 && (
        <p className="muted">No model yet: train one first (Train tab) or import one.</p>
      )}
      {job.jobId !== null && (
        <JobProgress testId="draft-progress" progress={job.progress} onCancel={job.cancel} />
      )}
      {shownMessage && (
        <p
          className={shownMessage.kind === 'error' ? 'error' : 'ok'}
          role={shownMessage.kind === 'error' ? 'alert' : 'status'}
          data-testid="draft-message"
          data-foreground={result?.foregroundVoxels ?? ''}
        >
          {shownMessage.text}
        </p>
      )}
      <SimpleDraftForm volumeId={volumeId} cursor={cursor} />
      <h3>Drafts of this case</h3>
      {drafts.length === 0 ? (
        <p className="muted">None visible to you.</p>
      ) : (
        <ul className="draft-list" data-testid="draft-list">
          {drafts.map((d) => (
            <li key={d.id} data-testid={`draft-${d.id}`}>
              <span>{d.authorName}</span>
              <span className="muted">{d.updatedAt ? new Date(d.updatedAt).toLocaleString() : ''}</span>
              <button
                type="button"
                data-testid={`draft-start-${d.id}`}
                disabled={ownRevisions === null || ownRevisions > 0}
                title={
                  ownRevisions !== null && ownRevisions > 0
                    ? 'Your annotation of this case already has revisions: a draft can only be its start'
                    : 'Your annotation starts with the draft’s labels'
                }
                onClick={() => void startFrom(d.id)}
              >
                Start my annotation from it
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

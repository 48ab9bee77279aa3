// Whose history the History panel shows, and a branch tip open read-only in the viewer. By default the
// panel shows the own annotation; from the case's annotations a reviewer (or an annotator the case is
// unblinded to: main decides what may be read) opens another rater's history, sees where it forked, opens a
// branch tip read-only (its mask drawn in place of the own, the tools gone, a banner saying whose branch it
// is) and, as a reviewer, picks it as the head (annotation:pickBranch; main checks the role and blinding).
// Everything belongs to one volume: another volume starts from the own history with nothing open.
import { useCallback, useEffect, useState } from 'react';
import type { Vec3 } from '@core/geometry/affine';
import { MaskLayer } from '@core/labelling/mask-layer';
import type { AnnotationInfo, RevisionInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { CASE_QUERIES, invalidateQueries } from '../../api/queries';

export interface BranchView {
  annotationId: number;
  revisionId: number;
  /** Whose annotation the branch is of. */
  rater: string;
  createdAt: string;
  layer: MaskLayer;
}

export interface RaterHistory {
  /** Another rater's annotation whose history is shown; null: the own. */
  subject: AnnotationInfo | null;
  show(annotationId: number): void;
  back(): void;
  /** The branch tip open read-only, or null. */
  view: BranchView | null;
  open(annotation: { id: number; authorName: string }, tip: RevisionInfo): Promise<void>;
  close(): void;
  /** Makes a tip of another rater's annotation the head (reviewers and admins). */
  pick(annotationId: number, revisionId: number): Promise<void>;
  error: string | null;
}

export function useRaterHistory(
  volume: { id: number; dims: Vec3 } | null,
  annotations: readonly AnnotationInfo[],
  lut: Uint32Array,
): RaterHistory {
  const volumeId = volume?.id ?? null;
  const [state, setState] = useState<{
    volumeId: number | null;
    subjectId: number | null;
    view: BranchView | null;
    error: string | null;
  }>({ volumeId: null, subjectId: null, view: null, error: null });
  const mine = state.volumeId === volumeId;
  const subject = mine ? (annotations.find((a) => a.id === state.subjectId) ?? null) : null;
  const view = mine ? state.view : null;

  // The label colours follow the project's labels.
  useEffect(() => {
    view?.layer.setAppearance({ lut });
  }, [view, lut]);

  const show = useCallback(
    (annotationId: number) => setState({ volumeId, subjectId: annotationId, view: null, error: null }),
    [volumeId],
  );
  const back = useCallback(
    () => setState({ volumeId, subjectId: null, view: null, error: null }),
    [volumeId],
  );
  const close = useCallback(() => setState((s) => ({ ...s, view: null, error: null })), []);

  const open = useCallback(
    async (annotation: { id: number; authorName: string }, tip: RevisionInfo) => {
      if (!volume) return;
      try {
        const m = await call(getBridge().invoke('annotation:mask', { revisionId: tip.id }));
        const layer = new MaskLayer(`branch:${tip.id}`, volume.dims, m.data, lut);
        setState((s) => ({
          volumeId: volume.id,
          subjectId: s.volumeId === volume.id ? s.subjectId : null,
          view: {
            annotationId: annotation.id,
            revisionId: tip.id,
            rater: annotation.authorName,
            createdAt: tip.createdAt,
            layer,
          },
          error: null,
        }));
      } catch (e) {
        setState((s) => ({ ...s, error: (e as Error).message }));
      }
    },
    [volume, lut],
  );

  const pick = useCallback(async (annotationId: number, revisionId: number) => {
    try {
      await call(getBridge().invoke('annotation:pickBranch', { annotationId, revisionId }));
      setState((s) => ({ ...s, view: null, error: null }));
      invalidateQueries(...CASE_QUERIES);
    } catch (e) {
      setState((s) => ({ ...s, error: (e as Error).message }));
    }
  }, []);

  return { subject, show, back, view, open, close, pick, error: mine ? state.error : null };
}

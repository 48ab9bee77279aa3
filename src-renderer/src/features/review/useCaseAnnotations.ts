// The annotations of the open volume this profile may see (blinding applies in main: an annotator sees only
// their own until the case is opened for review), the case's review state, and the other annotators' masks
// the user chose to show beside their own, as outlined overlay layers, one colour per annotator.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Vec3 } from '../../../../src-main/core/geometry/affine';
import type { AnnotationInfo, CaseReviewState } from '../../../../src-preload/contract';
import { call, getBridge } from '../../api/bridge';
import type { LabelColour } from '../../viewer/editing/maskLayer';
import { labelTable, MaskLayer } from '../../viewer/editing/maskLayer';

/** Outline colours of other annotators' masks, by position in the list. */
export const ANNOTATOR_TINTS = ['#ffd54a', '#4ad8ff', '#ff7ad9', '#9cff57', '#ff9b42', '#b48cff'];

export interface CaseAnnotations {
  annotations: AnnotationInfo[];
  review: CaseReviewState | null;
  /** Shown layers of other annotations, in list order. */
  layers: MaskLayer[];
  shown: ReadonlySet<number>;
  error: string | null;
  toggle(annotationId: number): void;
  openReview(): Promise<void>;
  tintOf(annotationId: number): string;
}

export function useCaseAnnotations(
  volume: { id: number; caseId: number; dims: Vec3 } | null,
  ownAnnotationId: number | null,
  labels: readonly LabelColour[],
  refreshKey: string | number,
): CaseAnnotations {
  const [annotations, setAnnotations] = useState<AnnotationInfo[]>([]);
  const [review, setReview] = useState<CaseReviewState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [local, setLocal] = useState(0);
  const volumeId = volume?.id ?? null;
  const caseId = volume?.caseId ?? null;
  // What is shown, and the masks loaded, belong to one volume; another volume starts with nothing shown.
  const [shownState, setShown] = useState<{ volumeId: number | null; ids: ReadonlySet<number> }>({
    volumeId: null,
    ids: new Set(),
  });
  const [maskState, setMasks] = useState<{
    volumeId: number | null;
    map: Map<number, { revisionId: number; data: Uint8Array }>;
  }>({ volumeId: null, map: new Map() });
  const shown = useMemo(
    () => (shownState.volumeId === volumeId ? shownState.ids : new Set<number>()),
    [shownState, volumeId],
  );
  const masks = useMemo(
    () =>
      maskState.volumeId === volumeId
        ? maskState.map
        : new Map<number, { revisionId: number; data: Uint8Array }>(),
    [maskState, volumeId],
  );

  useEffect(() => {
    if (volumeId === null || caseId === null) return;
    let live = true;
    const bridge = getBridge();
    Promise.all([
      call(bridge.invoke('annotation:list', { volumeId })),
      call(bridge.invoke('case:reviewState', { caseId })),
    ])
      .then(([list, state]) => {
        if (!live) return;
        setAnnotations(list);
        setReview(state);
        setError(null);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [volumeId, caseId, refreshKey, local]);

  // Load (or refresh) the head mask of every shown annotation.
  useEffect(() => {
    let live = true;
    for (const a of annotations) {
      if (!shown.has(a.id) || a.headRevisionId === null) continue;
      if (masks.get(a.id)?.revisionId === a.headRevisionId) continue;
      const revisionId = a.headRevisionId;
      call(getBridge().invoke('annotation:mask', { revisionId }))
        .then(
          (m) =>
            live &&
            setMasks((old) => ({
              volumeId,
              map: new Map(old.volumeId === volumeId ? old.map : []).set(a.id, { revisionId, data: m.data }),
            })),
        )
        .catch((e: Error) => live && setError(e.message));
    }
    return () => {
      live = false;
    };
  }, [annotations, shown, masks, volumeId]);

  const tintOf = useCallback(
    (annotationId: number) => {
      const others = annotations.filter((a) => a.id !== ownAnnotationId);
      const at = Math.max(
        0,
        others.findIndex((a) => a.id === annotationId),
      );
      return ANNOTATOR_TINTS[at % ANNOTATOR_TINTS.length]!;
    },
    [annotations, ownAnnotationId],
  );

  const layers = useMemo(() => {
    if (!volume) return [];
    const out: MaskLayer[] = [];
    for (const a of annotations) {
      const m = masks.get(a.id);
      if (!shown.has(a.id) || !m || a.id === ownAnnotationId) continue;
      out.push(
        new MaskLayer(
          `annotation:${a.id}`,
          volume.dims,
          m.data,
          labelTable(labels, 1, tintOf(a.id)),
          'outline',
        ),
      );
    }
    return out;
    // volume.dims is stable for a volume id.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [annotations, masks, shown, ownAnnotationId, labels, tintOf, volumeId]);

  const toggle = useCallback(
    (annotationId: number) => {
      setShown((s) => {
        const n = new Set(s.volumeId === volumeId ? s.ids : []);
        if (n.has(annotationId)) n.delete(annotationId);
        else n.add(annotationId);
        return { volumeId, ids: n };
      });
    },
    [volumeId],
  );

  const openReview = useCallback(async () => {
    if (caseId === null) return;
    try {
      setReview(await call(getBridge().invoke('case:openReview', { caseId })));
      setLocal((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [caseId]);

  return { annotations, review, layers, shown, error, toggle, openReview, tintOf };
}

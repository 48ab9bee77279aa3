// The annotations of the open volume this profile may see (blinding applies in main: an annotator sees only
// their own until the case is opened for review), the case's review state, and the other annotators' masks
// the user chose to show beside their own, as outlined overlay layers, one colour per annotator. The list
// and the review state are a query ('caseAnnotations', per volume and profile): a save, a merge, a decision,
// opening the case for review, or a new revision pushed by main reads them again.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Vec3 } from '@core/geometry/affine';
import type { AnnotationBranches, AnnotationInfo, CaseReviewState } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { getQueryCache, invalidateQueries } from '../../api/queries';
import type { QuerySpec } from '../../api/queryCache';
import { queryKey } from '../../api/queryCache';
import { useQuery } from '../../api/useQuery';
import type { LabelColour } from '@core/labelling/mask-layer';
import { labelTable, MaskLayer } from '@core/labelling/mask-layer';

interface CaseList {
  annotations: AnnotationInfo[];
  review: CaseReviewState | null;
  /** The open forks of the annotations listed (after bundles from two workstations). */
  branches: AnnotationBranches[];
}

const NO_ANNOTATIONS: AnnotationInfo[] = [];
const NO_BRANCHES: AnnotationBranches[] = [];

/** The case's list as the profile may see it: a query per (volume, profile). */
function caseListQuery(
  volumeId: number | null,
  caseId: number | null,
  viewerId: number | null,
): QuerySpec<CaseList> | null {
  if (volumeId === null || caseId === null || viewerId === null) return null;
  return {
    name: 'caseAnnotations',
    params: { volumeId, caseId, viewerId },
    fetch: async () => {
      const bridge = getBridge();
      const [annotations, review, branches] = await Promise.all([
        call(bridge.invoke('annotation:list', { volumeId })),
        call(bridge.invoke('case:reviewState', { caseId })),
        call(bridge.invoke('annotation:branches', { volumeId })),
      ]);
      return { annotations, review, branches };
    },
  };
}

/** Outline colours of other annotators' masks, by position in the list. */
export const ANNOTATOR_TINTS = ['#ffd54a', '#4ad8ff', '#ff7ad9', '#9cff57', '#ff9b42', '#b48cff'];

export interface CaseAnnotations {
  annotations: AnnotationInfo[];
  review: CaseReviewState | null;
  branches: AnnotationBranches[];
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
  /** The signed-in profile: what it may see differs from the last one's (blinding). */
  viewerId: number | null,
  ownAnnotationId: number | null,
  labels: readonly LabelColour[],
): CaseAnnotations {
  const volumeId = volume?.id ?? null;
  const caseId = volume?.caseId ?? null;
  // Everything here belongs to one (volume, profile): another profile starts from nothing, never from
  // what the previous one was allowed to see.
  const key = volumeId !== null && viewerId !== null ? `${volumeId}:${viewerId}` : '';
  // Another volume or profile starts from nothing (no value of the previous one is kept).
  const list = useQuery(caseListQuery(volumeId, caseId, viewerId), { keepPrevious: false });
  const annotations = list.data?.annotations ?? NO_ANNOTATIONS;
  const review = list.data?.review ?? null;
  const branches = list.data?.branches ?? NO_BRANCHES;
  // A failed mask read or action shows until the list is read again.
  const [failure, setFailure] = useState<{ text: string; of: AnnotationInfo[] } | null>(null);
  const error = (failure?.of === annotations ? failure.text : null) ?? list.error;
  const [shownState, setShown] = useState<{ key: string; ids: ReadonlySet<number> }>({
    key: '',
    ids: new Set(),
  });
  const [maskState, setMasks] = useState<{
    key: string;
    map: Map<number, { revisionId: number; data: Uint8Array }>;
  }>({ key: '', map: new Map() });
  const shown = useMemo(
    () => (shownState.key === key ? shownState.ids : new Set<number>()),
    [shownState, key],
  );
  const masks = useMemo(
    () =>
      maskState.key === key ? maskState.map : new Map<number, { revisionId: number; data: Uint8Array }>(),
    [maskState, key],
  );

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
              key,
              map: new Map(old.key === key ? old.map : []).set(a.id, { revisionId, data: m.data }),
            })),
        )
        .catch((e: Error) => live && setFailure({ text: e.message, of: annotations }));
    }
    return () => {
      live = false;
    };
  }, [annotations, shown, masks, key]);

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
        const n = new Set(s.key === key ? s.ids : []);
        if (n.has(annotationId)) n.delete(annotationId);
        else n.add(annotationId);
        return { key, ids: n };
      });
    },
    [key],
  );

  const openReview = useCallback(async () => {
    if (caseId === null) return;
    try {
      const state = await call(getBridge().invoke('case:openReview', { caseId }));
      const spec = caseListQuery(volumeId, caseId, viewerId);
      if (spec) getQueryCache().setData<CaseList>(queryKey(spec), (l) => l && { ...l, review: state });
      invalidateQueries('caseAnnotations');
    } catch (e) {
      setFailure({ text: (e as Error).message, of: annotations });
    }
  }, [volumeId, caseId, viewerId, annotations]);

  return { annotations, review, branches, layers, shown, error, toggle, openReview, tintOf };
}

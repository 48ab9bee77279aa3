// Reports the persisted part of the viewer's state (cursor, window/level, layout) to `onViewChange`, 150 ms
// after it last changed; the unchanged initial state is not reported.
import type { RefObject } from 'react';
import { useEffect, useRef } from 'react';
import type { ViewState } from '@contract';
import type { ViewerState } from './viewerState';
import { toViewState } from './viewerState';

const VIEW_CHANGE_DEBOUNCE_MS = 150;

export function useViewChangeReport(
  state: ViewerState,
  /** The latest state (read when the report goes out). */
  stateRef: RefObject<ViewerState>,
  volumeId: number,
  caseId: number,
  onViewChange: ((v: ViewState) => void) | undefined,
): void {
  const onViewChangeRef = useRef(onViewChange);
  useEffect(() => {
    onViewChangeRef.current = onViewChange;
  });
  const firstView = useRef(true);
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    const t = setTimeout(() => {
      onViewChangeRef.current?.(toViewState(stateRef.current, volumeId, caseId));
    }, VIEW_CHANGE_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [state.cursor, state.wl, state.layout, volumeId, caseId, stateRef]);
}

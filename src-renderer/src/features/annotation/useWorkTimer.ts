// Time spent on an annotation: every 5 s while the case is open and the window has the focus (and is
// visible), 5 s are counted; about once a minute, and when the case is closed, the count is reported with
// worklist:addTime (which invalidates the case's queries: the worklist shows the time). An idle, unfocused
// or hidden window counts nothing.
import { useEffect } from 'react';
import { getBridge } from '../../api/bridge';
import { CASE_QUERIES, invalidateQueries } from '../../api/queries';

const TICK_MS = 5000;
const REPORT_EVERY_S = 60;

export function useWorkTimer(annotationId: number | null): void {
  useEffect(() => {
    if (annotationId === null) return;
    let seconds = 0;
    const flush = (): void => {
      if (seconds <= 0) return;
      const s = seconds;
      seconds = 0;
      void getBridge()
        .invoke('worklist:addTime', { annotationId, seconds: s })
        .then((r) => {
          if (r.ok) invalidateQueries(...CASE_QUERIES);
          else seconds += s; // keep it for the next report
        });
    };
    const tick = setInterval(() => {
      if (document.hasFocus() && document.visibilityState === 'visible') seconds += TICK_MS / 1000;
      if (seconds >= REPORT_EVERY_S) flush();
    }, TICK_MS);
    return () => {
      clearInterval(tick);
      flush();
    };
  }, [annotationId]);
}

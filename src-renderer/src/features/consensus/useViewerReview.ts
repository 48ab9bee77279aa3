// What the viewer shows of a review while the consensus panel is open: the agreement overlay and surface,
// the region in focus, and the overlay's keys (toggle, next/previous region). Undefined when closed.
import { useMemo } from 'react';
import type { ViewerReview } from '../../viewer';
import type { Agreement } from './useAgreement';

export function useViewerReview(on: boolean, agreement: Agreement): ViewerReview | undefined {
  return useMemo<ViewerReview | undefined>(() => {
    if (!on) return undefined;
    return {
      overlay: agreement.overlay,
      surface: agreement.surface,
      focus: agreement.focus,
      onCommand: (action) => {
        if (action === 'toggleOverlay') agreement.toggle();
        else agreement.step(action === 'nextRegion' ? 1 : -1);
      },
    };
  }, [on, agreement]);
}

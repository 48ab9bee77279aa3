// The import panel's "PACS…" button and the PACS browser it opens (disabled, with the reason, for a window
// that may not import).
import { useState } from 'react';
import type { ImportSummary } from '@contract';
import { PacsBrowser } from './PacsBrowser';

interface Props {
  projectId: number | null;
  blockedReason: string | null;
  onImported(summary: ImportSummary): void;
}

export function PacsImportButton({ projectId, blockedReason, onImported }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        disabled={blockedReason !== null}
        title={blockedReason ?? 'Search a PACS and get a study'}
        aria-pressed={open}
        data-testid="pacs-open"
      >
        PACS…
      </button>
      {open && blockedReason === null && (
        <PacsBrowser projectId={projectId} onImported={onImported} onClose={() => setOpen(false)} />
      )}
    </>
  );
}

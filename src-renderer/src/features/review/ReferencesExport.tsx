// "Export references" for a project (reviewers and admins): every signed-off reference as a NIfTI named by
// case, in one tar download with references.json (made in main, 'masks:exportReferences', the same files as
// `concord masks export-references`, which writes a folder). Cases without a reference are listed as skipped.
import { useState } from 'react';
import type { ReferencesExportFile } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { downloadBase64 } from '../consensus/download';

export function ReferencesExport({ projectId }: { projectId: number }) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ReferencesExportFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const f = await call(getBridge().invoke('masks:exportReferences', { projectId }));
      downloadBase64(f.fileName, f.base64, f.mimeType);
      setDone(f);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="references-export" data-testid="references-export">
      <button
        type="button"
        data-testid="export-references"
        disabled={busy}
        title="Every signed-off reference of the project as NIfTI named by case, in one .tar"
        onClick={() => void run()}
      >
        {busy ? 'Exporting references…' : 'Export signed-off references (NIfTI)'}
      </button>
      {done && (
        <div className="muted" role="status" data-testid="references-export-result">
          Saved {done.fileName}: {done.files.length} reference{done.files.length === 1 ? '' : 's'} (
          {done.files.map((f) => f.file).join(', ')})
          {done.skipped.length > 0 && (
            <ul data-testid="references-skipped">
              {done.skipped.map((s, n) => (
                <li key={n}>
                  skipped {s.case}: {s.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="references-export-error">
          {error}
        </p>
      )}
    </div>
  );
}

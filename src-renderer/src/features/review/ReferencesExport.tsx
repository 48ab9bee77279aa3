// "Export references" for a project (reviewers and admins): every signed-off reference as a NIfTI named by
// case with references.json, the same files as `concord masks export-references` (made in main). The desktop
// app asks for a folder and writes them there ('masks:exportReferencesToFolder': main shows the dialog); a
// browser cannot write a folder, so the web host downloads them as one tar ('masks:exportReferences').
// Cases without a reference are listed as skipped.
import { useState } from 'react';
import type { ReferencesFolderExport } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { downloadBase64 } from '../consensus/download';

/** What was written: where (the folder chosen, or the tar's name), the files, the cases skipped. */
type Done = Omit<ReferencesFolderExport, 'folder'> & { where: string; folder: boolean };

async function exportReferences(projectId: number): Promise<Done | null> {
  const bridge = getBridge();
  if (bridge.host === 'electron') {
    const r = await call(bridge.invoke('masks:exportReferencesToFolder', { projectId }));
    return r && { where: r.folder, folder: true, files: r.files, skipped: r.skipped };
  }
  const f = await call(bridge.invoke('masks:exportReferences', { projectId }));
  downloadBase64(f.fileName, f.base64, f.mimeType);
  return { where: f.fileName, folder: false, files: f.files, skipped: f.skipped };
}

export function ReferencesExport({ projectId }: { projectId: number }) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  const [error, setError] = useState<string | null>(null);
  const electron = getBridge().host === 'electron';
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      // Null: the folder dialog was closed; nothing was written.
      setDone(await exportReferences(projectId));
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
        title={
          electron
            ? 'Every signed-off reference of the project as NIfTI named by case, into a new or empty folder'
            : 'Every signed-off reference of the project as NIfTI named by case, in one .tar'
        }
        onClick={() => void run()}
      >
        {busy ? 'Exporting references…' : 'Export signed-off references (NIfTI)'}
      </button>
      {done && (
        <div className="muted" role="status" data-testid="references-export-result">
          {done.folder ? 'Wrote into' : 'Saved'} {done.where}: {done.files.length} reference
          {done.files.length === 1 ? '' : 's'} ({done.files.map((f) => f.file).join(', ')})
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

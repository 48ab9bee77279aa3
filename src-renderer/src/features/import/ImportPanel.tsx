// Import: files or a folder (native dialog in Electron, the browser's picker in the web host), drag and
// drop onto the window, or a path typed by the user. Shows upload and import progress, can cancel, and
// reports what was imported and what was skipped, with the reason. Importing needs a signed-in reviewer or
// admin (main refuses it otherwise); signed out, the controls are disabled and say so. PACS… opens the
// PACS browser (features/pacs).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportRequest, ImportSummary } from '@contract';
import { getBridge } from '../../api/bridge';
import { offerBundles } from '../exchange/bundleDrops';
import { filesFromDrop, filesFromInput, localPaths } from './droppedFiles';
import { ImportTarget } from './ImportTarget';
import { useImportJob } from './useImportJob';
import { PacsImportButton } from '../pacs/PacsImportButton';
import { ImportOutcome } from './ImportOutcome';

interface Props {
  projectId: number | null;
  /** Why this window may not import (signed out, or an annotator), or null when it may. */
  blockedReason: string | null;
  onImported(summary: ImportSummary): void;
}

export function ImportPanel({ projectId, blockedReason, onImported }: Props) {
  const bridge = getBridge();
  // The target project, picked here; until picked, the project open in the library.
  const [picked, setPicked] = useState<number | null>(null);
  const target = picked ?? projectId;
  // How a 4D file (time series, echoes) is taken: refused unless the user picks a way.
  const [frames, setFrames] = useState<ImportRequest['frames']>(undefined);
  const { job, outcome, setOutcome, start, cancel } = useImportJob(target, blockedReason, onImported, frames);
  const [dragging, setDragging] = useState(false);
  const [typedPath, setTypedPath] = useState('');
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const pick = useCallback(
    async (folder: boolean) => {
      if (blockedReason) {
        setOutcome({ ok: false, message: blockedReason, skipped: [] });
        return;
      }
      if (bridge.host === 'electron') {
        const r = await bridge.invoke('dialog:pickImport', { folder });
        if (r.ok && r.value.length > 0) await start({ paths: r.value });
        else if (!r.ok) setOutcome({ ok: false, message: r.error.message, skipped: [] });
      } else {
        (folder ? folderInput : filesInput).current?.click();
      }
    },
    [bridge, start, blockedReason, setOutcome],
  );

  // Ctrl/Cmd+O: import files; Ctrl/Cmd+Shift+O: import a folder.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        void pick(e.shiftKey);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pick]);

  // Drag and drop anywhere on the window.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      const dt = e.dataTransfer;
      if (!dt) return;
      // Bundles go to the exchange panel (another workstation's work, not images).
      if (offerBundles(Array.from(dt.files))) return;
      if (bridge.host === 'electron' && bridge.pathForFile) {
        const paths = Array.from(dt.files)
          .map((f) => bridge.pathForFile!(f))
          .filter(Boolean);
        if (paths.length > 0) void start({ paths });
      } else {
        void filesFromDrop(dt).then((files) => {
          if (files.length > 0) void start({ files });
        });
      }
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [bridge, start]);

  const onInput = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = e.target.files ? filesFromInput(e.target.files) : [];
    e.target.value = '';
    if (files.length === 0) return;
    // In Electron the files are already on this machine: import them in place instead of uploading.
    if (bridge.pathForFile) void start({ paths: localPaths(files, bridge.pathForFile) });
    else void start({ files });
  };

  return (
    <section className="import" aria-label="Import">
      <div className="import-buttons">
        <button
          type="button"
          onClick={() => void pick(false)}
          disabled={job !== null || blockedReason !== null}
          title={blockedReason ?? 'Ctrl+O'}
          data-testid="import-files"
        >
          Import files…
        </button>
        <button
          type="button"
          onClick={() => void pick(true)}
          disabled={job !== null || blockedReason !== null}
          title={blockedReason ?? 'Ctrl+Shift+O'}
        >
          Import folder…
        </button>
        <ImportTarget value={target} disabled={job !== null || blockedReason !== null} onChange={setPicked} />
        <PacsImportButton projectId={target} blockedReason={blockedReason} onImported={onImported} />
      </div>
      <label className="import-frames" title="A 4D file: a time series or several echoes in one file">
        4D files{' '}
        <select
          data-testid="import-frames"
          value={frames ?? ''}
          onChange={(e) => setFrames((e.target.value || undefined) as ImportRequest['frames'])}
          disabled={job !== null}
        >
          <option value="">not imported</option>
          <option value="first">first frame</option>
          <option value="all">one volume per frame</option>
        </select>
      </label>
      <form
        className="import-path"
        onSubmit={(e) => {
          e.preventDefault();
          const p = typedPath.trim();
          if (p) void start({ paths: [p] });
        }}
      >
        <input
          data-testid="import-path"
          placeholder="…or a path on this computer"
          value={typedPath}
          onChange={(e) => setTypedPath(e.target.value)}
          disabled={job !== null || blockedReason !== null}
          title={blockedReason ?? undefined}
        />
      </form>
      <input
        ref={filesInput}
        data-testid="import-files-input"
        type="file"
        multiple
        hidden
        onChange={onInput}
      />
      <input
        ref={folderInput}
        data-testid="import-folder-input"
        type="file"
        hidden
        onChange={onInput}
        {...{ webkitdirectory: '', directory: '' }}
      />
      {job && (
        <div className="import-progress" data-testid="import-progress" role="status">
          <div className="import-progress-label">
            {job.label} {Math.round(job.fraction * 100)}% <span className="muted">{job.detail}</span>
          </div>
          <progress max={1} value={job.fraction} />
          <button type="button" onClick={cancel} data-testid="import-cancel">
            Cancel
          </button>
        </div>
      )}
      {outcome && <ImportOutcome outcome={outcome} onDismiss={() => setOutcome(null)} />}
      {dragging && <div className="drop-overlay">Drop files or folders to import</div>}
    </section>
  );
}

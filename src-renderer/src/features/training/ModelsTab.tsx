// The "Models" tab: the registry, export of a model package to a folder on this computer, and import of a
// package folder (a package that does not verify is refused with the backend's one-line reason, and
// nothing is changed). Paths are typed: the web host has no native folder picker.
import { useEffect, useMemo, useState } from 'react';
import type { DraftOutcome, ModelInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { draftValueByMethod, draftValueByModel } from './draftOutcomes';
import { DraftMethods } from './DraftMethods';
import { ModelCard } from './ModelCard';
import type { Models } from './useModels';

interface Props {
  projectId: number;
  state: Models;
}

export function ModelsTab({ projectId, state }: Props) {
  const [exportDir, setExportDir] = useState('');
  const [importPath, setImportPath] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // What the drafts were worth: read with the registry (it changes when a run ends or a model arrives).
  const [outcomes, setOutcomes] = useState<DraftOutcome[]>([]);
  useEffect(() => {
    let alive = true;
    call(getBridge().invoke('draft:outcomes', { projectId }))
      .then((o) => alive && setOutcomes(o))
      .catch(() => alive && setOutcomes([]));
    return () => {
      alive = false;
    };
  }, [projectId, state.models]);
  const value = useMemo(() => draftValueByModel(outcomes), [outcomes]);
  const byMethod = useMemo(() => draftValueByMethod(outcomes), [outcomes]);

  const act = async (what: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ kind: 'ok', text: await what() });
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const doExport = (m: ModelInfo): void => {
    const dir = exportDir.trim();
    if (!dir) {
      setMessage({ kind: 'error', text: 'Type the folder to export to first.' });
      return;
    }
    void act(async () => {
      const r = await call(getBridge().invoke('model:export', { modelId: m.id, dir }));
      return `Exported model ${m.id} to ${r.path}`;
    });
  };
  const doImport = (): void =>
    void act(async () => {
      const m = await call(getBridge().invoke('model:import', { path: importPath.trim(), projectId }));
      state.refresh();
      setImportPath('');
      return `Imported model ${m.id} (${m.name}); its checksums verified.`;
    });

  return (
    <div className="models-tab" data-testid="models-tab">
      <label className="path-field">
        Export to folder
        <input
          data-testid="model-export-dir"
          placeholder="/path/to/folder"
          value={exportDir}
          onChange={(e) => setExportDir(e.target.value)}
        />
      </label>
      <form
        className="path-field"
        onSubmit={(e) => {
          e.preventDefault();
          if (importPath.trim()) doImport();
        }}
      >
        <label>
          Import package
          <input
            data-testid="model-import-path"
            placeholder="/path/to/name.concord-model"
            value={importPath}
            onChange={(e) => setImportPath(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="model-import" disabled={busy || !importPath.trim()}>
          Import
        </button>
      </form>
      {message && (
        <p
          className={message.kind === 'error' ? 'error' : 'ok'}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="models-message"
        >
          {message.text}
        </p>
      )}
      {state.error && <p className="error">{state.error}</p>}
      <DraftMethods value={byMethod} />
      {state.models.length === 0 ? (
        <p className="muted">No models yet: a finished training run adds one.</p>
      ) : (
        <ul className="model-list" data-testid="model-list">
          {state.models.map((m) => (
            <ModelCard key={m.id} model={m} drafts={value.get(m.id)} busy={busy} onExport={doExport} />
          ))}
        </ul>
      )}
    </div>
  );
}

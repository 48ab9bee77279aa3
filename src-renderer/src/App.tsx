// The workstation shell: library (projects, cases, volumes) on the left, the viewer in the middle, import
// and activity around it. What the user last looked at (project, volume, window/level, cursor) is saved
// in the workspace and reopened after a restart.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportSummary, VolumeMeta, ViewState } from '../../src-preload/contract';
import { call, getBridge } from './api/bridge';
import { ActivityPanel } from './features/activity/ActivityPanel';
import { ImportPanel } from './features/import/ImportPanel';
import { LibraryPanel } from './features/library/LibraryPanel';
import { useVolume } from './features/library/useVolume';
import { Viewer } from './viewer/Viewer';

export function App() {
  const bridge = getBridge();
  const [ready, setReady] = useState(false);
  const [fatal, setFatal] = useState<string | null>(null);
  const [projectId, setProjectId] = useState<number | null>(null);
  const [volumeId, setVolumeId] = useState<number | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [showActivity, setShowActivity] = useState(false);
  const [savedView, setSavedView] = useState<ViewState>({});
  const [workspace, setWorkspace] = useState('');
  const load = useVolume(volumeId);
  const saveTimer = useRef<number | undefined>(undefined);
  const savedViewRef = useRef<ViewState>({});

  // Restore the last session, or open the first volume of the first project (the sample on first start).
  useEffect(() => {
    (async () => {
      const info = await call(bridge.invoke('app:info', undefined));
      setWorkspace(info.workspace);
      const view = await call(bridge.invoke('view:get', undefined));
      const projects = await call(bridge.invoke('project:list', undefined));
      const pid = projects.find((p) => p.id === view.projectId)?.id ?? projects[0]?.id ?? null;
      let vid: number | null = null;
      if (view.volumeId !== undefined) {
        const v = await bridge.invoke('volume:get', { volumeId: view.volumeId });
        if (v.ok) vid = v.value.id;
      }
      if (vid === null && pid !== null) {
        const cases = await call(bridge.invoke('case:list', { projectId: pid }));
        for (const c of cases) {
          const vols = await call(bridge.invoke('volume:list', { caseId: c.id }));
          if (vols[0]) {
            vid = vols[0].id;
            break;
          }
        }
      }
      setSavedView(vid === view.volumeId ? view : {});
      savedViewRef.current = { ...view, projectId: pid ?? undefined, volumeId: vid ?? undefined };
      setProjectId(pid);
      setVolumeId(vid);
      setReady(true);
    })().catch((e: Error) => setFatal(e.message));
  }, [bridge]);

  const persist = useCallback(
    (patch: ViewState) => {
      window.clearTimeout(saveTimer.current);
      const next = { ...savedViewRef.current, ...patch };
      savedViewRef.current = next;
      saveTimer.current = window.setTimeout(() => void bridge.invoke('view:set', next), 400);
    },
    [bridge],
  );
  const openVolume = useCallback(
    (v: VolumeMeta) => {
      setVolumeId(v.id);
      setSavedView({});
      savedViewRef.current = { projectId: projectId ?? undefined, caseId: v.caseId, volumeId: v.id };
      persist({});
    },
    [persist, projectId],
  );

  const onImported = useCallback(
    (summary: ImportSummary) => {
      setProjectId(summary.projectId);
      setRefreshKey((k) => k + 1);
      const first = summary.volumes[0];
      if (first) {
        setVolumeId(first.id);
        setSavedView({});
        savedViewRef.current = { projectId: summary.projectId, caseId: first.caseId, volumeId: first.id };
        persist({});
      }
    },
    [persist],
  );

  if (fatal) {
    return (
      <div className="fatal" role="alert">
        <h1>Concord cannot start</h1>
        <p>{fatal}</p>
      </div>
    );
  }

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Concord</span>
        <ImportPanel projectId={projectId} onImported={onImported} />
        <span className="spacer" />
        <button type="button" onClick={() => setShowActivity((s) => !s)} aria-pressed={showActivity}>
          Activity
        </button>
        <span className="muted host" title={workspace}>
          {bridge.host === 'web' ? 'web host' : 'desktop'}
        </span>
      </header>
      <aside className="sidebar">
        <LibraryPanel
          refreshKey={refreshKey}
          projectId={projectId}
          selectedVolumeId={volumeId}
          onSelectProject={(id) => {
            setProjectId(id);
            persist({ projectId: id });
          }}
          onOpenVolume={openVolume}
        />
        {showActivity && <ActivityPanel refreshKey={refreshKey} />}
      </aside>
      <main className="stage">
        {!ready && <div className="placeholder">Opening workspace…</div>}
        {ready && volumeId === null && (
          <div className="placeholder">Import a NIfTI file, a DICOM folder or a PNG to begin (Ctrl+O).</div>
        )}
        {load.progress !== null && (
          <div className="placeholder" data-testid="volume-loading">
            Loading volume… {Math.round(load.progress * 100)}%
            <progress max={1} value={load.progress} />
          </div>
        )}
        {load.error && (
          <div className="placeholder error" role="alert">
            {load.error}
          </div>
        )}
        {load.volume && (
          <Viewer
            key={load.volume.meta.id}
            meta={load.volume.meta}
            voxels={load.volume.voxels}
            initialView={savedView}
            onViewChange={(v) =>
              persist({ window: v.window, level: v.level, cursor: v.cursor, layout: v.layout })
            }
          />
        )}
      </main>
    </div>
  );
}

// Which project and volume are open, and what is remembered of them: on start, the last session's project,
// volume and view (window/level, cursor, layout) are restored from the workspace, or the first volume of the
// first project is opened (the sample on first start); every later choice is saved back (view:set, 400 ms
// after the last change). Opening comes from the library, the worklist, "Next case" and an import.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportSummary, VolumeMeta, ViewState } from '@contract';
import { call, getBridge } from '../api/bridge';
import { invalidateQueries } from '../api/queries';
import type { VolumeLoad } from '../features/library/useVolume';
import { useVolume } from '../features/library/useVolume';

/** Saving the view waits this long after the last change. */
const SAVE_VIEW_DELAY_MS = 400;

export interface OpenVolume {
  /** The workspace has been read (the first volume, if any, is chosen). */
  ready: boolean;
  /** Why the workspace could not be read (the app cannot start). */
  error: string | null;
  workspace: string;
  projectId: number | null;
  volumeId: number | null;
  load: VolumeLoad;
  /** The saved view the viewer starts from (empty for a volume opened now). */
  savedView: ViewState;
  /** The viewer's axial slice (k), for the augmentation preview. */
  slice: number | null;
  /** The viewer's crosshair (voxel indices i, j, k) since it last moved, for seeds of simple drafts. */
  cursor: [number, number, number] | null;
  selectProject(projectId: number): void;
  openVolume(v: VolumeMeta): void;
  openVolumeId(volumeId: number): void;
  /** The viewer's view changed: remember it. */
  onViewChange(v: ViewState): void;
  /** An import finished: its project and first volume open, the library is read again. */
  onImported(summary: ImportSummary): void;
  /** Opens the next case of the worklist (Alt+N), or says why not. */
  nextCase(): Promise<void>;
  nextMessage: string | null;
}

export function useOpenVolume(): OpenVolume {
  const bridge = getBridge();
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [workspace, setWorkspace] = useState('');
  const [projectId, setProjectId] = useState<number | null>(null);
  const [volumeId, setVolumeId] = useState<number | null>(null);
  const [savedView, setSavedView] = useState<ViewState>({});
  const [cursor, setCursor] = useState<[number, number, number] | null>(null);
  const [nextMessage, setNextMessage] = useState<string | null>(null);
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
    })().catch((e: Error) => setError(e.message));
  }, [bridge]);

  const persist = useCallback(
    (patch: ViewState) => {
      window.clearTimeout(saveTimer.current);
      const next = { ...savedViewRef.current, ...patch };
      savedViewRef.current = next;
      saveTimer.current = window.setTimeout(() => void bridge.invoke('view:set', next), SAVE_VIEW_DELAY_MS);
    },
    [bridge],
  );
  /** Opens a volume with a fresh view, remembering where it is. */
  const open = useCallback(
    (id: number, where: ViewState) => {
      setVolumeId(id);
      setSavedView({});
      savedViewRef.current = where;
      persist({});
    },
    [persist],
  );
  const openVolume = useCallback(
    (v: VolumeMeta) => open(v.id, { projectId: projectId ?? undefined, caseId: v.caseId, volumeId: v.id }),
    [open, projectId],
  );
  const openVolumeId = useCallback(
    (id: number) => open(id, { projectId: projectId ?? undefined, volumeId: id }),
    [open, projectId],
  );
  const selectProject = useCallback(
    (id: number) => {
      setProjectId(id);
      persist({ projectId: id });
    },
    [persist],
  );
  const onViewChange = useCallback(
    (v: ViewState) => {
      setCursor(v.cursor ? [v.cursor[0], v.cursor[1], v.cursor[2]] : null);
      persist({ window: v.window, level: v.level, cursor: v.cursor, layout: v.layout });
    },
    [persist],
  );
  const onImported = useCallback(
    (summary: ImportSummary) => {
      setProjectId(summary.projectId);
      invalidateQueries('projects', 'cases', 'audit');
      const first = summary.volumes[0];
      if (first) {
        open(first.id, { projectId: summary.projectId, caseId: first.caseId, volumeId: first.id });
      }
    },
    [open],
  );
  const nextCase = useCallback(async () => {
    if (projectId === null) return;
    try {
      const n = await call(bridge.invoke('worklist:next', { projectId }));
      setNextMessage(n ? null : 'Nothing left: every case of yours in this project is done.');
      if (n) openVolumeId(n.volumeId);
    } catch (e) {
      setNextMessage((e as Error).message);
    }
  }, [bridge, projectId, openVolumeId]);

  return {
    ready,
    error,
    workspace,
    projectId,
    volumeId,
    load,
    savedView,
    slice: cursor?.[2] ?? null,
    cursor,
    selectProject,
    openVolume,
    openVolumeId,
    onViewChange,
    onImported,
    nextCase,
    nextMessage,
  };
}

// The signed-in annotator's own annotation of the open volume: opened (created when absent), its head
// revision's mask loaded into an editable layer, the tools (MaskEditor) and autosave (SaveQueue) wired
// together. Also follows the annotation when another window saves it (annotation:changed), resolves save
// conflicts by reloading the head and re-basing the unsaved edits on it, and reverts to an older revision.
// With a `target`, the same tools and autosave work on that annotation instead of the own one: a reviewer's
// working reference mask during adjudication (main checks that the profile may edit it).

import { useCallback, useEffect, useRef, useState } from 'react';
import { applyPatch, rebaseEdit } from '@core/labelling/patch';
import type { AnnotationInfo, AnnotatorInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { CASE_QUERIES, invalidateQueries } from '../../api/queries';
import type { LoadedVolume } from '../library/useVolume';
import { MaskEditor } from '@core/labelling/mask-editor';
import { MaskLayer } from '@core/labelling/mask-layer';
import { createOpsRunner } from '../../viewer';
import type { ToolSettings } from '@core/labelling/tool-settings';
import type { QueuedEdit, SaveState } from './saveQueue';
import { SaveQueue } from './saveQueue';
import { releaseQueue, trackQueue } from './pendingSaves';
import { loadHistory, saveHistory } from './undoPersistence';

export interface Notice {
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export interface OwnAnnotation {
  info: AnnotationInfo | null;
  editor: MaskEditor | null;
  layer: MaskLayer | null;
  save: SaveState | null;
  /** The annotation could not be opened (why). */
  error: string | null;
  notice: Notice | null;
  dismissNotice(): void;
  /** Makes an earlier revision the head again (a new revision, undoable). */
  revert(revisionId: number): Promise<void>;
  /** Makes a new head by another request (`make` answers its revision id: seeded from an AI draft) and
   *  loads it in the editor; answers the revision id. */
  adopt(make: () => Promise<number>): Promise<number>;
  retrySaving(): void;
}

interface Opened {
  info: AnnotationInfo;
  editor: MaskEditor;
  layer: MaskLayer;
  queue: SaveQueue;
}

export function useAnnotation(
  volume: LoadedVolume | null,
  annotator: AnnotatorInfo | null,
  lut: Uint32Array,
  /** Edit this annotation (e.g. the adjudication's working mask) instead of the own one; null: the own. */
  target: number | null = null,
): OwnAnnotation {
  // Everything is tagged with the (volume, annotator) it belongs to: a stale tag reads as "opening".
  const [openState, setOpenState] = useState<{ key: string; opened: Opened | null; error: string | null }>({
    key: '',
    opened: null,
    error: null,
  });
  const [saveState, setSave] = useState<{ key: string; save: SaveState } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const lutRef = useRef(lut);
  useEffect(() => {
    lutRef.current = lut;
  });
  // Tool settings carry over from one volume to the next.
  const settingsRef = useRef<Partial<ToolSettings>>({});
  const reverting = useRef(false);

  const volumeId = volume?.meta.id ?? null;
  const annotatorId = annotator?.id ?? null;
  const key =
    volumeId !== null && annotatorId !== null ? `${volumeId}:${annotatorId}:${target ?? 'own'}` : '';

  useEffect(() => {
    if (!volume || annotatorId === null) return;
    const bridge = getBridge();
    const { meta, voxels } = volume;
    const count = meta.dims[0] * meta.dims[1] * meta.dims[2];
    let live = true;
    let editor: MaskEditor | null = null;
    let queue: SaveQueue | null = null;
    let offSettings: (() => void) | null = null;

    /** The annotation edited here: the own one (created when absent), or the target. */
    const openInfo = async (): Promise<AnnotationInfo> => {
      if (target === null) return call(bridge.invoke('annotation:open', { volumeId: meta.id }));
      const list = await call(bridge.invoke('annotation:list', { volumeId: meta.id }));
      const found = list.find((a) => a.id === target);
      if (!found) throw new Error(`annotation ${target} is not an annotation of this volume you may see`);
      return found;
    };

    const loadLabels = async (revisionId: number | null): Promise<Uint8Array> => {
      if (revisionId === null) return new Uint8Array(count);
      const m = await call(bridge.invoke('annotation:mask', { revisionId }));
      if (m.data.length !== count)
        throw new Error(`revision ${revisionId} holds ${m.data.length} labels, not ${count}`);
      return m.data;
    };

    /** Another window saved first: reload the head, re-apply the unsaved edits on top, go on saving. */
    const resolveConflict = async (pending: readonly QueuedEdit[], info: AnnotationInfo): Promise<void> => {
      if (!editor || !queue) return;
      editor.setReadOnly('Reloading the newest revision…');
      try {
        const now = await openInfo();
        const base = await loadLabels(now.headRevisionId);
        const rebased = pending.map((e) => {
          const patch = rebaseEdit(base, meta.dims, e.inverse, e.patch);
          applyPatch(base, meta.dims, patch);
          return { tool: e.tool, patch, inverse: e.inverse };
        });
        // The queue goes on even when the annotation was closed meanwhile: its edits must still be saved.
        queue.rebase(now.headRevisionId, rebased);
        if (!live) return;
        editor.replaceMask(base, false);
        setNotice({
          kind: 'warning',
          text:
            `This annotation was saved elsewhere meanwhile (revision ${now.headRevisionId ?? '—'}): reloaded it` +
            (rebased.length ? ` and re-applied your ${rebased.length} unsaved edit(s) on top.` : '.') +
            ' Undo history was cleared.',
        });
      } catch (e) {
        if (live)
          setNotice({
            kind: 'error',
            text: `Could not reload annotation ${info.id}: ${(e as Error).message}`,
          });
        // Try again in a moment: the edits are still queued (closed or not, they must be saved).
        setTimeout(() => void resolveConflict(pending, info), 3000);
        return;
      } finally {
        editor.setReadOnly(null);
      }
    };

    (async () => {
      const info = await openInfo();
      const labels = await loadLabels(info.headRevisionId);
      if (!live) return;
      const layer = new MaskLayer(
        target === null ? `own:${info.id}` : `working:${info.id}`,
        meta.dims,
        labels,
        lutRef.current,
      );
      queue = new SaveQueue(info.id, info.headRevisionId, {
        commit: (req) => bridge.invoke('annotation:commit', req),
        onConflict: (pending) => void resolveConflict(pending, info),
        onState: (s) => {
          if (live) setSave({ key, save: s });
          // Everything saved: keep the undo stack with the head it leads to, for a reload of this window.
          if (editor && s.pending === 0 && s.status === 'saved' && typeof sessionStorage !== 'undefined')
            saveHistory(sessionStorage, info.id, s.head, editor.history.snapshot());
        },
      });
      trackQueue(queue);
      const q = queue;
      editor = new MaskEditor({
        volume: { voxels, dims: meta.dims, affineLPS: meta.affineLPS, rescale: meta.rescale },
        layer,
        settings: settingsRef.current,
        onEdit: (tool, edit) => q.enqueue(tool, edit),
        onMessage: (text) => setNotice({ kind: 'info', text }),
        // Heavy 3D operations run in a Web Worker (workerOpsRunner.ts), disposed with the editor.
        runner: createOpsRunner(),
      });
      const ed = editor;
      // A reload of this window: the undo stack comes back when the head is still the one it leads to.
      const kept =
        typeof sessionStorage !== 'undefined'
          ? loadHistory(sessionStorage, info.id, info.headRevisionId)
          : null;
      if (kept) ed.restoreHistory(kept);
      offSettings = ed.subscribe(() => {
        settingsRef.current = ed.settings;
      });
      setSave({ key, save: q.current });
      setOpenState({ key, opened: { info, editor: ed, layer, queue: q }, error: null });
      // Opening may have created the annotation (a new worklist row, a new annotation of the case).
      invalidateQueries(...CASE_QUERIES);
    })().catch((e: Error) => live && setOpenState({ key, opened: null, error: e.message }));

    return () => {
      live = false;
      offSettings?.();
      editor?.dispose();
      if (queue) releaseQueue(queue);
    };
    // The volume object changes only with the volume (key), the annotator by id (key).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const opened = openState.key === key ? openState.opened : null;
  const error = openState.key === key ? openState.error : null;
  const save = saveState?.key === key && opened ? saveState.save : null;

  // Label colours, visibility and opacity follow the project's labels.
  useEffect(() => {
    opened?.layer.setAppearance({ lut });
  }, [opened, lut]);

  // Another window (same profile) saved this annotation: follow it when nothing here is unsaved.
  useEffect(() => {
    if (!opened) return;
    const { info, editor, queue } = opened;
    return getBridge().on('annotation:changed', (e) => {
      if (e.annotationId !== info.id || reverting.current) return;
      if (queue.saved.has(e.headRevisionId) || e.headRevisionId === queue.headRevisionId) return;
      if (queue.pending > 0 || editor.busy) return; // the next commit meets a conflict and re-bases
      void call(getBridge().invoke('annotation:mask', { revisionId: e.headRevisionId }))
        .then((m) => {
          if (queue.pending > 0 || editor.busy) return;
          editor.replaceMask(m.data, false);
          queue.setHead(e.headRevisionId);
          setNotice({
            kind: 'info',
            text: `${e.author} saved this annotation elsewhere: showing revision ${e.headRevisionId}.`,
          });
        })
        .catch((err: Error) => setNotice({ kind: 'error', text: err.message }));
    });
  }, [opened]);

  const revert = useCallback(
    async (revisionId: number) => {
      if (!opened) return;
      const { info, editor, queue } = opened;
      reverting.current = true;
      try {
        await queue.idle();
        const bridge = getBridge();
        const rev = await call(bridge.invoke('annotation:revert', { annotationId: info.id, revisionId }));
        const m = await call(bridge.invoke('annotation:mask', { revisionId: rev.id }));
        queue.setHead(rev.id);
        editor.replaceMask(m.data, true, 'revert');
        setNotice({
          kind: 'info',
          text: `Reverted to revision ${revisionId} (saved as revision ${rev.id}; Ctrl+Z undoes it).`,
        });
      } catch (e) {
        setNotice({ kind: 'error', text: (e as Error).message });
      } finally {
        reverting.current = false;
      }
    },
    [opened],
  );

  /** Gives the annotation a new head by another request (`make`, e.g. starting from an AI draft, answers
   *  the revision id) and loads it as the editor's mask, without an undo step (nothing here made it). The
   *  annotation:changed event of that revision is this window's own, not "saved elsewhere". */
  const adopt = useCallback(
    async (make: () => Promise<number>) => {
      if (!opened) throw new Error('your annotation of this case is not open yet');
      const { editor, queue } = opened;
      reverting.current = true;
      try {
        await queue.idle();
        const revisionId = await make();
        const m = await call(getBridge().invoke('annotation:mask', { revisionId }));
        queue.setHead(revisionId);
        editor.replaceMask(m.data, false);
        return revisionId;
      } finally {
        reverting.current = false;
      }
    },
    [opened],
  );

  return {
    info: opened?.info ?? null,
    editor: opened?.editor ?? null,
    layer: opened?.layer ?? null,
    save,
    error,
    notice,
    dismissNotice: useCallback(() => setNotice(null), []),
    revert,
    adopt,
    retrySaving: useCallback(() => opened?.queue.retryNow(), [opened]),
  };
}

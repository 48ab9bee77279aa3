// The open volume's measurements for the signed-in profile: the list (own and, where blinding allows,
// others'), the tool on, the selected one, the jump to one, and the undo of the last add or delete (a
// stack: each undo takes back one more). Everything is kept in the workspace at once (one request per
// action); the list is reloaded when the volume or the profile changes.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { MeasurementInfo, MeasurementKind, MeasurementShape } from '@contract';
import { call, getBridge } from '../../api/bridge';
import type { ViewerMeasure } from '../../viewer';

interface Undo {
  type: 'added' | 'deleted';
  id: number;
  volumeId: number;
}

const NONE: readonly MeasurementInfo[] = [];

export interface Measurements {
  /** The viewer's props; undefined while no volume is open or signed out. */
  viewer: ViewerMeasure | undefined;
  /** The signed-in profile (only its own measurements can be deleted). */
  ownerId: number | null;
  items: readonly MeasurementInfo[];
  selectedId: number | null;
  tool: MeasurementKind | null;
  canUndo: boolean;
  error: string | null;
  setTool(tool: MeasurementKind | null): void;
  /** Select it and move the crosshair onto its slice. */
  jump(m: MeasurementInfo): void;
  remove(id: number): void;
  undo(): void;
}

/** The voxel nearest the middle of the measurement (on its slice). */
function middle(m: MeasurementShape): [number, number, number] {
  const [a, b] = m.points;
  return [0, 1, 2].map((c) => (c === m.axis ? m.slice : Math.round((a[c]! + b[c]!) / 2))) as [
    number,
    number,
    number,
  ];
}

export function useMeasurements(volumeId: number | null, meId: number | null): Measurements {
  // The list is kept with the volume and profile it belongs to: another key shows nothing until loaded.
  const key = volumeId === null || meId === null ? null : `${volumeId}:${meId}`;
  const [list, setList] = useState<{ key: string | null; items: readonly MeasurementInfo[] }>({
    key: null,
    items: [],
  });
  const items = list.key === key ? list.items : NONE;
  const [tool, setTool] = useState<MeasurementKind | null>(null);
  const [selectedId, setSelected] = useState<number | null>(null);
  const [focus, setFocus] = useState<{ seq: number; ijk: [number, number, number] } | null>(null);
  // Undo entries name their volume: only the open volume's are undone.
  const [undoStack, setUndo] = useState<readonly Undo[]>([]);
  const [error, setError] = useState<{ key: string | null; text: string } | null>(null);

  useEffect(() => {
    if (volumeId === null || key === null) return;
    let live = true;
    call(getBridge().invoke('measurement:list', { volumeId }))
      .then((l) => live && setList({ key, items: l }))
      .catch((e: Error) => live && setError({ key, text: e.message }));
    return () => {
      live = false;
    };
  }, [volumeId, key]);

  const fail = useCallback((e: Error) => setError({ key, text: e.message }), [key]);
  const edit = useCallback(
    (f: (l: readonly MeasurementInfo[]) => readonly MeasurementInfo[]) =>
      setList((l) => (l.key === key ? { key, items: f(l.items) } : l)),
    [key],
  );
  const onDraw = useCallback(
    (shape: MeasurementShape) => {
      if (volumeId === null) return;
      setError(null);
      call(getBridge().invoke('measurement:create', { volumeId, ...shape }))
        .then((m) => {
          edit((l) => [...l, m]);
          setSelected(m.id);
          setUndo((u) => [...u, { type: 'added', id: m.id, volumeId }]);
        })
        .catch(fail);
    },
    [volumeId, fail, edit],
  );
  const remove = useCallback(
    (id: number, record = true) => {
      if (volumeId === null) return;
      setError(null);
      call(getBridge().invoke('measurement:delete', { measurementId: id }))
        .then(() => {
          edit((l) => l.filter((m) => m.id !== id));
          setSelected((s) => (s === id ? null : s));
          if (record) setUndo((u) => [...u, { type: 'deleted', id, volumeId }]);
        })
        .catch(fail);
    },
    [volumeId, fail, edit],
  );
  const mine = undoStack.filter((u) => u.volumeId === volumeId);
  const undo = useCallback(() => {
    const last = [...undoStack].reverse().find((u) => u.volumeId === volumeId);
    if (!last) return;
    setUndo(undoStack.filter((u) => u !== last));
    if (last.type === 'added') {
      remove(last.id, false);
      return;
    }
    call(getBridge().invoke('measurement:restore', { measurementId: last.id }))
      .then((m) => {
        edit((l) => [...l, m].sort((x, y) => x.id - y.id));
        setSelected(m.id);
      })
      .catch(fail);
  }, [undoStack, volumeId, remove, fail, edit]);
  const jump = useCallback((m: MeasurementInfo) => {
    setSelected(m.id);
    setFocus((f) => ({ seq: (f?.seq ?? 0) + 1, ijk: middle(m) }));
  }, []);
  const onDelete = useCallback((id: number) => remove(id), [remove]);

  const viewer = useMemo<ViewerMeasure | undefined>(
    () =>
      key === null
        ? undefined
        : {
            tool,
            items,
            selectedId,
            focus,
            onTool: setTool,
            onDraw,
            onSelect: setSelected,
            onDelete,
            onUndo: undo,
          },
    [key, tool, items, selectedId, focus, onDraw, onDelete, undo],
  );
  return {
    viewer,
    ownerId: meId,
    items,
    selectedId,
    tool,
    canUndo: mine.length > 0,
    error: error && error.key === key ? error.text : null,
    setTool,
    jump,
    remove: onDelete,
    undo,
  };
}

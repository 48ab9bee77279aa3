// The viewer's one MeasureTool (per mounted volume), kept in step with the app's measurement props: the tool
// on, the kept measurements and the selected one, where a finished drag goes; and the jump to a
// measurement (each new focus seq moves the crosshair onto its slice).
import type { Dispatch, RefObject } from 'react';
import { useEffect, useRef, useState } from 'react';
import type { Mat4, Vec3 } from '@core/geometry/affine';
import type { ViewerMeasure } from '../viewerProps';
import type { ViewerAction } from '../viewerState';
import { clampCursor } from '../viewerState';
import { MeasureTool } from './measureTool';

const NONE: readonly never[] = [];

/** The tool and the latest measurement props (for handlers bound once); the same object for the mount. */
export interface MeasureControl {
  tool: MeasureTool;
  props: RefObject<ViewerMeasure | undefined>;
}

export function useMeasureTool(
  dims: Vec3,
  affine: Mat4,
  measure: ViewerMeasure | undefined,
  dispatch: Dispatch<ViewerAction>,
): MeasureControl {
  const props = useRef(measure);
  useEffect(() => {
    props.current = measure;
  });
  // The viewer remounts per volume, so dims and affine are fixed for this tool's life.
  const [control] = useState(() => ({ tool: new MeasureTool(dims, affine), props }));
  const { tool } = control;
  const mode = measure?.tool ?? null;
  const items = measure?.items ?? NONE;
  const selectedId = measure?.selectedId ?? null;
  const onDraw = measure?.onDraw;
  const onSelect = measure?.onSelect;
  useEffect(() => {
    tool.setTool(mode);
  }, [tool, mode]);
  useEffect(() => {
    tool.setItems(items, selectedId);
  }, [tool, items, selectedId]);
  useEffect(() => {
    tool.setOnDone(onDraw ?? null);
  }, [tool, onDraw]);
  useEffect(() => {
    tool.setOnSelect(onSelect ?? null);
  }, [tool, onSelect]);
  const focus = measure?.focus ?? null;
  useEffect(() => {
    if (focus) dispatch({ type: 'cursor', ijk: clampCursor(focus.ijk, dims) });
    // One move per new seq.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.seq]);
  return control;
}

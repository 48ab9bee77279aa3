// The labelling tools at work on one editable layer: turns slice-view gestures and one-shot operations into
// calls of the pure tools (src-main/core/labelling), records each finished edit (patch + inverse) on the
// undo stack and hands it to `onEdit` to be saved. Undo and redo are edits too (tools 'undo' / 'redo'):
// they are saved as new revisions, the server never overwrites.
//
// Frames: pointer positions arrive as continuous voxel indices on the view's slice (slice-editor.ts); the
// brush radius is in mm on the volume's spacing (lengths of the affine's columns); values compared with
// thresholds and tolerances are physical (stored × slope + intercept). No DOM here: tested in Node.
//
// Heavy operations (3D region growing, fill between slices, keep largest / remove islands / fill holes in
// 3D or on every slice) on a large volume run in a Web Worker through `runner` (ops-runner.ts): the editor is
// busy meanwhile (the palette says what runs, Esc cancels), then applies the voxels the worker found
// through the same change recorder, so the result and the undo step equal the in-thread path's (both
// compute with heavy-ops.ts).

import type { Mat4, Vec3 } from '../geometry/affine';
import { spacingOf } from '../geometry/affine';
import type { SliceViewName, ViewAxes } from '../geometry/display';
import { brushOffsets, dab, strokeCentres } from './brush';
import { applyToAll, ChangeRecorder } from './change-recorder';
import { voxelsForMillilitres } from './components';
import type { Scope } from './connected';
import type { PaintRule } from './paint-rule';
import type { EditResult } from './patch';
import { applyPatch, diffMasks } from './patch';
import { polygonVoxels } from './polygon';
import { valueGate } from './threshold';
import { UndoStack } from './undo';
import type { UndoEntry } from './undo';
import type { Rescale, VoxelArray } from '../volume/types';
import type { HeavyOp, HeavyOpResult } from './heavy-ops';
import { computeHeavyOp } from './heavy-ops';
import type { MaskLayer } from './mask-layer';
import type { OpsRunner } from './ops-runner';
import type { PointerPhase, SliceDecorations, SliceEditor, SlicePointer } from './slice-editor';
import type { OperationName, ToolName, ToolSettings } from './tool-settings';
import { DEFAULT_SETTINGS, REVISION_TOOL, stepBrush } from './tool-settings';

export interface EditorVolume {
  /** Stored values, i fastest. */
  voxels: VoxelArray;
  dims: Vec3;
  affineLPS: Mat4;
  rescale: Rescale;
}

export interface EditorOptions {
  volume: EditorVolume;
  layer: MaskLayer;
  /** A finished edit, to be saved as a revision made with `tool`. */
  onEdit(tool: string, edit: EditResult): void;
  /** One line for the user: why nothing happened, or that a tool stopped early. */
  onMessage?(text: string): void;
  settings?: Partial<ToolSettings>;
  /** Where heavy operations run (a Web Worker in the app); without one, everything runs in-thread. */
  runner?: OpsRunner;
  /** Volumes with at least this many voxels send heavy operations to `runner` (default 2^20). */
  workerMinVoxels?: number;
}

/** Where an operation applies: the active view's through-plane axis and slice. */
export interface OperationContext {
  view: SliceViewName;
  axes: ViewAxes;
  slice: number;
}

/** What the palette shows; a new object after every change (for useSyncExternalStore). */
export interface EditorSnapshot {
  settings: ToolSettings;
  readOnly: string | null;
  undoDepth: number;
  redoDepth: number;
  /** A stroke, a polygon or an operation is in progress. */
  busy: boolean;
  /** The operation running in the worker ("Filling holes (3D)…"), or null. */
  working: string | null;
  overlay: 'fill' | 'outline' | 'hidden';
}

interface Stroke {
  tool: ToolName;
  view: SliceViewName;
  last: Vec3;
  offsets: Int32Array;
  rule: PaintRule;
  gate: ((idx: number) => boolean) | undefined;
}

interface PathInProgress {
  view: SliceViewName;
  axes: ViewAxes;
  slice: number;
  points: Vec3[];
  /** 'pending': one point, button still down; 'lasso': dragging; 'polygon': clicked vertices. */
  mode: 'pending' | 'lasso' | 'polygon';
}

/** Client pixels a press must move before it counts as a lasso drag rather than a click. */
const DRAG_THRESHOLD_PX = 4;

export class MaskEditor implements SliceEditor {
  readonly volume: EditorVolume;
  readonly layer: MaskLayer;
  readonly spacing: Vec3;
  readonly history = new UndoStack();
  private settingsValue: ToolSettings;
  private readOnlyReason: string | null = null;
  private readonly recorder: ChangeRecorder;
  private stroke: Stroke | null = null;
  private path: PathInProgress | null = null;
  private listeners = new Set<() => void>();
  private snap: EditorSnapshot;
  private readonly onEdit: EditorOptions['onEdit'];
  private readonly onMessage: (text: string) => void;
  private readonly runner: OpsRunner | null;
  private readonly workerMinVoxels: number;
  /** The heavy operation in the worker, or null. */
  private workingOn: { what: string; token: number } | null = null;
  private workToken = 0;

  constructor(o: EditorOptions) {
    this.runner = o.runner ?? null;
    this.workerMinVoxels = o.workerMinVoxels ?? 2 ** 20;
    this.volume = o.volume;
    this.layer = o.layer;
    this.spacing = spacingOf(o.volume.affineLPS);
    this.recorder = new ChangeRecorder(o.layer.mask, o.volume.dims);
    this.settingsValue = { ...DEFAULT_SETTINGS, ...o.settings };
    this.onEdit = o.onEdit;
    this.onMessage = o.onMessage ?? (() => undefined);
    this.snap = this.makeSnapshot();
  }

  private makeSnapshot(): EditorSnapshot {
    return {
      settings: this.settingsValue,
      readOnly: this.readOnlyReason,
      undoDepth: this.history.undoDepth,
      redoDepth: this.history.redoDepth,
      busy: this.busy,
      working: this.workingOn?.what ?? null,
      overlay: this.layer.visible ? this.layer.style : 'hidden',
    };
  }

  /** The current state, stable between changes. */
  getSnapshot = (): EditorSnapshot => this.snap;

  /** How the editable mask is drawn: filled, outlined or hidden. */
  setOverlay(mode: 'fill' | 'outline' | 'hidden'): void {
    this.layer.setAppearance(mode === 'hidden' ? { visible: false } : { visible: true, style: mode });
    this.notify();
  }

  // ---- state ----

  get settings(): ToolSettings {
    return this.settingsValue;
  }

  update(patch: Partial<ToolSettings>): void {
    const next = { ...this.settingsValue, ...patch };
    if (patch.tool && patch.tool !== this.settingsValue.tool) this.cancel();
    this.settingsValue = next;
    this.notify();
  }

  setTool(tool: ToolName): void {
    this.update({ tool });
  }

  stepBrush(dir: 1 | -1): void {
    this.update({ brushMm: stepBrush(this.settingsValue.brushMm, dir) });
  }

  /** Editing refused (signed out, someone else's annotation, saving conflict being resolved), with why. */
  setReadOnly(reason: string | null): void {
    if (reason) this.cancel();
    this.readOnlyReason = reason;
    this.notify();
  }

  get readOnly(): string | null {
    return this.readOnlyReason;
  }

  get capturesPointer(): boolean {
    return this.settingsValue.tool !== 'navigate';
  }

  get busy(): boolean {
    return this.stroke !== null || this.path !== null || this.workingOn !== null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private notify(): void {
    this.snap = this.makeSnapshot();
    for (const l of [...this.listeners]) l();
  }

  private rule(erase: boolean): PaintRule {
    const s = this.settingsValue;
    return { label: s.label, erase, protect: s.protect };
  }

  private refuse(): boolean {
    if (this.readOnlyReason) {
      this.onMessage(this.readOnlyReason);
      return true;
    }
    if (this.workingOn) {
      this.onMessage(`${this.workingOn.what} is still running: wait for it, or press Esc to cancel it.`);
      return true;
    }
    return false;
  }

  /** Whether an operation of this scope goes to the worker. */
  private offThread(threeD: boolean): boolean {
    const [nx, ny, nz] = this.volume.dims;
    return this.runner !== null && threeD && nx * ny * nz >= this.workerMinVoxels;
  }

  /**
   * Runs a heavy operation in the worker; `apply` gets its result on the UI thread, unless it was cancelled
   * (Esc, another revision put in place, the editor disposed) or failed (then a message says why).
   */
  private runOffThread(
    what: string,
    op: HeavyOp,
    apply: (r: HeavyOpResult) => EditResult | null,
  ): Promise<EditResult | null> {
    const token = ++this.workToken;
    this.workingOn = { what, token };
    this.notify();
    return this.runner!.run(op, this.layer.mask, this.volume.dims, this.volume.voxels).then(
      (r) => {
        if (this.workingOn?.token !== token) return null;
        this.workingOn = null;
        return apply(r);
      },
      (e: Error) => {
        if (this.workingOn?.token !== token) return null;
        this.workingOn = null;
        this.notify();
        if (e.name !== 'AbortError') this.onMessage(`${what} failed: ${e.message}`);
        return null;
      },
    );
  }

  /** Stops the worker for good (the editor is closed). */
  dispose(): void {
    this.cancel();
    this.runner?.dispose();
  }

  // ---- finishing an edit ----

  private finish(tool: string): EditResult | null {
    const edit = this.recorder.finish();
    if (!edit) return null;
    this.layer.changed(edit.patch.box);
    this.history.push({ tool, patch: edit.patch, inverse: edit.inverse });
    this.onEdit(tool, edit);
    this.notify();
    return edit;
  }

  /**
   * Cancels a stroke or a path in progress (the stroke's voxels get their labels back), or the operation
   * running in the worker (nothing changed yet).
   */
  cancel(): void {
    if (this.workingOn) {
      this.workingOn = null;
      this.runner?.cancel();
      this.onMessage('Cancelled.');
      this.notify();
    }
    if (this.stroke) {
      this.recorder.revert();
      this.stroke = null;
      this.layer.changed(null);
    }
    if (this.path) {
      this.path = null;
      this.notify();
    }
  }

  // ---- pointer gestures ----

  pointer(phase: PointerPhase, p: SlicePointer): void {
    const tool = this.settingsValue.tool;
    if (tool === 'navigate') return;
    if (phase === 'cancel') {
      this.cancel();
      return;
    }
    switch (tool) {
      case 'brush':
      case 'eraser':
      case 'threshold':
        this.strokeGesture(phase, p, tool);
        break;
      case 'grow':
        if (phase === 'down' && p.voxel) this.grow(p);
        break;
      case 'polygon':
        this.pathGesture(phase, p);
        break;
    }
  }

  private strokeGesture(phase: PointerPhase, p: SlicePointer, tool: ToolName): void {
    if (phase === 'down') {
      if (!p.voxel || this.refuse()) return;
      const s = this.settingsValue;
      const offsets = brushOffsets({
        radiusMm: s.brushMm,
        spacing: this.spacing,
        mode: s.dimension,
        normalAxis: p.axes.normal.axis,
      });
      const gate =
        tool === 'threshold'
          ? valueGate(this.volume.voxels, this.volume.rescale, { lo: s.thresholdLo, hi: s.thresholdHi })
          : undefined;
      this.stroke = { tool, view: p.view, last: p.voxel, offsets, rule: this.rule(tool === 'eraser'), gate };
      this.dabAt([p.voxel]);
      return;
    }
    const st = this.stroke;
    if (!st || st.view !== p.view) return;
    if (phase === 'move' && p.voxel) {
      const centres = strokeCentres(st.last, p.voxel).slice(1);
      if (centres.length > 0) {
        this.dabAt(centres);
        st.last = p.voxel;
      }
    } else if (phase === 'up') {
      this.stroke = null;
      this.finish(REVISION_TOOL[st.tool]);
    }
  }

  /** Dabs at each centre; redraws only the box they could have touched. */
  private dabAt(centres: Vec3[]): void {
    const st = this.stroke!;
    let changed = 0;
    for (const c of centres) changed += dab(this.recorder, c, st.offsets, st.rule, st.gate);
    if (changed === 0) return;
    const ext = [0, 0, 0];
    for (let n = 0; n < st.offsets.length; n++) ext[n % 3] = Math.max(ext[n % 3]!, Math.abs(st.offsets[n]!));
    const lo = [0, 1, 2].map((a) => Math.max(0, Math.min(...centres.map((c) => c[a]!)) - ext[a]!));
    const hi = [0, 1, 2].map((a) =>
      Math.min(this.volume.dims[a]!, Math.max(...centres.map((c) => c[a]!)) + ext[a]! + 1),
    );
    this.layer.changed([lo[0]!, hi[0]!, lo[1]!, hi[1]!, lo[2]!, hi[2]!]);
  }

  private grow(p: SlicePointer): void {
    if (this.refuse()) return;
    const s = this.settingsValue;
    const op: HeavyOp = {
      kind: 'grow',
      label: s.label,
      seed: p.voxel!,
      tolerance: s.tolerance,
      mode: s.dimension,
      normalAxis: p.axes.normal.axis,
      maxVoxels: s.growMaxVoxels,
      protect: s.protect,
      rescale: this.volume.rescale,
    };
    const apply = (r: HeavyOpResult): EditResult | null => {
      applyToAll(this.recorder, r.indices, this.rule(false));
      const edit = this.finish(REVISION_TOOL.grow);
      if (r.truncated) {
        this.onMessage(
          `Region growing stopped at ${s.growMaxVoxels.toLocaleString()} voxels: lower the tolerance, or raise the limit.`,
        );
      } else if (!edit)
        this.onMessage('Region growing changed nothing (seed outside the range, or protected).');
      return edit;
    };
    if (this.offThread(s.dimension === '3d')) {
      void this.runOffThread('Region growing (3D)', op, apply);
      return;
    }
    // In-thread, on the mask itself (protected labels are walls: the region does not leak through them).
    apply(computeHeavyOp(op, this.layer.mask, this.volume.dims, this.volume.voxels));
  }

  private pathGesture(phase: PointerPhase, p: SlicePointer): void {
    const path = this.path;
    if (phase === 'double') {
      if (path && path.mode === 'polygon') this.finishPath();
      return;
    }
    if (phase === 'down') {
      if (this.refuse()) return;
      if (!path || path.view !== p.view || path.slice !== p.slice) {
        this.path = { view: p.view, axes: p.axes, slice: p.slice, points: [p.ijk], mode: 'pending' };
      } else {
        path.points.push(p.ijk);
      }
      this.notify();
      return;
    }
    if (!path || path.view !== p.view) return;
    if (phase === 'move') {
      if (path.mode === 'pending' && p.dragPx > DRAG_THRESHOLD_PX) path.mode = 'lasso';
      if (path.mode !== 'lasso') return;
      const last = path.points[path.points.length - 1]!;
      if (Math.hypot(p.ijk[0] - last[0], p.ijk[1] - last[1], p.ijk[2] - last[2]) >= 0.5) {
        path.points.push(p.ijk);
        this.notify();
      }
    } else if (phase === 'up') {
      if (path.mode === 'lasso') this.finishPath();
      else {
        path.mode = 'polygon';
        this.notify();
      }
    }
  }

  /** Closes the polygon or lasso in progress and fills it (Enter, double-click, end of a lasso drag). */
  finishPath(): void {
    const path = this.path;
    this.path = null;
    this.notify();
    if (!path || this.refuse()) return;
    // Consecutive duplicates (the clicks of a double-click) add nothing.
    const pts = path.points.filter(
      (q, n, all) => n === 0 || q.some((x, a) => Math.abs(x - all[n - 1]![a]!) > 1e-6),
    );
    if (pts.length < 3) {
      this.onMessage('A polygon needs at least three points.');
      return;
    }
    const [a, b] = [path.axes.right.axis, path.axes.down.axis];
    const poly = pts.map((q) => [q[a], q[b]] as [number, number]);
    const indices = polygonVoxels(
      this.volume.dims,
      { axisA: a, axisB: b, normalAxis: path.axes.normal.axis, slice: path.slice },
      poly,
    );
    applyToAll(this.recorder, indices, this.rule(false));
    this.finish(path.mode === 'lasso' ? 'lasso' : REVISION_TOOL.polygon);
  }

  // ---- one-shot operations ----

  /**
   * Runs a one-shot operation on the active view's slice or (3D) the volume. The promise gives the edit, or
   * null when nothing changed or it was refused or cancelled; in-thread (small volumes, 2D) the mask has
   * changed before this returns, in the worker when the promise settles.
   */
  operation(name: OperationName, ctx: OperationContext): Promise<EditResult | null> {
    if (this.refuse() || this.busy) return Promise.resolve(null);
    const s = this.settingsValue;
    const axis = ctx.axes.normal.axis;
    const scope: Scope =
      name === 'holesEverySlice'
        ? { mode: '2d', axis, slice: 'all' }
        : s.dimension === '3d'
          ? { mode: '3d' }
          : { mode: '2d', axis, slice: ctx.slice };
    let op: HeavyOp;
    let erase = false;
    switch (name) {
      case 'interpolate':
        op = { kind: 'interpolate', label: s.label, axis, spacing: this.spacing };
        break;
      case 'largest':
        op = { kind: 'largest', label: s.label, scope };
        erase = true;
        break;
      case 'islands': {
        const min = s.islandUnit === 'mL' ? voxelsForMillilitres(s.islandMin, this.spacing) : s.islandMin;
        op = { kind: 'islands', label: s.label, scope, minVoxels: min };
        erase = true;
        break;
      }
      case 'holes':
      case 'holesEverySlice':
        op = { kind: 'holes', label: s.label, scope };
        break;
    }
    const apply = (indices: Int32Array): EditResult | null => {
      // Erasing parts of the active label: the rule would spare nothing else anyway (only that label is listed).
      applyToAll(this.recorder, indices, { label: s.label, erase, protect: erase ? true : s.protect });
      const edit = this.finish(REVISION_TOOL[name]);
      if (!edit) this.onMessage(NOTHING_DONE[name]);
      return edit;
    };
    // Whole-volume work: 3D scope, every slice, or interpolation along the axis.
    const wholeVolume = scope.mode === '3d' || scope.slice === 'all' || name === 'interpolate';
    if (this.offThread(wholeVolume)) return this.runOffThread(WORKING[name], op, (r) => apply(r.indices));
    // In-thread, on the mask itself: the same computation the worker runs on a copy.
    return Promise.resolve(apply(computeHeavyOp(op, this.layer.mask, this.volume.dims, null).indices));
  }

  // ---- undo / redo ----

  /** Undoes the last edit (saved as a revision with tool 'undo'); false when there is none. */
  undo(): boolean {
    if (this.refuse() || this.busy) return false;
    const e = this.history.undo();
    if (!e) {
      this.onMessage('Nothing to undo.');
      return false;
    }
    applyPatch(this.layer.mask, this.volume.dims, e.inverse);
    this.layer.changed(e.inverse.box);
    this.onEdit('undo', { patch: e.inverse, inverse: e.patch, changed: 0 });
    this.notify();
    return true;
  }

  redo(): boolean {
    if (this.refuse() || this.busy) return false;
    const e = this.history.redo();
    if (!e) {
      this.onMessage('Nothing to redo.');
      return false;
    }
    applyPatch(this.layer.mask, this.volume.dims, e.patch);
    this.layer.changed(e.patch.box);
    this.onEdit('redo', { patch: e.patch, inverse: e.inverse, changed: 0 });
    this.notify();
    return true;
  }

  /**
   * Puts another revision's labels in place (a revert, or a reload after a conflict). With `undoable` the
   * change is an undo step (undoing it saves the previous labels again); otherwise the history is cleared,
   * because its patches were made against labels that are gone.
   */
  replaceMask(labels: Uint8Array, undoable: boolean, tool = 'revert'): void {
    this.cancel();
    const edit = undoable ? diffMasks(this.layer.mask, labels, this.volume.dims) : null;
    this.layer.replace(labels);
    if (edit) this.history.push({ tool, patch: edit.patch, inverse: edit.inverse });
    else if (!undoable) this.history.clear();
    this.notify();
  }

  /** Puts back an undo/redo stack kept over a window reload (undoPersistence.ts); it must lead to these labels. */
  restoreHistory(h: { entries: readonly UndoEntry[]; cursor: number }): void {
    this.history.restore(h.entries, h.cursor);
    this.notify();
  }

  // ---- what the views draw ----

  decorations(view: SliceViewName): SliceDecorations {
    const s = this.settingsValue;
    const c = this.layer.lut[s.label] ?? 0;
    const colour = `rgb(${c & 255}, ${(c >>> 8) & 255}, ${(c >>> 16) & 255})`;
    const brush = s.tool === 'brush' || s.tool === 'eraser' || s.tool === 'threshold';
    return {
      brushRadiusMm: brush ? s.brushMm : null,
      brushText: brush ? `${s.brushMm} mm ${s.dimension.toUpperCase()}` : '',
      path: this.path && this.path.view === view ? this.path.points : null,
      colour: s.tool === 'eraser' ? '#ffffff' : colour,
    };
  }
}

const WORKING: Record<OperationName, string> = {
  interpolate: 'Filling between slices',
  largest: 'Keeping the largest component',
  islands: 'Removing small islands',
  holes: 'Filling holes',
  holesEverySlice: 'Filling holes on every slice',
};

const NOTHING_DONE: Record<OperationName, string> = {
  interpolate: 'Nothing to fill: label at least two slices with empty slices between them (active view).',
  largest: 'Nothing to remove: the label is one component (or absent).',
  islands: 'No island smaller than the minimum.',
  holes: 'No hole to fill.',
  holesEverySlice: 'No hole to fill.',
};

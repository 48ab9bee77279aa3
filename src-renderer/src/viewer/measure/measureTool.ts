// The measurement tools on the slice views: a ruler (drag from one end to the other) and an ellipse (drag
// across its bounding box). It is a SliceEditor (core labelling/slice-editor.ts), so the slice views hand it
// the left button while a measurement tool is on, exactly as they do the labelling tools; it also holds the
// kept measurements the views draw (marks), whatever tool is on. No DOM: tested in Node.
//
// Points are continuous voxel indices on the slice the view shows (centres at integers), clamped to the
// image's edges (half a voxel beyond the outer centres); the through-plane index is the slice.
import type { Mat4, Vec3 } from '@core/geometry/affine';
import type { SliceViewName } from '@core/geometry/display';
import type { PointerPhase, SliceDecorations, SliceEditor, SlicePointer } from '@core/labelling/slice-editor';
import type { MeasurementInfo, MeasurementKind, MeasurementShape } from '@contract';
import { ellipseAreaMm2, rulerLengthMm } from '@core/measure/geometry';

/** A drag shorter than this (CSS px) is a click, not a measurement. */
const MIN_DRAG_PX = 4;

/** What a view draws for one measurement on the slice it shows. */
export interface MeasureMark {
  /** The kept measurement's id; null for the one being drawn. */
  id: number | null;
  kind: MeasurementKind;
  points: [Vec3, Vec3];
  /** The axis through the slice (the ellipse's in-plane axes are the other two). */
  axis: 0 | 1 | 2;
  text: string;
  selected: boolean;
  /** Being drawn now (not kept yet). */
  draft: boolean;
}

const NO_DECORATIONS: SliceDecorations = {
  brushRadiusMm: null,
  brushText: '',
  path: null,
  colour: '#ffd54a',
};

/** "12.3 mm" (one decimal; two below 10 mm). */
export function formatMm(mm: number): string {
  return `${mm.toFixed(mm < 10 ? 2 : 1)} mm`;
}

/** "123.4 mm²" */
export function formatMm2(mm2: number): string {
  return `${mm2.toFixed(mm2 < 100 ? 2 : 1)} mm²`;
}

export class MeasureTool implements SliceEditor {
  private mode: MeasurementKind | null = null;
  private draftShape: MeasurementShape | null = null;
  private items: readonly MeasurementInfo[] = [];
  private selectedId: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly dims: Vec3,
    private readonly affine: Mat4,
    /** A finished drag: the app keeps it. */
    private onDone: ((shape: MeasurementShape) => void) | null = null,
  ) {}

  /** A click on a kept measurement (pickMeasurement.ts) or off every one: the app selects it, or none. */
  private onSelect: ((id: number | null) => void) | null = null;

  setOnDone(onDone: ((shape: MeasurementShape) => void) | null): void {
    this.onDone = onDone;
  }

  setOnSelect(onSelect: ((id: number | null) => void) | null): void {
    this.onSelect = onSelect;
  }

  get selected(): number | null {
    return this.selectedId;
  }

  /** Asks the app to select this measurement (null: none); the selection comes back through setItems. */
  select(id: number | null): void {
    if (id !== this.selectedId) this.onSelect?.(id);
  }

  get capturesPointer(): boolean {
    return this.mode !== null;
  }

  get tool(): MeasurementKind | null {
    return this.mode;
  }

  /** A drag in progress (Esc cancels it). */
  get drawing(): boolean {
    return this.draftShape !== null;
  }

  setTool(mode: MeasurementKind | null): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.draftShape = null;
    this.emit();
  }

  setItems(items: readonly MeasurementInfo[], selectedId: number | null): void {
    if (items === this.items && selectedId === this.selectedId) return;
    this.items = items;
    this.selectedId = selectedId;
    this.emit();
  }

  /** Drops the measurement being drawn; false when there was none. */
  cancel(): boolean {
    if (!this.draftShape) return false;
    this.draftShape = null;
    this.emit();
    return true;
  }

  pointer(phase: PointerPhase, p: SlicePointer): void {
    if (!this.mode) return;
    const at = this.clamp(p.ijk);
    if (phase === 'down') {
      if (!p.voxel) return; // starts on the image only
      this.draftShape = { kind: this.mode, axis: p.axes.normal.axis, slice: p.slice, points: [at, at] };
    } else if (phase === 'move' && this.draftShape) {
      this.draftShape = { ...this.draftShape, points: [this.draftShape.points[0], at] };
    } else if (phase === 'up' && this.draftShape) {
      const done: MeasurementShape = { ...this.draftShape, points: [this.draftShape.points[0], at] };
      this.draftShape = null;
      if (p.dragPx >= MIN_DRAG_PX) this.onDone?.(done);
    } else if (phase === 'cancel') {
      this.draftShape = null;
    } else return;
    this.emit();
  }

  decorations(_view: SliceViewName): SliceDecorations {
    return NO_DECORATIONS;
  }

  /** The kept measurements on this slice of this axis, and the one being drawn there. */
  marks(axis: 0 | 1 | 2, slice: number): MeasureMark[] {
    const out: MeasureMark[] = [];
    for (const m of this.items) {
      if (m.axis !== axis || m.slice !== slice) continue;
      const size = m.kind === 'ruler' ? formatMm(m.lengthMm ?? 0) : formatMm2(m.areaMm2 ?? 0);
      out.push({
        ...pick(m),
        id: m.id,
        text: `${m.name}: ${size}`,
        selected: m.id === this.selectedId,
        draft: false,
      });
    }
    const d = this.draftShape;
    if (d && d.axis === axis && d.slice === slice) {
      const text =
        d.kind === 'ruler'
          ? formatMm(rulerLengthMm(this.affine, d.points[0], d.points[1]))
          : formatMm2(ellipseAreaMm2(this.affine, d));
      out.push({ ...pick(d), id: null, text, selected: false, draft: true });
    }
    return out;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private clamp(ijk: Vec3): Vec3 {
    return ijk.map((x, c) => Math.min(this.dims[c]! - 0.5, Math.max(-0.5, x))) as Vec3;
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

function pick(s: MeasurementShape): Pick<MeasureMark, 'kind' | 'points' | 'axis'> {
  return { kind: s.kind, points: s.points, axis: s.axis };
}

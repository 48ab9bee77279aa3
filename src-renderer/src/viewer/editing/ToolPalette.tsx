// The labelling tool palette above the views: tools, the active label, brush size (mm), 2D/3D, protect,
// each tool's settings, the one-shot operations, undo/redo and how the mask is drawn. Every control names its
// shortcut; the state lives in the MaskEditor (this component only shows and sets it).

import { useSyncExternalStore } from 'react';
import type { MaskEditor } from '@core/labelling/mask-editor';
import type { OperationName } from '@core/labelling/tool-settings';
import { OPERATIONS, TOOLS } from '@core/labelling/tool-settings';
import './palette.css';

export interface PaletteLabel {
  value: number;
  name: string;
  color: string;
}

interface Props {
  editor: MaskEditor;
  labels: readonly PaletteLabel[];
  /** Runs an operation in the active view (the viewer knows which view and slice that is). */
  onOperation(name: OperationName): void;
}

function num(v: string, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

export function ToolPalette({ editor, labels, onOperation }: Props) {
  const snap = useSyncExternalStore(editor.subscribe, editor.getSnapshot);
  const s = snap.settings;
  const disabled = snap.readOnly !== null;
  return (
    <div
      className="cv-palette"
      role="toolbar"
      aria-label="Labelling tools"
      data-testid="tool-palette"
      data-working={snap.working ? 'true' : 'false'}
      data-tool={s.tool}
      data-readonly={disabled ? 'true' : 'false'}
    >
      <div className="cv-palette-group" role="group" aria-label="Tools">
        {TOOLS.map((t) => (
          <button
            key={t.name}
            type="button"
            data-testid={`tool-${t.name}`}
            className={`cv-text-button${s.tool === t.name ? ' cv-on' : ''}`}
            aria-pressed={s.tool === t.name}
            title={`${t.label} (${t.key}): ${t.what}`}
            onClick={() => editor.setTool(t.name)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <label className="cv-palette-field" title="Active label (` / ~)">
        <span>Label</span>
        <select
          data-testid="active-label"
          value={s.label}
          onChange={(e) => editor.update({ label: Number(e.target.value) })}
        >
          {labels.length === 0 && <option value={s.label}>{s.label}</option>}
          {labels.map((l) => (
            <option key={l.value} value={l.value}>
              {l.value} · {l.name}
            </option>
          ))}
        </select>
        <span
          className="cv-swatch"
          style={{ background: labels.find((l) => l.value === s.label)?.color ?? '#888' }}
        />
      </label>
      <label className="cv-palette-field" title="Brush radius in mm (, / .)">
        <span>Radius</span>
        <input
          type="number"
          data-testid="brush-mm"
          min={0.5}
          max={50}
          step={0.5}
          value={s.brushMm}
          onChange={(e) => editor.update({ brushMm: Math.max(0.1, num(e.target.value, s.brushMm)) })}
        />
        <span className="cv-dim">mm</span>
      </label>
      <button
        type="button"
        data-testid="tool-dimension"
        className="cv-text-button"
        title="2D: disc on the slice, region and clean-up on the current slice; 3D: ball, volume (U)"
        onClick={() => editor.update({ dimension: s.dimension === '2d' ? '3d' : '2d' })}
      >
        {s.dimension.toUpperCase()}
      </button>
      <button
        type="button"
        data-testid="tool-protect"
        aria-pressed={s.protect}
        className={`cv-text-button${s.protect ? ' cv-on' : ''}`}
        title="Protect other labels: painting changes only background, erasing only the active label (Q)"
        onClick={() => editor.update({ protect: !s.protect })}
      >
        Protect
      </button>
      {s.tool === 'threshold' && (
        <label className="cv-palette-field" title="Threshold brush paints only values in this range">
          <span>Range</span>
          <input
            type="number"
            data-testid="threshold-lo"
            value={s.thresholdLo}
            onChange={(e) => editor.update({ thresholdLo: num(e.target.value, s.thresholdLo) })}
          />
          <span>…</span>
          <input
            type="number"
            data-testid="threshold-hi"
            value={s.thresholdHi}
            onChange={(e) => editor.update({ thresholdHi: num(e.target.value, s.thresholdHi) })}
          />
        </label>
      )}
      {s.tool === 'grow' && (
        <label className="cv-palette-field" title="Region growing admits values within ± this of the seed">
          <span>±</span>
          <input
            type="number"
            data-testid="grow-tolerance"
            min={0}
            value={s.tolerance}
            onChange={(e) => editor.update({ tolerance: Math.max(0, num(e.target.value, s.tolerance)) })}
          />
        </label>
      )}
      <div className="cv-palette-group" role="group" aria-label="Operations">
        {OPERATIONS.filter((o) => o.name !== 'holesEverySlice').map((o) => (
          <button
            key={o.name}
            type="button"
            data-testid={`op-${o.name}`}
            className="cv-text-button"
            disabled={disabled}
            title={`${o.label} (${o.key}): ${o.what}`}
            onClick={() => onOperation(o.name)}
          >
            {o.label}
          </button>
        ))}
        <label className="cv-palette-field" title="Remove islands smaller than this">
          <span>&lt;</span>
          <input
            type="number"
            data-testid="island-min"
            min={0}
            value={s.islandMin}
            onChange={(e) => editor.update({ islandMin: Math.max(0, num(e.target.value, s.islandMin)) })}
          />
          <select
            value={s.islandUnit}
            aria-label="Island size unit"
            onChange={(e) => editor.update({ islandUnit: e.target.value === 'mL' ? 'mL' : 'voxels' })}
          >
            <option value="voxels">voxels</option>
            <option value="mL">mL</option>
          </select>
        </label>
      </div>
      <div className="cv-palette-group" role="group" aria-label="History">
        <button
          type="button"
          data-testid="undo"
          className="cv-text-button"
          disabled={disabled || snap.undoDepth === 0}
          title={`Undo (Ctrl+Z), ${snap.undoDepth} step(s)`}
          onClick={() => editor.undo()}
        >
          Undo
        </button>
        <button
          type="button"
          data-testid="redo"
          className="cv-text-button"
          disabled={disabled || snap.redoDepth === 0}
          title={`Redo (Ctrl+Shift+Z / Ctrl+Y), ${snap.redoDepth} step(s)`}
          onClick={() => editor.redo()}
        >
          Redo
        </button>
      </div>
      <label className="cv-palette-field" title="How your mask is drawn (Y)">
        <span>Mask</span>
        <select
          data-testid="overlay-style"
          value={snap.overlay}
          onChange={(e) => editor.setOverlay(e.target.value as 'fill' | 'outline' | 'hidden')}
        >
          <option value="fill">filled</option>
          <option value="outline">outline</option>
          <option value="hidden">hidden</option>
        </select>
      </label>
      {snap.working && (
        <span className="cv-palette-working" data-testid="operation-busy" role="status">
          <span className="cv-spinner" aria-hidden="true" />
          {snap.working}…
          <button type="button" onClick={() => editor.cancel()} data-testid="operation-cancel" title="Esc">
            Cancel
          </button>
        </span>
      )}
      {snap.readOnly && (
        <span className="cv-palette-note" data-testid="palette-readonly">
          {snap.readOnly}
        </span>
      )}
    </div>
  );
}

// The viewer's tool bar: the volume's name and size, the window presets and Auto, the current window/level,
// the W/L tool, Reset and the shortcuts button. Shows the state it is given; every button is an intent.
import type { Vec3 } from '@core/geometry/affine';
import { formatValue } from './readout';
import type { Tool, WindowSource } from './viewerState';
import type { PresetName, WindowLevel } from './windowLevel';
import { PRESETS } from './windowLevel';

export interface ViewerToolbarProps {
  name: string;
  dims: Vec3;
  modality: string | null;
  wl: WindowLevel;
  wlSource: WindowSource;
  tool: Tool;
  onPreset(name: PresetName | 'auto'): void;
  onToggleTool(): void;
  onReset(): void;
  onToggleHelp(): void;
}

export function ViewerToolbar(p: ViewerToolbarProps) {
  return (
    <div className="cv-toolbar" role="toolbar" aria-label="Viewer tools">
      <span className="cv-volume-name" title={p.name}>
        {p.name}
      </span>
      <span className="cv-dim">
        {p.dims.join('×')} {p.modality ?? ''}
      </span>
      <span className="cv-spacer" />
      <div className="cv-presets" role="group" aria-label="Window presets">
        {PRESETS.map((preset) => (
          <button
            key={preset.name}
            type="button"
            data-testid={`preset-${preset.name}`}
            className={`cv-text-button${p.wlSource === preset.name ? ' cv-on' : ''}`}
            title={`${preset.label}: W${preset.window} / L${preset.level} (${preset.key.toUpperCase()})`}
            onClick={() => p.onPreset(preset.name)}
          >
            {preset.label}
          </button>
        ))}
        <button
          type="button"
          data-testid="preset-auto"
          className={`cv-text-button${p.wlSource === 'auto' ? ' cv-on' : ''}`}
          title="Auto: 1st–99th percentile (A)"
          onClick={() => p.onPreset('auto')}
        >
          Auto
        </button>
      </div>
      <span
        className="cv-wl"
        data-testid="wl-display"
        data-window={p.wl.window}
        data-level={p.wl.level}
        data-source={p.wlSource}
      >
        W {formatValue(p.wl.window)} L {formatValue(p.wl.level)}
      </span>
      <button
        type="button"
        data-testid="tool-wl"
        aria-pressed={p.tool === 'windowLevel'}
        className={`cv-text-button${p.tool === 'windowLevel' ? ' cv-on' : ''}`}
        title="Left drag sets window/level instead of the crosshair (W)"
        onClick={p.onToggleTool}
      >
        W/L tool
      </button>
      <button
        type="button"
        data-testid="view-reset"
        className="cv-text-button"
        title="Reset zoom, pan, 3D camera and window (R)"
        onClick={p.onReset}
      >
        Reset
      </button>
      <button
        type="button"
        data-testid="help-button"
        className="cv-icon-button"
        title="Shortcuts (?)"
        aria-label="Show shortcuts"
        onClick={p.onToggleHelp}
      >
        ?
      </button>
    </div>
  );
}

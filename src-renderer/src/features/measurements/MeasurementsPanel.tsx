// The Measurements panel: the ruler and ellipse tools (Shift+M, Shift+E), the open volume's measurements
// (name, size, slice; a click jumps to it, ✕ deletes it, Undo takes back the last add or delete), each
// ellipse's mean, SD, min and max, and each label's volume with its statistics (LabelVolumes.tsx).
import type { LabelInfo, MeasurementInfo, VolumeMeta } from '@contract';
import type { LabelStats } from '@core/measure/statistics';
import type { VoxelArray } from '@core/volume/types';
import { useMemo } from 'react';
import { LabelVolumes } from './LabelVolumes';
import './measurements.css';
import { ellipseStatsOf, formatRegion } from './measureStats';
import type { Measurements } from './useMeasurements';

const AXIS_VIEW = ['sagittal', 'coronal', 'axial'] as const;

interface Props {
  m: Measurements;
  volume: { meta: VolumeMeta; voxels: VoxelArray };
  /** HU for CT, '' otherwise. */
  unit: string;
  labels: readonly LabelInfo[];
  labelStats: LabelStats[] | null;
}

function size(m: MeasurementInfo): string {
  if (m.kind === 'ruler') return `${(m.lengthMm ?? 0).toFixed(2)} mm`;
  return `${(m.areaMm2 ?? 0).toFixed(1)} mm²`;
}

export function MeasurementsPanel({ m, volume, unit, labels, labelStats }: Props) {
  const stats = useMemo(() => ellipseStatsOf(m.items, volume.meta, volume.voxels), [m.items, volume]);
  const toolButton = (kind: 'ruler' | 'ellipse', label: string, key: string) => (
    <button
      type="button"
      className={m.tool === kind ? 'on' : ''}
      aria-pressed={m.tool === kind}
      data-testid={`measure-${kind}`}
      title={`${label}: drag on a slice (${key}; Esc cancels)`}
      onClick={() => m.setTool(m.tool === kind ? null : kind)}
    >
      {label}
    </button>
  );
  return (
    <section className="panel" aria-label="Measurements" data-testid="measurements-panel">
      <h2>Measurements</h2>
      <div className="measure-tools">
        {toolButton('ruler', 'Ruler', 'Shift+M')}
        {toolButton('ellipse', 'Ellipse', 'Shift+E')}
        <button type="button" data-testid="measure-undo" disabled={!m.canUndo} onClick={m.undo}>
          Undo
        </button>
      </div>
      {m.error && (
        <p className="error" role="alert">
          {m.error}
        </p>
      )}
      {m.items.length === 0 ? (
        <p className="muted">None yet: pick Ruler or Ellipse and drag on a slice.</p>
      ) : (
        <ul className="measurements" data-testid="measurement-list">
          {m.items.map((x) => {
            const s = stats.get(x.id);
            return (
              <li
                key={x.id}
                className={x.id === m.selectedId ? 'measurement selected' : 'measurement'}
                data-testid={`measurement-${x.id}`}
                data-kind={x.kind}
                data-length-mm={x.lengthMm ?? undefined}
                data-area-mm2={x.areaMm2 ?? undefined}
                data-mean={s?.mean}
                data-sd={s?.sd}
              >
                <button
                  type="button"
                  className="link"
                  title="Show it (the crosshair moves to its slice)"
                  onClick={() => m.jump(x)}
                >
                  <span className="measurement-name">{x.name}</span>{' '}
                  <span data-testid="measurement-size">{size(x)}</span>{' '}
                  <span className="muted">
                    {AXIS_VIEW[x.axis]} slice {x.slice + 1}
                    {x.annotatorId !== m.ownerId ? ` · ${x.annotatorName}` : ''}
                  </span>
                </button>
                {x.annotatorId === m.ownerId && (
                  <button
                    type="button"
                    className="link"
                    aria-label={`Delete ${x.name}`}
                    data-testid={`measurement-delete-${x.id}`}
                    onClick={() => m.remove(x.id)}
                  >
                    ✕
                  </button>
                )}
                {s && (
                  <div className="measurement-stats" data-testid="measurement-stats">
                    {formatRegion(s, unit)}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <LabelVolumes labels={labels} stats={labelStats} unit={unit} />
    </section>
  );
}

// Each label's volume (mL) in the shown annotation with the statistics of the image inside it (mean, SD,
// min, max; HU for CT), recomputed shortly after each edit (useLabelStats.ts).
import type { LabelInfo } from '@contract';
import type { LabelStats } from '@core/measure/statistics';
import { formatMl, formatStat } from './measureStats';

interface Props {
  labels: readonly LabelInfo[];
  stats: LabelStats[] | null;
  unit: string;
}

export function LabelVolumes({ labels, stats, unit }: Props) {
  if (stats === null) return null;
  const u = unit ? ` (${unit})` : '';
  return (
    <div className="label-volumes" data-testid="label-volumes">
      <h3>Label volumes</h3>
      {stats.length === 0 ? (
        <p className="muted">Your annotation has no labelled voxel yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Label</th>
              <th>Volume</th>
              <th>Mean{u}</th>
              <th>SD</th>
              <th>Min</th>
              <th>Max</th>
            </tr>
          </thead>
          <tbody>
            {stats.map((s) => (
              <tr
                key={s.label}
                data-testid={`label-volume-${s.label}`}
                data-ml={s.volumeMl}
                data-voxels={s.voxels}
                data-mean={s.mean}
              >
                <td>{labels.find((l) => l.value === s.label)?.name ?? `Label ${s.label}`}</td>
                <td>{formatMl(s.volumeMl)}</td>
                <td>{formatStat(s.mean)}</td>
                <td>{formatStat(s.sd)}</td>
                <td>{formatStat(s.min)}</td>
                <td>{formatStat(s.max)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

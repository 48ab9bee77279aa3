// The readout bar: voxel index, LPS position (mm) and physical value of the voxel under the mouse, or of the
// crosshair when the mouse is not over a slice. Text is formatted for reading; the data- attributes carry the
// exact numbers for tests.

import type { VoxelReadout } from './readout';
import { formatIjk, formatLps, formatValue } from './readout';

export function Readout({ r, source, unit }: { r: VoxelReadout; source: 'hover' | 'cursor'; unit: string }) {
  return (
    <div className="cv-readout" data-testid="readout" data-source={source}>
      <span className="cv-readout-label">{source === 'hover' ? 'Pointer' : 'Crosshair'}</span>
      <span className="cv-readout-label">IJK</span>
      <span data-testid="readout-ijk" data-ijk={r.ijk.join(',')}>
        {formatIjk(r.ijk)}
      </span>
      <span className="cv-readout-label">LPS mm</span>
      <span data-testid="readout-lps" data-lps={r.lps.join(',')}>
        {formatLps(r.lps)}
      </span>
      <span className="cv-readout-label">Value</span>
      <span data-testid="readout-value" data-value={String(r.value)}>
        {formatValue(r.value)}
      </span>
      {unit && <span className="cv-dim">{unit}</span>}
    </div>
  );
}

// The figures the comparison view shows, in the order of its metric picker: name, unit, how a value is
// written, and the one-line definition (quoted from src-main/core/metrics/definitions.ts, the same text the
// CLI documents), plus how a cell of the N×N matrix reads a figure for an ordered pair (row A, column B).
//
// Pairs arrive as computed by core/metrics/compare.ts, once per unordered pair (a < b). Symmetric figures
// read the same both ways; the volume differences are taken as (column − row), so the cell (A, B) is
// V_B − V_A and 100 (V_B − V_A) / V_A, exactly the stored figure when A is the pair's `a`.
import type { PairMetrics } from '@core/metrics/compare';
import { METRIC_DEFINITIONS } from '@core/metrics/definitions';

/** The per-pair numbers the UI reads (PairMetrics of core/metrics/compare.ts; extra fields are ignored). */
export type PairFigures = Pick<
  PairMetrics,
  | 'a'
  | 'b'
  | 'label'
  | 'dice'
  | 'jaccard'
  | 'hausdorff'
  | 'hd95'
  | 'assd'
  | 'surfaceDice'
  | 'toleranceMm'
  | 'volumeA_ml'
  | 'volumeB_ml'
  | 'distanceReason'
> &
  Partial<Pick<PairMetrics, 'cohenKappa'>>;

export type MetricKey =
  | 'dice'
  | 'jaccard'
  | 'hausdorff'
  | 'hd95'
  | 'assd'
  | 'surfaceDice'
  | 'volumeDifferenceMl'
  | 'volumeDifferencePercent'
  | 'cohenKappa';

export interface MetricSpec {
  key: MetricKey;
  /** Short column / picker name. */
  name: string;
  /** '' for ratios; 'mm', 'mL', '%'. */
  unit: string;
  /** Sorting: is a larger value better agreement? (Used to colour cells, not to reorder anything.) */
  higherIsBetter: boolean;
  definition: string;
  /** Decimals shown in the table; exports keep full precision. */
  decimals: number;
}

export const METRICS: readonly MetricSpec[] = [
  {
    key: 'dice',
    name: 'Dice',
    unit: '',
    higherIsBetter: true,
    definition: METRIC_DEFINITIONS.dice,
    decimals: 4,
  },
  {
    key: 'jaccard',
    name: 'Jaccard',
    unit: '',
    higherIsBetter: true,
    definition: METRIC_DEFINITIONS.jaccard,
    decimals: 4,
  },
  {
    key: 'hausdorff',
    name: 'Hausdorff',
    unit: 'mm',
    higherIsBetter: false,
    definition: METRIC_DEFINITIONS.hausdorff,
    decimals: 2,
  },
  {
    key: 'hd95',
    name: 'HD95',
    unit: 'mm',
    higherIsBetter: false,
    definition: METRIC_DEFINITIONS.hd95,
    decimals: 2,
  },
  {
    key: 'assd',
    name: 'ASSD',
    unit: 'mm',
    higherIsBetter: false,
    definition: METRIC_DEFINITIONS.assd,
    decimals: 3,
  },
  {
    key: 'surfaceDice',
    name: 'Surface Dice',
    unit: '',
    higherIsBetter: true,
    definition: METRIC_DEFINITIONS.surfaceDice,
    decimals: 4,
  },
  {
    key: 'volumeDifferenceMl',
    name: 'Volume diff.',
    unit: 'mL',
    higherIsBetter: false,
    definition: `${METRIC_DEFINITIONS.volumeDifferenceMl} Cell (row A, column B) = V_B − V_A.`,
    decimals: 3,
  },
  {
    key: 'volumeDifferencePercent',
    name: 'Volume diff.',
    unit: '%',
    higherIsBetter: false,
    definition: `${METRIC_DEFINITIONS.volumeDifferencePercent} Cell (row A, column B) = 100 (V_B − V_A) / V_A.`,
    decimals: 1,
  },
  {
    key: 'cohenKappa',
    name: "Cohen's κ",
    unit: '',
    higherIsBetter: true,
    definition: METRIC_DEFINITIONS.cohenKappa,
    decimals: 4,
  },
];

export function metricSpec(key: MetricKey): MetricSpec {
  return METRICS.find((m) => m.key === key)!;
}

/** Header text: name and unit, e.g. "HD95 (mm)". */
export function metricTitle(m: MetricSpec): string {
  return m.unit ? `${m.name} (${m.unit})` : m.name;
}

/**
 * The figure for the ordered pair (row, col) from the pair's stored figures, or null (undefined distance,
 * volume % against an empty row mask). `p` is the pair {a, b} in either order.
 */
export function cellValue(p: PairFigures, key: MetricKey, row: number, col: number): number | null {
  const swapped = row === p.b && col === p.a;
  const vRow = swapped ? p.volumeB_ml : p.volumeA_ml;
  const vCol = swapped ? p.volumeA_ml : p.volumeB_ml;
  switch (key) {
    case 'volumeDifferenceMl':
      return vCol - vRow;
    case 'volumeDifferencePercent':
      return vRow === 0 ? null : (100 * (vCol - vRow)) / vRow;
    case 'cohenKappa':
      return p.cohenKappa ?? null;
    default:
      return p[key];
  }
}

/** The value as the table writes it: fixed decimals, '—' for null, a leading + on signed differences. */
export function formatMetric(m: MetricSpec, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const s = v.toFixed(m.decimals);
  return m.key.startsWith('volumeDifference') && v > 0 ? `+${s}` : s;
}

/** Why a cell is empty, for its tooltip. */
export function emptyReason(p: PairFigures, key: MetricKey): string {
  if (key === 'volumeDifferencePercent') return 'The row mask is empty: no reference volume.';
  if (key === 'cohenKappa') return 'Kappa is undefined here (no region, or no variation in it).';
  if (p.distanceReason === 'both-empty') return 'Both masks are empty for this label: no distance.';
  if (p.distanceReason === 'one-empty')
    return 'One mask is empty for this label: a distance to nothing is undefined.';
  return 'Not defined.';
}

// Exports of a comparison: CSV (one row per pair and label, every figure with its unit in the header, full
// precision, '' for undefined) and JSON (the same rows plus the raters, Fleiss' kappa and every figure's
// definition), and the browser download of either. The text builders are pure (tested in Node).
import { METRIC_DEFINITIONS } from '../../../../src-main/core/metrics/definitions';
import type { Rater } from './matrix';
import type { PairFigures } from './metrics';
import { cellValue } from './metrics';

export interface ComparisonExport {
  /** Case and volume names, for the reader of the file. */
  caseName: string;
  volumeName: string;
  raters: readonly Rater[];
  /** Label value -> name. */
  labelNames: ReadonlyMap<number, string>;
  pairs: readonly PairFigures[];
  fleissKappa?: number | null;
  /** ISO time of the computation. */
  computedAt: string;
}

const COLUMNS = [
  'label',
  'label_name',
  'rater_a',
  'rater_b',
  'dice',
  'jaccard',
  'hausdorff_mm',
  'hd95_mm',
  'assd_mm',
  'surface_dice',
  'tolerance_mm',
  'volume_a_ml',
  'volume_b_ml',
  'volume_difference_ml',
  'volume_difference_percent',
  'cohen_kappa',
  'distance_reason',
] as const;

type Row = Record<(typeof COLUMNS)[number], string | number | null>;

function rows(e: ComparisonExport): Row[] {
  const name = (i: number): string => e.raters.find((r) => r.index === i)?.name ?? `rater ${i}`;
  return e.pairs.map((p) => ({
    label: p.label,
    label_name: e.labelNames.get(p.label) ?? `Label ${p.label}`,
    rater_a: name(p.a),
    rater_b: name(p.b),
    dice: p.dice,
    jaccard: p.jaccard,
    hausdorff_mm: p.hausdorff,
    hd95_mm: p.hd95,
    assd_mm: p.assd,
    surface_dice: p.surfaceDice,
    tolerance_mm: p.toleranceMm,
    volume_a_ml: p.volumeA_ml,
    volume_b_ml: p.volumeB_ml,
    volume_difference_ml: cellValue(p, 'volumeDifferenceMl', p.a, p.b),
    volume_difference_percent: cellValue(p, 'volumeDifferencePercent', p.a, p.b),
    cohen_kappa: p.cohenKappa ?? null,
    distance_reason: p.distanceReason,
  }));
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function comparisonCsv(e: ComparisonExport): string {
  const lines = [COLUMNS.join(',')];
  for (const r of rows(e)) lines.push(COLUMNS.map((c) => csvField(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function comparisonJson(e: ComparisonExport): string {
  return JSON.stringify(
    {
      case: e.caseName,
      volume: e.volumeName,
      computedAt: e.computedAt,
      raters: e.raters.map((r) => ({ index: r.index, name: r.name, consensus: r.consensus ?? false })),
      fleissKappa: e.fleissKappa ?? null,
      pairs: rows(e),
      units: { distances: 'mm', volumes: 'mL (1 mL = 1000 mm³)', volume_difference_percent: '% of rater_a' },
      definitions: METRIC_DEFINITIONS,
    },
    null,
    2,
  );
}

/** A file name safe on every OS: letters, digits, '-', '_' and '.', nothing else. */
export function exportFileName(caseName: string, ext: 'csv' | 'json'): string {
  const base = caseName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'case';
  return `${base}-comparison.${ext}`;
}

/** Saves text as a file through the browser's download (works in Electron's sandbox and the web host). */
export function downloadText(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started once click() returns; revoke later so slow browsers still read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

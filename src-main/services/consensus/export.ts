// A comparison as CSV or JSON, for saving. The CSV is one table, one row per figure set, every column's unit
// in its header name (_mm, _ml, _percent, _voxels; none for ratios and kappas):
//   kind 'pair'       rater a vs rater b for a label (a, b = rater indices; their names and revisions)
//   kind 'vs-vote'    rater a vs the majority vote of the label (b empty; consensus in raterB)
//   kind 'vs-staple'  rater a vs STAPLE of the label, with STAPLE's sensitivity and specificity
//   kind 'fleiss'     Fleiss' kappa over all raters (in the kappa column) and its region's voxel count
// Empty cells: undefined figures (e.g. distances when a mask is empty; distanceReason says why). Numbers are
// written with full precision. Text is quoted when it holds a comma, quote or line break (RFC 4180).
import type { PairMetrics, VersusConsensus } from '../../core/model';
import { METRIC_DEFINITIONS } from '../../core/metrics/definitions';

export interface ComparisonTable {
  raters: { name: string; annotationId?: number | null; revisionId?: number | null }[];
  pairs: PairMetrics[];
  fleiss: {
    kappa: number | null;
    reason: string | null;
    label: number | null;
    region: { voxels: number } | null;
  };
  versusConsensus?: VersusConsensus[];
}

const COLUMNS: [string, (r: Row) => unknown][] = [];
interface Row {
  kind: 'pair' | 'vs-vote' | 'vs-staple' | 'fleiss';
  label: number | null;
  a: number | null;
  b: number | null;
  raterA: string;
  raterB: string;
  annotationA: number | null;
  revisionA: number | null;
  annotationB: number | null;
  revisionB: number | null;
  m: Partial<Omit<PairMetrics, 'a' | 'b'>>;
  kappa: number | null;
  kappaRegionVoxels: number | null;
  sensitivity: number | null;
  specificity: number | null;
}

const col = (name: string, get: (r: Row) => unknown) => COLUMNS.push([name, get]);
col('kind', (r) => r.kind);
col('label', (r) => r.label);
col('a', (r) => r.a);
col('b', (r) => r.b);
col('raterA', (r) => r.raterA);
col('raterB', (r) => r.raterB);
col('annotationA', (r) => r.annotationA);
col('revisionA', (r) => r.revisionA);
col('annotationB', (r) => r.annotationB);
col('revisionB', (r) => r.revisionB);
col('dice', (r) => r.m.dice);
col('jaccard', (r) => r.m.jaccard);
col('volumeA_ml', (r) => r.m.volumeA_ml);
col('volumeB_ml', (r) => r.m.volumeB_ml);
col('volumeDifference_ml', (r) => r.m.volumeDifferenceMl);
col('absVolumeDifference_ml', (r) => r.m.absVolumeDifferenceMl);
col('volumeDifference_percent', (r) => r.m.volumeDifferencePercent);
col('volumeSimilarity', (r) => r.m.volumeSimilarity);
col('hausdorff_mm', (r) => r.m.hausdorff);
col('averageHausdorff_mm', (r) => r.m.averageHausdorff);
col('hd95_mm', (r) => r.m.hd95);
col('assd_mm', (r) => r.m.assd);
col('surfaceDice', (r) => r.m.surfaceDice);
col('tolerance_mm', (r) => r.m.toleranceMm);
col('distanceReason', (r) => r.m.distanceReason);
col('voxelsA_voxels', (r) => r.m.voxelsA);
col('voxelsB_voxels', (r) => r.m.voxelsB);
col('voxelsBoth_voxels', (r) => r.m.voxelsBoth);
col('kappa', (r) => r.kappa);
col('kappaRegion_voxels', (r) => r.kappaRegionVoxels);
col('sensitivity', (r) => r.sensitivity);
col('specificity', (r) => r.specificity);

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function rows(t: ComparisonTable): Row[] {
  const rater = (i: number) => t.raters[i] ?? { name: `rater ${i}` };
  const out: Row[] = [];
  for (const p of t.pairs) {
    const { a, b, ...m } = p;
    out.push({
      kind: 'pair',
      label: p.label,
      a,
      b,
      raterA: rater(a).name,
      raterB: rater(b).name,
      annotationA: rater(a).annotationId ?? null,
      revisionA: rater(a).revisionId ?? null,
      annotationB: rater(b).annotationId ?? null,
      revisionB: rater(b).revisionId ?? null,
      m,
      kappa: p.cohenKappa,
      kappaRegionVoxels: p.kappaRegion?.voxels ?? null,
      sensitivity: null,
      specificity: null,
    });
  }
  for (const v of t.versusConsensus ?? []) {
    for (const r of v.raters) {
      const { rater: i, sensitivity, specificity, ...m } = r;
      out.push({
        kind: v.method === 'vote' ? 'vs-vote' : 'vs-staple',
        label: v.label,
        a: i,
        b: null,
        raterA: rater(i).name,
        raterB: v.method === 'vote' ? 'majority vote' : 'STAPLE',
        annotationA: rater(i).annotationId ?? null,
        revisionA: rater(i).revisionId ?? null,
        annotationB: null,
        revisionB: null,
        m,
        kappa: r.cohenKappa,
        kappaRegionVoxels: r.kappaRegion?.voxels ?? null,
        sensitivity,
        specificity,
      });
    }
  }
  out.push({
    kind: 'fleiss',
    label: t.fleiss.label,
    a: null,
    b: null,
    raterA: 'all raters',
    raterB: '',
    annotationA: null,
    revisionA: null,
    annotationB: null,
    revisionB: null,
    m: {},
    kappa: t.fleiss.kappa,
    kappaRegionVoxels: t.fleiss.region?.voxels ?? null,
    sensitivity: null,
    specificity: null,
  });
  return out;
}

export function comparisonCsv(t: ComparisonTable): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const r of rows(t)) lines.push(COLUMNS.map(([, get]) => cell(get(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** The comparison as a JSON document with the definitions of its figures. */
export function comparisonJson(t: object): string {
  return JSON.stringify({ definitions: METRIC_DEFINITIONS, ...t }, null, 2) + '\n';
}

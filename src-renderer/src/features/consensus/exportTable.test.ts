import { describe, expect, it } from 'vitest';
import type { ComparisonExport } from './exportTable';
import { comparisonCsv, comparisonJson, csvField, exportFileName } from './exportTable';

const EXPORT: ComparisonExport = {
  caseName: 'LIDC-IDRI-0001',
  volumeName: 'CT, "chest"',
  raters: [
    { index: 0, name: 'Reader, 1' },
    { index: 1, name: 'Reader 2' },
  ],
  labelNames: new Map([[1, 'Nodule']]),
  pairs: [
    {
      a: 0,
      b: 1,
      label: 1,
      dice: 0.844980315,
      jaccard: 0.7315722199,
      hausdorff: 4.903860883,
      hd95: null,
      assd: 0.5,
      surfaceDice: 0.9,
      toleranceMm: 1,
      volumeA_ml: 2,
      volumeB_ml: 1.5,
      distanceReason: null,
    },
  ],
  fleissKappa: 0.81,
  computedAt: '2026-11-27T02:00:00.000Z',
};

describe('comparison export', () => {
  it('CSV: a header with units, one row per pair, full precision, quoted names, empty for undefined', () => {
    const lines = comparisonCsv(EXPORT).split('\r\n');
    expect(lines[0]).toContain('hausdorff_mm,hd95_mm,assd_mm');
    expect(lines[1]).toBe(
      '1,Nodule,"Reader, 1",Reader 2,0.844980315,0.7315722199,4.903860883,,0.5,0.9,1,2,1.5,-0.5,-25,,',
    );
    expect(lines).toHaveLength(3); // header, row, final CRLF
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it('JSON: raters, pairs, definitions and units', () => {
    const doc = JSON.parse(comparisonJson(EXPORT)) as Record<string, unknown>;
    expect(doc['case']).toBe('LIDC-IDRI-0001');
    expect((doc['pairs'] as { dice: number }[])[0]!.dice).toBe(0.844980315);
    expect(doc['fleissKappa']).toBe(0.81);
    expect(Object.keys(doc['definitions'] as object)).toContain('hd95');
  });

  it('names the file after the case, safely', () => {
    expect(exportFileName('LIDC-IDRI-0001', 'csv')).toBe('LIDC-IDRI-0001-comparison.csv');
    expect(exportFileName('a/b c', 'json')).toBe('a_b_c-comparison.json');
  });
});

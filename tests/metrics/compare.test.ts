// Comparison (metrics.md "Standardisation and comparison"): funnel limits, outliers and variation.
// kad-transfer-share in 2024 for three municipalities with 100 discharged stays each:
//   4204: 50 sent to hospital, 4223: 10, 4215: 40 → overall 100/300 = 33.33 %.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareMetric } from '../../api/metrics/engine.ts';
import { wilson } from '../../api/metrics/statistics.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;

beforeAll(async () => {
  t = await testWarehouse();
  for (const [municipality, sent] of [['4204', 50], ['4223', 10], ['4215', 40]] as const) {
    await t.sql(`INSERT INTO kad_stay SELECT 'KAD1', '${municipality}-' || i, 'p' || i, '${municipality}', '${municipality}', true,
      80, 'K', 'K', TIMESTAMP '2024-05-01 10:00', TIMESTAMP '2024-05-02 10:00', 'R96', 'R96',
      CASE WHEN i < ${sent} THEN 'sykehus' ELSE 'hjem' END, 1, 2 FROM range(100) r(i)`);
  }
});
afterAll(() => t?.close());

describe('compareMetric', () => {
  it('gives one total row per municipality of a collaboration, funnel limits, outliers and variation', async () => {
    const result = await compareMetric(t.warehouse, {
      metric: 'kad-transfer-share', municipalities: ['knutepunkt-sorlandet'], from: '2024-01', to: '2024-12', by: 'month', sex: 'all', standardise: 'none',
    });
    const rows = result.rows.filter((r) => r.denominator! > 0);
    expect(rows.map((r) => [r.municipality, r.period, r.numerator, r.denominator])).toEqual([
      ['4204', 'total', 50, 100], ['4215', 'total', 40, 100], ['4223', 'total', 10, 100],
    ]);
    expect(result.overall).toBeCloseTo(100 / 3, 10);
    // All denominators are 100, so the funnel is one point: p = 1/3, se = √(p(1−p)/100) = 0.04714.
    // 95 %: 33.33 ± 1.96 × 4.714 = 24.09 … 42.57; 99.8 %: 33.33 ± 3.09 × 4.714 = 18.76 … 47.90.
    const point = result.funnel.find((p) => p.denominator === 100)!;
    expect(point.lower95).toBeCloseTo(24.09, 1);
    expect(point.upper95).toBeCloseTo(42.57, 1);
    expect(point.lower998).toBeCloseTo(18.76, 1);
    expect(point.upper998).toBeCloseTo(47.90, 1);
    // 50 % and 10 % lie outside 99.8 %; 40 % inside.
    expect(result.outliers.sort()).toEqual(['4204', '4223']);
    // Max/min = 50/10 = 5. Mean 33.33, sample SD = √((16.67² + 23.33² + 6.67²)/2) = 20.82 → CV 0.6245.
    // SCV (×100): E = 33.33 each; ((O−E)/E)² − 1/E = 0.25 − 0.03, 0.49 − 0.03, 0.04 − 0.03 → mean 0.23 → 23.
    expect(result.variation.maxMinRatio).toBeCloseTo(5, 10);
    expect(result.variation.cv).toBeCloseTo(0.6245, 3);
    expect(result.variation.scv).toBeCloseTo(23, 8);
  });

  it('has a Wilson interval that matches the textbook value', () => {
    // 10 of 100, z = 1.96: 5.52 % … 17.44 % (Newcombe 1998, table I style example).
    const [low, high] = wilson(10, 100)!;
    expect(low * 100).toBeCloseTo(5.52, 2);
    expect(high * 100).toBeCloseTo(17.44, 2);
  });
});

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
    await t.sql(`INSERT INTO kad_stay (unit, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw, admitted, discharged, main_diagnosis, main_diagnosis_raw, discharged_to, import_id, source_line) SELECT 'KAD1', '${municipality}-' || i, 'p' || i, '${municipality}', '${municipality}', true,
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
    // All denominators are 100, so the funnel is one point: exact Binomial(100, 1/3) limits, interpolated
    // between whole counts (api/metrics/exact.ts). 95 %: P(X ≤ 24) = 0.028051 ≥ 0.025 > P(X ≤ 23) →
    // 24 − (0.028051 − 0.025) ÷ P(X = 24) = 24 − 0.003051 ÷ 0.011696 = 23.74; P(X ≥ 43) = 0.027567 ≥ 0.025 >
    // P(X ≥ 44) → 43 + 0.002567 ÷ 0.010659 = 43.24. 99.8 %: 19 − 0.0001125 ÷ 0.00062087 = 18.82 and
    // 48 + 0.000666 ÷ 0.00081448 = 48.82. (The normal approximation, 33.33 ± z × 4.714, gave 24.09 … 42.57
    // and 18.76 … 47.90: at 100 trials the two agree within half a percentage point.)
    const point = result.funnel.find((p) => p.denominator === 100)!;
    expect(point.lower95).toBeCloseTo(23.74, 2);
    expect(point.upper95).toBeCloseTo(43.24, 2);
    expect(point.lower998).toBeCloseTo(18.82, 2);
    expect(point.upper998).toBeCloseTo(48.82, 2);
    // Exact tails: 50 of 100: P(X ≥ 50) = 0.00042 < 0.001 and 10 of 100: P(X ≤ 10) = 5.3e−8 → outliers;
    // 40 of 100: P(X ≥ 40) = 0.097 → inside.
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

// The comparison funnel by indirect standardisation, overdispersion and nights (issue 12, item 1).
// kad-stays in 2024, women only, two age strata (40–44 and 80–84), person-years = population (all of 2024):
//
//   municipality  young PY  old PY  young stays  old stays  observed
//   4204 (old)      2 000    2 000        2          200        202
//   4223           20 000      200       20           20         40
//   4215           20 000      200       20           20         40
//   4218           18 000      200       78           20         98
//
// The set's stratum rates: young 120 ÷ 60 000 = 0.002, old 260 ÷ 2 600 = 0.1. Expected = Σ PY × rate:
//   4204: 2 000·0.002 + 2 000·0.1 = 4 + 200 = 204 (SMR 202 ÷ 204 = 0.990)
//   4223, 4215: 40 + 20 = 60 (SMR 0.667);  4218: 36 + 20 = 56 (SMR 1.75).  Σ expected = 380 = Σ observed.
// Crude: 380 stays ÷ 62 600 PY = 6.070 per 1000; 4204's crude expected would be 6.070 × 4 = 24.3
// against 202 observed: the old crude funnel flagged it for being old.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricQuery, MetricRow } from '../../contract/types.ts';
import { compareFigures, nightsNote } from '../../api/metrics/compare.ts';
import { compareMetric } from '../../api/metrics/engine.ts';
import { poissonControlLimits, poissonFlag, tails } from '../../api/metrics/exact.ts';
import { winsorisedPhi } from '../../api/metrics/overdispersion.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;

const table = [
  ['4204', 2000, 2000, 2, 200],
  ['4223', 20000, 200, 20, 20],
  ['4215', 20000, 200, 20, 20],
  ['4218', 18000, 200, 78, 20],
] as const;

beforeAll(async () => {
  t = await testWarehouse();
  for (const [code, youngPy, oldPy, youngStays, oldStays] of table) {
    await t.population(code, 2024, 'K', youngPy, 40);
    await t.population(code, 2024, 'K', oldPy, 80);
    for (const [age, stays] of [[40, youngStays], [80, oldStays]] as const) {
      // Each stay is admitted on 1 June and stays 3 nights (3 bed-days).
      await t.sql(`INSERT INTO kad_stay (unit, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw, admitted, discharged, main_diagnosis, main_diagnosis_raw, discharged_to, import_id, source_line) SELECT 'KAD1', '${code}-${age}-' || i, '${code}-${age}-p' || i, '${code}', '${code}', true,
        ${age}, 'K', 'K', TIMESTAMP '2024-06-01 10:00', TIMESTAMP '2024-06-04 10:00', 'R96', 'R96', 'hjem', 1, 2 FROM range(${stays}) r(i)`);
    }
  }
});
afterAll(() => t?.close());

const query = (metric: 'kad-stays' | 'kad-bed-days'): MetricQuery =>
  ({ metric, municipalities: ['4204', '4223', '4215', '4218'], from: '2024-01', to: '2024-12', by: 'total', sex: 'all', standardise: 'none' });

describe('the SMR funnel for rates (indirect age–sex standardisation)', () => {
  it('does not flag an old municipality with a high crude rate, and flags a real excess', async () => {
    const result = await compareMetric(t.warehouse, query('kad-stays'));
    const byCode = Object.fromEntries(result.rows.map((r) => [r.municipality, r]));
    expect(result.funnelMethod).toBe('smr-poisson');
    expect(byCode['4204']).toMatchObject({ numerator: 202, denominator: 4000 });
    expect(byCode['4204']!.expected).toBeCloseTo(204, 9);
    expect(byCode['4223']!.expected).toBeCloseTo(60, 9);
    expect(byCode['4218']!.expected).toBeCloseTo(56, 9);
    // The crude rate of 4204 is 50.5 per 1000 against 6.07 pooled: by the crude model it is far out.
    expect(byCode['4204']!.value).toBeCloseTo(50.5, 9);
    expect(poissonFlag(202, (380 * 4000) / 62600, 0.998)).toBe('high');
    // By SMR: 202 where 204 expected is nothing. 40 where 60 expected: P(X ≤ 40 | 60) ≈ Φ((40.5 − 60) ÷ 7.75)
    // = Φ(−2.52) ≈ 0.006 > 0.001, inside 99.8 %. 98 where 56 expected: z = 42 ÷ 7.48 = 5.6 → high.
    expect(tails.poissonAtMost(40, 60)).toBeGreaterThan(0.001);
    expect(result.outliers).toEqual(['4218']);
    // Four units are too few to estimate overdispersion (at least 10).
    expect(result.overdispersion).toEqual({ phi: null, used: false });
  });

  it('draws the limits in SMR units around 1 against the expected count', async () => {
    const result = await compareMetric(t.warehouse, query('kad-stays'));
    // x runs from the smallest to the largest expected count (56 … 204); at E = 56 the 99.8 % limits are
    // the exact Poisson count limits ÷ 56. Normal approximation: 56 ± 3.09 · 7.48 = 32.9 … 79.1 → 0.59 … 1.41.
    const first = result.funnel[0]!;
    const last = result.funnel.at(-1)!;
    expect(first.denominator).toBeCloseTo(56, 9);
    expect(last.denominator).toBeCloseTo(204, 9);
    const counts = poissonControlLimits(56, 0.998);
    expect(first.lower998).toBeCloseTo(counts.lower / 56, 12);
    expect(first.upper998).toBeCloseTo(counts.upper / 56, 12);
    expect(first.lower998).toBeGreaterThan(0.55);
    expect(first.upper998).toBeLessThan(1.5);
    expect(result.funnel.every((p) => p.lower998 < 1 && p.upper998 > 1 && p.lower95 > p.lower998)).toBe(true);
  });
});

describe('no funnel for nights', () => {
  it('gives kad-bed-days no limits, no outliers, no expected count and says why', async () => {
    const result = await compareMetric(t.warehouse, query('kad-bed-days'));
    // 4204: 202 stays × 3 nights = 606 bed-days; 606 ÷ 4000 PY × 1000 = 151.5 per 1000.
    expect(result.rows.find((r) => r.municipality === '4204')).toMatchObject({ numerator: 606, value: 151.5, expected: null });
    expect(result).toMatchObject({ funnel: [], outliers: [], funnelMethod: 'none', funnelNote: nightsNote, overdispersion: { phi: null, used: false } });
    // SCV assumes Poisson counts too; max/min and CV do not.
    expect(result.variation.scv).toBeNull();
    expect(result.variation.maxMinRatio).toBeGreaterThan(1);
  });
});

describe('overdispersion (Spiegelhalter 2005, winsorised at 10 % / 90 %)', () => {
  it('winsorises by hand-worked counts', () => {
    // 10 z-scores, k = ⌊0.1 · 10⌋ = 1: the lowest (−3) becomes the next lowest (−1), the highest (4) the next
    // highest (2): −1, −1, −0.5, 0, 0, 0.5, 1, 1, 2, 2 → Σ z² = 1 + 1 + 0.25 + 0 + 0 + 0.25 + 1 + 1 + 4 + 4 = 12.5 → φ = 1.25.
    expect(winsorisedPhi([0, 4, -1, 0.5, -3, 1, 0, 2, -0.5, 1])).toBeCloseTo(1.25, 12);
    // 20 z-scores (k = 2): 0 … 0 and −5, −4, 3, 6 → −5, −4 become 0 (the 3rd lowest), 6 and 3 become 0 → φ = 0.
    expect(winsorisedPhi([-5, -4, 3, 6, ...Array<number>(16).fill(0)])).toBe(0);
    // 9 z-scores: too few.
    expect(winsorisedPhi([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBeNull();
  });

  it('widens the SMR limits by √φ, so large units with real spread are not all flagged', () => {
    // Ten municipalities with E = 100 each (1000 PY at the pooled 100 per 1000) and
    // O = 62, 80, 90, 95, 100, 100, 105, 110, 120, 138 (Σ 1000): z = (O − 100) ÷ 10 = −3.8, −2, −1, −0.5, 0, 0,
    // 0.5, 1, 2, 3.8. Winsorised (k = 1): ±3.8 → ±2 → Σ z² = 4 + 4 + 1 + 0.25 + 0 + 0 + 0.25 + 1 + 4 + 4 = 18.5
    // → φ = 1.85, √φ = 1.3601.
    const observed = [62, 80, 90, 95, 100, 100, 105, 110, 120, 138];
    const rows: MetricRow[] = observed.map((o, i) => ({
      municipality: `m${i}`, period: 'total', numerator: o, denominator: 1000, value: o, ciLow: null, ciHigh: null, suppressed: false, expected: 100,
    }));
    const figures = compareFigures('rate', rows, 'acute-admissions');
    expect(figures.overdispersion!.phi).toBeCloseTo(1.85, 12);
    expect(figures.overdispersion!.used).toBe(true);
    // Without φ both ends are outliers: P(X ≤ 62 | 100) and P(X ≥ 138 | 100) are below 0.001 (z ≈ ∓3.8).
    expect(poissonFlag(62, 100, 0.998)).toBe('low');
    expect(poissonFlag(138, 100, 0.998)).toBe('high');
    // Widened: 1 ± 1.3601 × (exact limit ÷ 100 − 1). Normal approximation of the exact limits 100 ± 30.9 (+1.4 skew)
    // → SMR 1 − 1.36 · 0.29 ≈ 0.60 … 1 + 1.36 · 0.32 ≈ 1.44: 0.62 and 1.38 are inside.
    const counts = poissonControlLimits(100, 0.998);
    const atHundred = figures.funnel.find((p) => p.denominator === 100)!;
    expect(atHundred.upper998).toBeCloseTo(1 + Math.sqrt(1.85) * (counts.upper / 100 - 1), 12);
    expect(atHundred.lower998).toBeCloseTo(1 - Math.sqrt(1.85) * (1 - counts.lower / 100), 12);
    expect(atHundred.upper998).toBeCloseTo(1.44, 1);
    expect(atHundred.lower998).toBeCloseTo(0.6, 1);
    expect(figures.outliers).toEqual([]);
    expect(figures.rows.map((r) => r.expected)).toEqual(Array<number>(10).fill(100));
  });

  it('leaves the limits alone when the winsorised φ is at most 1', () => {
    // O = 100 − 5 … 100 + 5 around E = 100 (z = ±0.5 or 0): φ = 0.2 ≤ 1 → the exact limits unchanged.
    const rows: MetricRow[] = [95, 95, 95, 95, 100, 100, 105, 105, 105, 105].map((o, i) => ({
      municipality: `m${i}`, period: 'total', numerator: o, denominator: 1000, value: o, ciLow: null, ciHigh: null, suppressed: false, expected: 100,
    }));
    const figures = compareFigures('rate', rows, 'kad-stays');
    expect(figures.overdispersion).toEqual({ phi: expect.closeTo(0.2, 12) as number, used: false });
    expect(figures.funnel[0]!.upper998).toBeCloseTo(poissonControlLimits(100, 0.998).upper / 100, 12);
  });

  it('gives every share row its expected count n × pooled share', () => {
    // 5 of 10 and 145 of 990 → 15 %: expected 1.5 and 148.5.
    const share = (municipality: string, numerator: number, denominator: number): MetricRow => ({
      municipality, period: 'total', numerator, denominator, value: (numerator * 100) / denominator, ciLow: null, ciHigh: null, suppressed: false,
    });
    const figures = compareFigures('share', [share('A', 5, 10), share('B', 145, 990)], 'kad-transfer-share');
    expect(figures.funnelMethod).toBe('share-binomial');
    expect(figures.rows.map((r) => r.expected)).toEqual([expect.closeTo(1.5, 12), expect.closeTo(148.5, 12)]);
  });
});

// Person-years, age bands, old municipality codes, collaborations and direct age–sex standardisation
// (metrics.md "Common ground" and "Standardisation"). Uses kad-stays: one row per stay, no merging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric, UnknownIdError } from '../../api/metrics/engine.ts';
import type { MetricQuery } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
const base: MetricQuery = {
  metric: 'kad-stays', municipalities: ['4204'], from: '2023-01', to: '2023-12', by: 'total', sex: 'all', standardise: 'none',
};
const run = (extra: Partial<MetricQuery>) => queryMetric(t.warehouse, { ...base, ...extra });

async function stays(municipality: string, age: number, count: number, admitted = '2023-06-15 10:00') {
  for (let i = 0; i < count; i += 1) await t.kadStay({ municipality, age, admitted, discharged: '2023-06-16 10:00' });
}

beforeAll(async () => {
  t = await testWarehouse();
  // Standardisation example, women only, year 2023 (a full year: person-years = population):
  //   4204 Kristiansand: age 20: 1000 residents, 10 stays; age 80: 100 residents, 20 stays.
  //   4223 Vennesla:     age 20:  500 residents,  5 stays; age 80: 500 residents, 100 stays.
  await t.population('4204', 2023, 'K', 1000, 20);
  await t.population('4204', 2023, 'K', 100, 80);
  await t.population('4223', 2023, 'K', 500, 20);
  await t.population('4223', 2023, 'K', 500, 80);
  await stays('4204', 20, 10);
  await stays('4204', 80, 20);
  await stays('4223', 20, 5);
  await stays('4223', 80, 100);
  // Person-years example, 2024 (leap year): 4215 Lillesand has a band 67-79 of 1300 (100 per age)
  // and 90+ (stored 90–120) of 310 (10 per age); 2 stays in February by 70-year-olds, one by a
  // 95-year-old, each delivered under an old code (0926 Lillesand → 4215 in 2020).
  await t.population('4215', 2024, 'M', 1300, 67, 79);
  await t.population('4215', 2024, 'M', 310, 90, 120);
  for (const age of [70, 70, 95]) await t.kadStay({ municipality: '4215', age, sex: 'M', admitted: '2024-02-10 10:00', discharged: '2024-02-11 10:00' });
});
afterAll(() => t?.close());

describe('person-years', () => {
  it('takes February of a leap year as 29/366 of the year', async () => {
    // 4215, all ages: (1300 + 310) × 29/366 = 127.568…; 3 stays → 3000 ÷ 127.568 = 23.52 per 1000 per year.
    const { rows } = await run({ municipalities: ['4215'], from: '2024-02', to: '2024-02', by: 'month' });
    expect(rows[0]!.denominator).toBeCloseTo((1610 * 29) / 366, 10);
    expect(rows[0]!.value).toBeCloseTo(3000 / ((1610 * 29) / 366), 10);
  });

  it('spreads a band evenly over its ages for an age filter', async () => {
    // age 70-74: 5 single ages × 100 = 500 residents × 29/366; 2 stays.
    const { rows } = await run({ municipalities: ['4215'], from: '2024-02', to: '2024-02', age: '70-74' });
    expect(rows[0]!.numerator).toBe(2);
    expect(rows[0]!.denominator).toBeCloseTo((500 * 29) / 366, 10);
    // 80+: ages 80–89 have no residents; 90+ = 310 → 310 × 29/366; 1 stay.
    const old = await run({ municipalities: ['4215'], from: '2024-02', to: '2024-02', age: '80+' });
    expect(old.rows[0]!.numerator).toBe(1);
    expect(old.rows[0]!.denominator).toBeCloseTo((310 * 29) / 366, 10);
  });

  it('uses the nearest population year when the period has none (2025 → 2024)', async () => {
    const { rows } = await run({ municipalities: ['4215'], from: '2025-01', to: '2025-01', by: 'month' });
    expect(rows[0]!.denominator).toBeCloseTo((1610 * 31) / 365, 10);
  });
});

describe('municipalities and collaborations', () => {
  it('answers an old municipality code under the current one', async () => {
    // 0926 (Lillesand before 2020) → 4215.
    const { rows } = await run({ municipalities: ['0926'], from: '2024-02', to: '2024-02' });
    expect(rows.map((r) => [r.municipality, r.numerator])).toEqual([['4215', 3]]);
  });

  it('counts a stay delivered under an old code under the current one', async () => {
    // Delivered as 1001 (Kristiansand before 2020), stored by the importer as 4204: an acute
    // admission in 2023 for 4204 (1100 residents) → 1 × 1000 ÷ 1100.
    await t.stay({ patient: 'old-code', municipality: '4204', rawMunicipality: '1001', admitted: '2023-03-01 10:00', discharged: '2023-03-02 10:00' });
    const { rows } = await run({ metric: 'acute-admissions', municipalities: ['1001'] });
    expect(rows.map((r) => [r.municipality, r.numerator, r.denominator])).toEqual([['4204', 1, 1100]]);
  });

  it('sums a collaboration\'s members into one row', async () => {
    // Knutepunkt Sørlandet includes 4204, 4215 and 4223: 2023 stays 30 + 105 = 135 over person-years
    // 1100 + 1000 = 2100. (2023 is a population year of the database, so 4215's missing 2023 rows
    // count as no residents: the nearest-year rule is about years, not municipalities.)
    const { rows } = await run({ municipalities: ['knutepunkt-sorlandet'] });
    expect(rows[0]!.municipality).toBe('knutepunkt-sorlandet');
    expect(rows[0]!.numerator).toBe(135);
    expect(rows[0]!.denominator).toBeCloseTo(2100, 8);
  });

  it('refuses an unknown municipality', async () => {
    await expect(run({ municipalities: ['9999'] })).rejects.toBeInstanceOf(UnknownIdError);
    await expect(run({ municipalities: ["4204'; DROP TABLE kad_stay; --"] })).rejects.toBeInstanceOf(UnknownIdError);
  });
});

describe('direct age–sex standardisation', () => {
  // The default standard esp2013 (European Standard Population 2013) restricted to women (sex=K):
  // 100 000 in all; stratum 20–24 has 6000, 80–84 has 2500, so wᵢ = 0.06 and 0.025. Strata with no
  // residents count as rate 0 with their full weight (never renormalised per municipality).
  const women = { municipalities: ['4204', '4223'], sex: 'K' as const, standardise: 'age-sex' as const };

  it('reproduces the figure computed by hand', async () => {
    // Age-specific rates are the same in both: 10 per 1000 (age 20) and 200 per 1000 (age 80), so
    // both standardise to 0.06 × 10 + 0.025 × 200 = 5.6 per 1000, while the crude rates differ:
    // 4204 30 ÷ 1100 = 27.27, 4223 105 ÷ 1000 = 105.
    const { rows } = await run(women);
    expect(rows.map((r) => r.municipality)).toEqual(['4204', '4223']);
    expect(rows[0]!.value).toBeCloseTo(30000 / 1100, 10);
    expect(rows[1]!.value).toBeCloseTo(105, 10);
    expect(rows[0]!.standardised).toBeCloseTo(5.6, 10);
    expect(rows[1]!.standardised).toBeCloseTo(5.6, 10);
    // Naming the default gives the same figure.
    expect((await run({ ...women, standard: 'esp2013' })).rows[0]!.standardised).toBeCloseTo(5.6, 10);
  });

  it('gives the standardised rate a 95 % interval by Dobson\'s method, computed by hand', async () => {
    // Var(DSR) per 1000² = Σ wᵢ² · dᵢ ÷ nᵢ² × 1000², weights 0.06 (age 20) and 0.025 (age 80):
    //   4204: 0.0036·10/1000²·10⁶ + 0.000625·20/100²·10⁶ = 0.036 + 1.25 = 1.286
    //   4223: 0.0036·5/500²·10⁶   + 0.000625·100/500²·10⁶ = 0.072 + 0.25 = 0.322
    // Poisson limits of the observed count O (Byar, z = 1.96):
    //   O = 30:  L = 30·(1 − 1/270 − 1.96/(3√30))³ = 20.2368,  U = 31·(1 − 1/279 + 1.96/(3√31))³ = 42.8286
    //   O = 105: L = 85.8774, U = 127.1104
    // DSR ± √(Var ÷ O)·(limit − O), DSR = 5.6:
    //   4204: 5.6 + √(1.286/30)·(20.2368 − 30) = 3.5786;  5.6 + 0.207043·12.8286 = 8.2561
    //   4223: 5.6 + √(0.322/105)·(85.8774 − 105) = 4.5410; 5.6 + 0.055377·22.1104 = 6.8244
    // The smaller municipality's interval is the wider one, as it should be.
    const { rows } = await run(women);
    expect(rows[0]!.standardisedCiLow).toBeCloseTo(3.5786, 3);
    expect(rows[0]!.standardisedCiHigh).toBeCloseTo(8.2561, 3);
    expect(rows[1]!.standardisedCiLow).toBeCloseTo(4.541, 3);
    expect(rows[1]!.standardisedCiHigh).toBeCloseTo(6.8244, 3);
  });

  it('gives no standardised interval when nothing was observed', async () => {
    // 4215 has 2024 residents but no stays in 2024 outside February: DSR 0, and Dobson divides by O.
    const { rows } = await run({ municipalities: ['4215'], from: '2024-06', to: '2024-06', standardise: 'age-sex' });
    expect(rows[0]!.numerator).toBe(0);
    expect(rows[0]!.standardised).toBe(0);
    expect([rows[0]!.standardisedCiLow, rows[0]!.standardisedCiHigh]).toEqual([null, null]);
  });

  it('refuses an unknown standard', async () => {
    await expect(run({ standardise: 'age-sex', standard: '2023' as never })).rejects.toThrow(/standard must be one of esp2013, esp2013-broad/);
  });
});

// The fixed standard population (issue 12 §2): shipped reference data, chosen by `standard`, never
// derived from the imported population years, never renormalised per municipality.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric } from '../../api/metrics/engine.ts';
import { standardPopulations, type MetricQuery } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
const women2023: MetricQuery = {
  metric: 'kad-stays', municipalities: ['4204'], from: '2023-01', to: '2023-12', by: 'total', sex: 'K', standardise: 'age-sex',
};
const run = (extra: Partial<MetricQuery> = {}) => queryMetric(t.warehouse, { ...women2023, ...extra });

beforeAll(async () => {
  t = await testWarehouse();
  // 4204 Kristiansand, women, 2023 (a full year: person-years = population):
  //   age 20: 1000 residents, 10 stays (10 per 1000); age 80: 100 residents, 20 stays (200 per 1000).
  await t.population('4204', 2023, 'K', 1000, 20);
  await t.population('4204', 2023, 'K', 100, 80);
  for (let i = 0; i < 10; i += 1) await t.kadStay({ municipality: '4204', age: 20, admitted: '2023-06-15 10:00', discharged: '2023-06-16 10:00' });
  for (let i = 0; i < 20; i += 1) await t.kadStay({ municipality: '4204', age: 80, admitted: '2023-06-15 10:00', discharged: '2023-06-16 10:00' });
});
afterAll(() => t?.close());

describe('the shipped standard populations', () => {
  it('give 100 000 per sex over the single ages 0–120 for every standard id', async () => {
    for (const standard of standardPopulations) {
      const rows = await t.sql(`SELECT sex, count(*)::INTEGER AS ages, min(age)::INTEGER AS low, max(age)::INTEGER AS high, round(sum(persons), 6) AS persons
        FROM standard_population('${standard}') GROUP BY sex ORDER BY sex`);
      expect(rows).toEqual([
        { sex: 'K', ages: 121, low: 0, high: 120, persons: 100000 },
        { sex: 'M', ages: 121, low: 0, high: 120, persons: 100000 },
      ]);
    }
  });

  it('groups esp2013 in 5-year strata up to 90+ and esp2013-broad in 0–66, 67–79, 80+', async () => {
    // ESP 2013: 0 → 1000 and 1–4 → 4000 make 0–4 = 5000; 90–94 (800) and 95+ (200) make 90+ = 1000.
    // Broad: 0–66 = 80 500 (0–64) + 2 × 1100 (65, 66 of 65–69) = 82 700; 67–79 = 3 × 1100 + 5000 + 4000
    // = 12 300; 80+ = 2500 + 1500 + 800 + 200 = 5000.
    const strata = (standard: string) =>
      t.sql(`SELECT stratum::INTEGER AS stratum, round(sum(persons), 6) AS persons FROM standard_population('${standard}') WHERE sex = 'K' GROUP BY stratum ORDER BY stratum`);
    const five = await strata('esp2013');
    expect(five).toHaveLength(19);
    expect(five[0]).toEqual({ stratum: 0, persons: 5000 });
    expect(five.at(-1)).toEqual({ stratum: 90, persons: 1000 });
    expect(await strata('esp2013-broad')).toEqual([
      { stratum: 0, persons: 82700 },
      { stratum: 67, persons: 12300 },
      { stratum: 80, persons: 5000 },
    ]);
  });
});

describe('standardised rates', () => {
  it('are computed by hand with esp2013 (default) and esp2013-broad', async () => {
    // esp2013, women: strata 20–24 (6000) and 80–84 (2500) of 100 000 → 0.06 × 10 + 0.025 × 200 = 5.6.
    // Every other stratum has no residents: rate 0 with its full weight.
    expect((await run()).rows[0]!.standardised).toBeCloseTo(5.6, 10);
    // esp2013-broad: 0–66 (82 700) has rate 10, 67–79 (12 300) no residents, 80+ (5000) rate 200 →
    // 0.827 × 10 + 0.05 × 200 = 18.27.
    expect((await run({ standard: 'esp2013-broad' })).rows[0]!.standardised).toBeCloseTo(18.27, 10);
  });

  it('are never renormalised per municipality: both sexes weigh in, also where one has no residents', async () => {
    // sex=all: the men's strata (another 100 000) have no residents here → 5.6 × 100 000 ÷ 200 000 = 2.8.
    expect((await run({ sex: 'all' })).rows[0]!.standardised).toBeCloseTo(2.8, 10);
  });

  it('do not change when a population for 2040 is added', async () => {
    // Before the fix the standard was "the latest population year": 2040 would have become it.
    const before = await Promise.all([run(), run({ standard: 'esp2013-broad' }), run({ sex: 'all' })]);
    await t.population('4204', 2040, 'K', 5000, 80);
    await t.population('4204', 2040, 'M', 3000, 20);
    await t.population('4223', 2040, 'K', 9000, 40, 44);
    const after = await Promise.all([run(), run({ standard: 'esp2013-broad' }), run({ sex: 'all' })]);
    expect(after.map((a) => a.rows[0]!.standardised)).toEqual(before.map((b) => b.rows[0]!.standardised));
    expect(after[0]!.rows[0]!.standardised).toBeCloseTo(5.6, 10);
    expect(after[1]!.rows[0]!.standardised).toBeCloseTo(18.27, 10);
    // 2023 has its own population: the 2040 rows are no denominator for it (1000 + 100 women).
    expect(after[0]!.rows[0]!.denominator).toBeCloseTo(1100, 8);
    expect(after.map((a) => [a.rows[0]!.standardisedCiLow, a.rows[0]!.standardisedCiHigh])).toEqual(
      before.map((b) => [b.rows[0]!.standardisedCiLow, b.rows[0]!.standardisedCiHigh]),
    );
  });

  it('are null when stays fall in a stratum without residents', async () => {
    // A 50-year-old woman's stay, but no women aged 50–54 in the population: that stratum's rate is
    // unknown, so the standardised rate is too (the crude rate is still given).
    await t.kadStay({ municipality: '4204', age: 50, admitted: '2023-07-01 10:00', discharged: '2023-07-02 10:00' });
    const { rows } = await run();
    expect(rows[0]!.numerator).toBe(31);
    expect(rows[0]!.value).toBeCloseTo(31000 / 1100, 8);
    expect([rows[0]!.standardised, rows[0]!.standardisedCiLow, rows[0]!.standardisedCiHigh]).toEqual([null, null, null]);
  });
});

// Discharge-ready days (metrics.md §2): nights from date(U) inclusive to date(discharge) exclusive,
// each night in its own month; cost by the rate of the night's year.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric } from '../../api/metrics/engine.ts';
import type { MetricQuery } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
const base: MetricQuery = {
  metric: 'discharge-ready-days', municipalities: ['4204'], from: '2023-12', to: '2024-02', by: 'month', sex: 'all', standardise: 'none',
};

beforeAll(async () => {
  t = await testWarehouse();
  // A: ready 30 Jan 23:00, discharged 2 Feb 09:00 → nights 30 Jan, 31 Jan (January: 2), 1 Feb (February: 1).
  //    Rate 2024 = 5745: cost Jan 11 490, Feb 5745.
  await t.stay({ patient: 'A', admitted: '2024-01-20 10:00', ready: '2024-01-30 23:00', discharged: '2024-02-02 09:00' });
  // B: ready 30 Dec 2023 08:00, discharged 2 Jan 2024 → nights 30 Dec, 31 Dec (2023: rate 5508) and
  //    1 Jan (2024: rate 5745). Cost Dec 2 × 5508 = 11 016, Jan 5745.
  await t.stay({ patient: 'B', admitted: '2023-12-20 10:00', ready: '2023-12-30 08:00', discharged: '2024-01-02 14:00' });
  // C: ready and discharged the same day → 0 nights: neither a day, nor a stay with such days.
  await t.stay({ patient: 'C', admitted: '2024-01-10 10:00', ready: '2024-01-12 08:00', discharged: '2024-01-12 16:00' });
  // B again (a second stay of the same patient): ready 10 Jan, discharged 12 Jan → 2 nights in January.
  await t.stay({ patient: 'B', admitted: '2024-01-05 10:00', ready: '2024-01-10 12:00', discharged: '2024-01-12 10:00' });
  // D: lives in 4223, still in hospital, ready 27 Feb → nights up to the data-through date (see E).
  await t.stay({ patient: 'D', municipality: '4223', admitted: '2024-02-20 10:00', ready: '2024-02-27 09:00', discharged: null });
  // E: 4223, admitted 29 Feb 08:00 → data through = 29 Feb 08:00, so D has nights 27 and 28 Feb.
  await t.stay({ patient: 'E', municipality: '4223', admitted: '2024-02-29 08:00', discharged: null });
  // 4204: 3660 residents in 2023 and 2024 → person-years Dec 2023 = 3660 × 31/365, Jan 2024 = 310,
  // Feb 2024 = 3660 × 29/366 = 290 (leap year).
  await t.population('4204', 2023, 'K', 3660, 80);
  await t.population('4204', 2024, 'K', 3660, 80);
  await t.population('4223', 2024, 'K', 366, 80);
});
afterAll(() => t?.close());

describe('discharge-ready-days', () => {
  it('splits waits across a month boundary and across New Year, costed by each year\'s rate', async () => {
    // Dec 2023: B 2 nights, 1 stay, 1 patient, 11 016 NOK.
    // Jan 2024: A 2 + B 1 + B's second stay 2 = 5 nights; 3 stays, 2 patients; 5 × 5745 = 28 725 NOK.
    // Feb 2024: A 1 night; 5745 NOK.
    const { rows } = await queryMetric(t.warehouse, base);
    expect(rows.map((r) => [r.period, r.numerator, r.stays, r.patients, r.costNok])).toEqual([
      ['2023-12', 2, 1, 1, 11016],
      ['2024-01', 5, 3, 2, 28725],
      ['2024-02', 1, 1, 1, 5745],
    ]);
    // Rate Jan: 5 × 1000 ÷ 310 = 16.13 per 1000 per year; Feb: 1 × 1000 ÷ 290.
    expect(rows[1]!.value).toBeCloseTo(5000 / 310, 10);
    expect(rows[2]!.denominator).toBeCloseTo(290, 10);
    // Mean days per stay with such days, January: 5 ÷ 3.
    expect(rows[1]!.meanDaysPerStay).toBeCloseTo(5 / 3, 10);
  });

  it('counts the nights of a stay still open up to data through, and a quarter sums its months', async () => {
    // D: 27 and 28 Feb (29 Feb is the data-through date itself and not a completed night).
    const { rows } = await queryMetric(t.warehouse, { ...base, municipalities: ['4223'], from: '2024-01', to: '2024-03', by: 'quarter' });
    expect(rows.map((r) => [r.period, r.numerator, r.stays, r.costNok])).toEqual([['2024-Q1', 2, 1, 2 * 5745]]);
  });

  it('gives cost unknown when a night falls in a year without a daily rate', async () => {
    // Remove the 2023 rate: December's nights and the whole total are unknown; January is not.
    await t.sql('DELETE FROM discharge_ready_daily_rate WHERE year = 2023');
    const { rows } = await queryMetric(t.warehouse, base);
    expect(rows.map((r) => r.costNok)).toEqual([null, 28725, 5745]);
    const total = await queryMetric(t.warehouse, { ...base, by: 'total' });
    expect(total.rows[0]!.costNok).toBeNull();
    expect(total.rows[0]!.numerator).toBe(8);
  });

  it('carries the rate beside the cost and names a year of the period without one (issue 12 §7)', async () => {
    // The 2023 rate is still removed. Dec 2023: no rate → cost null, 2023 named; Jan, Feb 2024: 5 745.
    const { rows } = await queryMetric(t.warehouse, base);
    expect(rows.map((r) => [r.period, r.costNok, r.dailyRateNok, r.dailyRates, r.missingRateYears])).toEqual([
      ['2023-12', null, null, [], [2023]],
      ['2024-01', 28725, 5745, [{ year: 2024, nok: 5745 }], []],
      ['2024-02', 5745, 5745, [{ year: 2024, nok: 5745 }], []],
    ]);
    // The total spans 2023 and 2024: no single rate, 2024's listed, 2023 named.
    const total = (await queryMetric(t.warehouse, { ...base, by: 'total' })).rows[0]!;
    expect([total.costNok, total.dailyRateNok, total.dailyRates, total.missingRateYears]).toEqual([null, null, [{ year: 2024, nok: 5745 }], [2023]]);
    // 2025 has no shipped rate: its months are unknown even without nights (the periods decide, never
    // which records exist, so protected figures cannot tell an empty cell from one with nights).
    const y2025 = (await queryMetric(t.warehouse, { ...base, from: '2025-01', to: '2025-01' })).rows[0]!;
    expect([y2025.numerator, y2025.costNok, y2025.missingRateYears]).toEqual([0, null, [2025]]);
  });

  it('protected figures: cost = perturbed nights × the same rate, and the missing year is named the same way', async () => {
    const { rows } = await queryMetric(t.warehouse, base, undefined, { protect: true });
    expect(rows[0]).toMatchObject({ protected: true, period: '2023-12', costNok: null, dailyRates: [], missingRateYears: [2023] });
    // Every night of January and February is in 2024: cost = published nights × 5 745.
    for (const row of rows.slice(1)) expect(row).toMatchObject({ protected: true, costNok: row.numerator! * 5745, dailyRateNok: 5745, missingRateYears: [] });
  });
});

// Municipal acute beds (metrics.md §3): kad-stays, kad-bed-days, kad-length-of-stay,
// kad-transfer-share, kad-occupancy. All patients live in 4204 (3660 residents aged 80 in 2024:
// person-years Jan = 310, Feb = 290).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric } from '../../api/metrics/engine.ts';
import type { MetricId, MetricQuery } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
const query = (metric: MetricId, extra: Partial<MetricQuery> = {}) =>
  queryMetric(t.warehouse, {
    metric, municipalities: ['4204'], from: '2024-01', to: '2024-02', by: 'month', sex: 'all', standardise: 'none', ...extra,
  });
const figures = (rows: Awaited<ReturnType<typeof query>>['rows']) => rows.map((r) => [r.period, r.numerator, r.denominator, r.value]);

beforeAll(async () => {
  t = await testWarehouse();
  await t.population('4204', 2024, 'K', 3660, 80);
  // Unit KAD1 has 4 beds 1–15 Jan and 6 beds from 16 Jan (open-ended).
  await t.kadUnit('KAD1', 4, '2024-01-01', '2024-01-15');
  await t.kadUnit('KAD1', 6, '2024-01-16', null);
  // s1: 3 Jan 14:00 → 6 Jan 10:00: nights 3, 4, 5 Jan = 3; home.
  await t.kadStay({ admitted: '2024-01-03 14:00', discharged: '2024-01-06 10:00' });
  // s2: same day 10 Jan 08:00 → 20:00: 0 nights; sent on to hospital.
  await t.kadStay({ admitted: '2024-01-10 08:00', discharged: '2024-01-10 20:00', dischargedTo: 'sykehus' });
  // s3: 30 Jan → 2 Feb: nights 30, 31 Jan (January 2) and 1 Feb (February 1); discharged in Feb; home.
  await t.kadStay({ admitted: '2024-01-30 12:00', discharged: '2024-02-02 12:00' });
  // s4: 28 Feb → 1 Mar 09:00 (leap year): nights 28, 29 Feb; discharged 1 Mar, which sets the KAD
  //     data-through date (so the open-ended 6 beds count up to 29 Feb); sent to hospital.
  await t.kadStay({ admitted: '2024-02-28 12:00', discharged: '2024-03-01 09:00', dischargedTo: 'sykehus' });
  // s5: lives in 4223 (another municipality), same unit: 15 Jan → 17 Jan: nights 15, 16 Jan.
  await t.kadStay({ municipality: '4223', admitted: '2024-01-15 12:00', discharged: '2024-01-17 12:00' });
});
afterAll(() => t?.close());

describe('KAD metrics', () => {
  it('kad-stays: stays admitted per month per 1000 per year', async () => {
    // Jan: s1, s2, s3 = 3 → 3000/310; Feb: s4 = 1 → 1000/290.
    expect(figures((await query('kad-stays')).rows)).toEqual([
      ['2024-01', 3, 310, 3000 / 310],
      ['2024-02', 1, 290, 1000 / 290],
    ]);
  });

  it('kad-bed-days: nights in each month (a same-day stay has none)', async () => {
    // Jan: s1 3 + s2 0 + s3 2 = 5; Feb: s3 1 + s4 2 = 3.
    expect(figures((await query('kad-bed-days')).rows)).toEqual([
      ['2024-01', 5, 310, 5000 / 310],
      ['2024-02', 3, 290, 3000 / 290],
    ]);
  });

  it('kad-length-of-stay: mean nights per stay discharged in the period, the 0-night stay included', async () => {
    // Discharged in Jan: s1 (3) and s2 (0) → 3 ÷ 2 = 1.5. Feb: s3 (3 nights: 30 Jan – 1 Feb) → 3.
    // Whole period Jan–Feb: 6 nights ÷ 3 stays = 2.
    expect(figures((await query('kad-length-of-stay')).rows)).toEqual([
      ['2024-01', 3, 2, 1.5],
      ['2024-02', 3, 1, 3],
    ]);
    expect(figures((await query('kad-length-of-stay', { by: 'total' })).rows)).toEqual([['total', 6, 3, 2]]);
  });

  it('kad-transfer-share: share of discharged stays sent on to hospital', async () => {
    // Jan–Mar discharged: s1, s2 (sykehus), s3, s4 (sykehus, in March) → 2 of 4 = 50 %.
    const { rows } = await query('kad-transfer-share', { to: '2024-03', by: 'total' });
    expect(figures(rows)).toEqual([['total', 2, 4, 50]]);
  });

  it('kad-occupancy: bed-days ÷ beds valid on each day, when the bed count changes mid-month', async () => {
    // January capacity = 4 beds × 15 days + 6 beds × 16 days = 60 + 96 = 156 bed-days.
    // January bed-days in KAD1 = 5 (4204) + 2 (s5, 4223) = 7 → 7 × 100 ÷ 156 = 4.487 %.
    // February: capacity 6 × 29 = 174 (leap year); bed-days 3 → 300/174 %.
    const { rows } = await query('kad-occupancy', { units: ['KAD1'], municipalities: [] });
    expect(rows.map((r) => [r.unit, r.period, r.numerator, r.denominator, r.value])).toEqual([
      ['KAD1', '2024-01', 7, 156, 700 / 156],
      ['KAD1', '2024-02', 3, 174, 300 / 174],
    ]);
  });

  it('kad-occupancy by=day: each night ÷ the beds valid that day', async () => {
    // January, KAD1: 4 beds on 1–15 Jan, 6 beds on 16–31 Jan. Nights (any municipality): s1 on 3, 4,
    // 5 Jan; s5 on 15, 16 Jan; s3 on 30, 31 Jan; s2 has none.
    //   3, 4, 5, 15 Jan: 1 × 100 ÷ 4 = 25 %;  16, 30, 31 Jan: 1 × 100 ÷ 6 = 16.67 %;  other days 0 %.
    // The days add up to the month: Σ numerators 7, Σ denominators 15 × 4 + 16 × 6 = 156.
    const { rows, by } = await query('kad-occupancy', { units: ['KAD1'], municipalities: [], to: '2024-01', by: 'day' });
    expect(by).toBe('day');
    const nights: Record<number, number> = { 3: 1, 4: 1, 5: 1, 15: 1, 16: 1, 30: 1, 31: 1 };
    const expected = Array.from({ length: 31 }, (_, i) => {
      const day = i + 1;
      const beds = day <= 15 ? 4 : 6;
      const night = nights[day] ?? 0;
      return ['KAD1', `2024-01-${String(day).padStart(2, '0')}`, night, beds, (night * 100) / beds];
    });
    expect(rows.map((r) => [r.unit, r.period, r.numerator, r.denominator, r.value])).toEqual(expected);
    expect(rows.find((r) => r.period === '2024-01-16')?.value).toBeCloseTo(16.667, 3);
    expect(rows.reduce((sum, r) => sum + (r.numerator ?? 0), 0)).toBe(7);
    expect(rows.reduce((sum, r) => sum + (r.denominator ?? 0), 0)).toBe(156);
  });

  it('by=day on any other metric is an error (its catalogue entry has no day grain)', async () => {
    await expect(query('kad-bed-days', { by: 'day' })).rejects.toThrow('by must be one of month, quarter, year, total for kad-bed-days; got "day"');
  });

  it('an unknown unit is an error', async () => {
    await expect(query('kad-occupancy', { units: ['NOPE'] })).rejects.toThrow(/Unknown KAD unit "NOPE"/);
  });
});

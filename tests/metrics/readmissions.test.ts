// 30-day readmissions (metrics.md §1). Every patient below is 80, lives in 4204 and has somatic
// stays unless said otherwise. Data through = the latest time stamp = 2024-12-31 12:00 (patient
// "late"'s discharge).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric } from '../../api/metrics/engine.ts';
import type { MetricQuery } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
const base: MetricQuery = {
  metric: 'readmissions', municipalities: ['4204'], from: '2024-01', to: '2024-12', by: 'month', sex: 'all', standardise: 'none',
};
const rowsOf = async (query: Partial<MetricQuery>) =>
  (await queryMetric(t.warehouse, { ...base, ...query })).rows.filter((r) => r.denominator! > 0)
    .map((r) => [r.period, r.numerator, r.denominator]);

beforeAll(async () => {
  t = await testWarehouse();
  // day29: index discharged 1 Feb 10:00, acute readmission 29 days later → readmitted. The
  // readmission itself (discharged 5 Mar) is an index of its own, not readmitted.
  await t.stay({ patient: 'day29', admitted: '2024-01-25 10:00', discharged: '2024-02-01 10:00', diagnosis: 'J441' });
  await t.stay({ patient: 'day29', admitted: '2024-03-01 10:00', discharged: '2024-03-05 10:00', diagnosis: 'I500' });
  // day31: index discharged 1 Feb, acute admission 31 days later (3 Mar) → not readmitted; its
  // second episode (discharged 6 Mar) is an index too.
  await t.stay({ patient: 'day31', admitted: '2024-01-25 10:00', discharged: '2024-02-01 10:00', diagnosis: 'N390' });
  await t.stay({ patient: 'day31', admitted: '2024-03-03 10:00', discharged: '2024-03-06 10:00', diagnosis: 'N390' });
  // planned: index discharged 1 Feb, PLANNED admission 10 days later → not a readmission (2 indexes in Feb).
  await t.stay({ patient: 'planned', admitted: '2024-01-28 10:00', discharged: '2024-02-01 10:00', diagnosis: 'S720' });
  await t.stay({ patient: 'planned', admitted: '2024-02-11 10:00', discharged: '2024-02-12 10:00', urgency: 'planlagt', diagnosis: 'S720' });
  // died: discharged dead → not an index (and nothing after).
  await t.stay({ patient: 'died', admitted: '2024-02-01 10:00', discharged: '2024-02-03 10:00', dischargedTo: 'dod' });
  // age66 and age67: each index discharged 10 Apr and readmitted 15 Apr; only the 67-year-old is
  // in the default 67+ filter. Each readmission is also an index in April (not readmitted).
  await t.stay({ patient: 'age66', age: 66, admitted: '2024-04-01 10:00', discharged: '2024-04-10 10:00' });
  await t.stay({ patient: 'age66', age: 66, admitted: '2024-04-15 10:00', discharged: '2024-04-16 10:00' });
  await t.stay({ patient: 'age67', age: 67, admitted: '2024-04-01 10:00', discharged: '2024-04-10 10:00' });
  await t.stay({ patient: 'age67', age: 67, admitted: '2024-04-15 10:00', discharged: '2024-04-16 10:00' });
  // transfer: discharged to another hospital and admitted there 3 hours later: one episode, so the
  // second stay is NOT a readmission; one index discharged 10 May, not readmitted.
  await t.stay({ patient: 'transfer', admitted: '2024-05-01 10:00', discharged: '2024-05-05 10:00', dischargedTo: 'sykehus' });
  await t.stay({ patient: 'transfer', hospital: 'OUS', admitted: '2024-05-05 13:00', discharged: '2024-05-10 10:00' });
  // ousDied: OUS's extract must also reach 31 Dec (follow-up needs every hospital's data): a stay
  // there discharged dead on 31 Dec 12:00 — never an index, never a readmission (planned).
  await t.stay({ patient: 'ousDied', hospital: 'OUS', admitted: '2024-12-30 10:00', discharged: '2024-12-31 12:00', urgency: 'planlagt', dischargedTo: 'dod' });
  // plannedThenAcute: index discharged 1 Jul, a planned episode 5–6 Jul, an acute one 20–21 Jul. The
  // acute episode is a readmission of the first (19 days) and of the planned one (14 days): 3
  // indexes in July, 2 readmitted.
  await t.stay({ patient: 'plannedThenAcute', admitted: '2024-06-28 10:00', discharged: '2024-07-01 10:00' });
  await t.stay({ patient: 'plannedThenAcute', admitted: '2024-07-05 10:00', discharged: '2024-07-06 10:00', urgency: 'planlagt' });
  await t.stay({ patient: 'plannedThenAcute', admitted: '2024-07-20 10:00', discharged: '2024-07-21 10:00' });
  // psych: a psychiatric stay, outside the default area somatikk.
  await t.stay({ patient: 'psych', area: 'psykisk_helsevern', admitted: '2024-06-01 10:00', discharged: '2024-06-05 10:00' });
  // late: discharged 5 Dec: 5 Dec + 30 days = 4 Jan 2025 > data through 31 Dec → no complete
  // follow-up, not an index. Its discharge 31 Dec 12:00 sets data through.
  await t.stay({ patient: 'late', admitted: '2024-12-01 10:00', discharged: '2024-12-05 10:00' });
  await t.stay({ patient: 'late2', admitted: '2024-12-20 10:00', discharged: '2024-12-31 12:00', urgency: 'planlagt' });
  // complete: discharged 1 Dec 12:00 + 30 days = 31 Dec 12:00 ≤ data through → an index in December.
  await t.stay({ patient: 'complete', admitted: '2024-11-28 10:00', discharged: '2024-12-01 12:00' });
});
afterAll(() => t?.close());

describe('readmissions', () => {
  it('counts day 29 and not day 31, ignores planned readmissions, deaths, the 66-year-old and incomplete follow-up', async () => {
    // Feb indexes: day29 (readmitted), day31, planned's first + second episode = 4, 1 readmitted.
    // Mar: day29's and day31's second episodes = 2, 0 readmitted.
    // Apr: age67's two episodes (first readmitted 5 days later) = 2, 1 readmitted; age66 is out.
    // May: transfer = 1 episode, 0. Jun: psych is not somatic. Jul: plannedThenAcute 2 of 3.
    // Dec: complete = 1, 0; late is out.
    expect(await rowsOf({})).toEqual([
      ['2024-02', 1, 4],
      ['2024-03', 0, 2],
      ['2024-04', 1, 2],
      ['2024-05', 0, 1],
      ['2024-07', 2, 3],
      ['2024-12', 0, 1],
    ]);
  });

  it('reports % with a 95 % Wilson interval', async () => {
    // 1 of 4: p = 0.25, z = 1.96: centre = (0.25 + 1.96²/8) / (1 + 1.96²/4) = 0.7302/1.9604 = 0.3725,
    // half = 1.96 × √(0.25·0.75/4 + 1.96²/64) / 1.9604 = 1.96 × 0.3247 / 1.9604 = 0.3246
    // → 4.6 % to 69.9 %.
    const row = (await queryMetric(t.warehouse, base)).rows.find((r) => r.period === '2024-02')!;
    expect(row.value).toBe(25);
    expect(row.ciLow).toBeCloseTo(4.56, 1);
    expect(row.ciHigh).toBeCloseTo(69.94, 1);
  });

  it('takes the 66-year-old with age=all and the psychiatric stay with area=all', async () => {
    // Apr with all ages: age66's two episodes join: 4 indexes, 2 readmitted.
    expect((await rowsOf({ age: 'all' })).find((r) => r[0] === '2024-04')).toEqual(['2024-04', 2, 4]);
    expect((await rowsOf({ area: 'all' })).find((r) => r[0] === '2024-06')).toEqual(['2024-06', 0, 1]);
  });

  it('filters on the index episode\'s diagnosis group', async () => {
    // brudd (S72): planned's two February episodes, none readmitted. hjertesvikt (I50): day29's
    // second episode in March. The other episodes have the default J441 (kols) or N390.
    expect(await rowsOf({ group: 'brudd', by: 'total' })).toEqual([['total', 0, 2]]);
    expect(await rowsOf({ group: 'hjertesvikt', by: 'total' })).toEqual([['total', 0, 1]]);
    // elleve excludes day31's N390 (urinary infection is N30, not N39): 4+2+2+1+3+1 − 2 = 11 indexes,
    // readmitted: day29, age67, plannedThenAcute ×2 = 4.
    expect(await rowsOf({ group: 'elleve', by: 'total' })).toEqual([['total', 4, 11]]);
  });
});

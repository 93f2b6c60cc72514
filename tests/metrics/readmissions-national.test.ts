// readmissions-national (docs/readmissions-national.md) side by side with the crude `readmissions`.
// Every patient below is 80, lives in 4204, has somatic ACUTE stays at one hospital and main diagnosis
// J441 (kols, one of the eleven groups) unless said otherwise. Data through = 2024-12-31 12:00 (patient
// "late"'s discharge), so follow-up is complete for every discharge before 1 Dec 12:00.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric } from '../../api/metrics/engine.ts';
import type { MetricQuery } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
const base: MetricQuery = {
  metric: 'readmissions-national', municipalities: ['4204'], from: '2024-01', to: '2024-12', by: 'month', sex: 'all', standardise: 'none',
};
const rowsOf = async (query: Partial<MetricQuery>) =>
  (await queryMetric(t.warehouse, { ...base, ...query })).rows.filter((r) => r.denominator! > 0)
    .map((r) => [r.period, r.numerator, r.denominator]);
const crude = (query: Partial<MetricQuery> = {}) => rowsOf({ metric: 'readmissions', ...query });

beforeAll(async () => {
  t = await testWarehouse();
  // twoDischarges: A discharged 5 Feb, B (a PLANNED episode, still an index) discharged 12 Feb, then
  // one acute episode R admitted 20 Feb. Crude: R is within 30 days of A (15 days) and of B (8 days):
  // A and B are both readmitted. National: R belongs to the most recent index episode, B, only.
  // Indexes in February: A, B, R (R discharged 22 Feb, nothing after).
  await t.stay({ patient: 'twoDischarges', admitted: '2024-02-01 10:00', discharged: '2024-02-05 10:00' });
  await t.stay({ patient: 'twoDischarges', admitted: '2024-02-10 10:00', discharged: '2024-02-12 10:00', urgency: 'planlagt' });
  await t.stay({ patient: 'twoDischarges', admitted: '2024-02-20 10:00', discharged: '2024-02-22 10:00' });
  // heartFailure: index I11.9 (hypertensive heart disease: national heart-failure group, not ours)
  // discharged 5 Mar, acute I50.0 episode 15 Mar (10 days later). Both episodes are indexes in March.
  await t.stay({ patient: 'heartFailure', admitted: '2024-03-01 10:00', discharged: '2024-03-05 10:00', diagnosis: 'I119' });
  await t.stay({ patient: 'heartFailure', admitted: '2024-03-15 10:00', discharged: '2024-03-17 10:00', diagnosis: 'I500' });
  // excludedCause: index discharged 5 Apr, acute episode 10 Apr with main diagnosis C34.9 (lung
  // cancer, an excluded cause): crude readmitted, national not. The cancer episode is a crude index
  // (all diagnoses) but not a national one (not in the eleven groups).
  await t.stay({ patient: 'excludedCause', admitted: '2024-04-01 10:00', discharged: '2024-04-05 10:00' });
  await t.stay({ patient: 'excludedCause', admitted: '2024-04-10 10:00', discharged: '2024-04-12 10:00', diagnosis: 'C349' });
  // planned: index discharged 5 May, PLANNED episode 10 May: never a readmission. 2 indexes, 0 readmitted.
  await t.stay({ patient: 'planned', admitted: '2024-05-01 10:00', discharged: '2024-05-05 10:00' });
  await t.stay({ patient: 'planned', admitted: '2024-05-10 10:00', discharged: '2024-05-11 10:00', urgency: 'planlagt' });
  // diedAfter: index discharged 5 Jun, then a planned episode ending in death on 12 Jun (7 days
  // later). Crude: 1 index (the death episode is none), not readmitted. National: an index without
  // readmission followed by death within 30 days is left out: no June index.
  await t.stay({ patient: 'diedAfter', admitted: '2024-06-01 10:00', discharged: '2024-06-05 10:00' });
  await t.stay({ patient: 'diedAfter', admitted: '2024-06-10 10:00', discharged: '2024-06-12 10:00', urgency: 'planlagt', dischargedTo: 'dod' });
  // transferToRehab: index discharged 5 Jul; an acute episode 10–20 Jul of two stays (a transfer 3
  // hours after the first): J44.1 (a national index itself, discharged 20 Jul), then Z50.1
  // (rehabilitation, an excluded cause). An excluded main diagnosis on ANY stay keeps the episode
  // from being a national readmission. Crude: 2 indexes, 1 readmitted; national: 2 indexes, 0.
  await t.stay({ patient: 'transferToRehab', admitted: '2024-07-01 10:00', discharged: '2024-07-05 10:00' });
  await t.stay({ patient: 'transferToRehab', admitted: '2024-07-10 10:00', discharged: '2024-07-12 10:00', dischargedTo: 'sykehus' });
  await t.stay({ patient: 'transferToRehab', admitted: '2024-07-12 13:00', discharged: '2024-07-20 10:00', diagnosis: 'Z501' });
  // late: sets data through (31 Dec 12:00); discharged in December without complete follow-up.
  await t.stay({ patient: 'late', admitted: '2024-12-20 10:00', discharged: '2024-12-31 12:00', urgency: 'planlagt' });
});
afterAll(() => t?.close());

describe('readmissions-national beside readmissions', () => {
  it('links each readmission to the latest index only, skips excluded causes and planned episodes, drops deaths', async () => {
    // Crude (all diagnoses): Feb A, B, R: A and B readmitted by R = 2 of 3. Mar: I11.9 readmitted by
    // I50.0 = 1 of 2. Apr: index readmitted by the cancer episode, which is an index too = 1 of 2.
    // May: 0 of 2 (planned). Jun: 0 of 1 (the death episode is no index). Jul: 1 of 2.
    expect(await crude()).toEqual([
      ['2024-02', 2, 3], ['2024-03', 1, 2], ['2024-04', 1, 2], ['2024-05', 0, 2], ['2024-06', 0, 1], ['2024-07', 1, 2],
    ]);
    // National (the eleven groups): Feb R counts once, for B = 1 of 3. Mar: I11.9 is heart failure
    // nationally, I50.0 its readmission = 1 of 2. Apr: the cancer episode is no readmission and no
    // index = 0 of 1. May: 0 of 2. Jun: died within 30 days without readmission, left out. Jul: the
    // episode with a rehabilitation stay is no readmission = 0 of 2.
    expect(await rowsOf({})).toEqual([
      ['2024-02', 1, 3], ['2024-03', 1, 2], ['2024-04', 0, 1], ['2024-05', 0, 2], ['2024-07', 0, 2],
    ]);
  });

  it('puts I11.9 in the national heart-failure group only', async () => {
    // Crude hjertesvikt (I43, I50, J81): the I50.0 episode alone, not readmitted = 0 of 1.
    expect(await crude({ group: 'hjertesvikt', by: 'total' })).toEqual([['total', 0, 1]]);
    // National: the I11.9 episode (readmitted by the I50.0 one 10 days later) and the I50.0 one = 1 of 2.
    expect(await rowsOf({ group: 'hjertesvikt', by: 'total' })).toEqual([['total', 1, 2]]);
  });

  it('takes no group as the indicator\'s population, the eleven groups', async () => {
    // 1+1+0+0+0 of 3+2+1+2+2 = 2 of 10 either way.
    expect(await rowsOf({ by: 'total' })).toEqual([['total', 2, 10]]);
    expect(await rowsOf({ group: 'elleve', by: 'total' })).toEqual([['total', 2, 10]]);
  });

  it('excludes the published readmission causes and nothing else', async () => {
    const codes = {
      C349: true, D059: true, D390: true, D509: false, V892: true, W19: true, T141: true, T310: true,
      T424: false, T810: false, T554: true, T71: true, S720: false, Z038: false, Z420: false, Z501: true,
      Z511: true, Z510: true, Z540: false, Z590: true, Z740: false, Z751: false, Z992: true, J441: false,
    };
    const rows = await t.sql(`SELECT code, national_readmission_excluded_cause(code) AS excluded
      FROM (VALUES ${Object.keys(codes).map((code) => `('${code}')`).join(', ')}) AS c(code)`);
    expect(Object.fromEntries(rows.map((r) => [r.code, r.excluded]))).toEqual(codes);
  });

  it('gives protected figures from the same fact columns (published counts 0 or at least 5)', async () => {
    // 2 of 10 is a small count: the protected path perturbs it, never publishing 1–4.
    const [row] = (await queryMetric(t.warehouse, { ...base, by: 'total' }, undefined, { protect: true })).rows;
    expect(row!.denominator === 0 || row!.denominator! >= 5).toBe(true);
    expect(row!.numerator === 0 || row!.numerator! >= 5).toBe(true);
    expect(row!.numerator!).toBeLessThanOrEqual(row!.denominator!);
  });
});

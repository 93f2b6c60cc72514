// Episodes (metrics.md "Episodes") and acute admissions: stays of a patient merge when the next
// starts within 8 hours of the previous discharge, across hospitals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric } from '../../api/metrics/engine.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;

beforeAll(async () => {
  t = await testWarehouse();
  // Patient "transfer3": planned stay at SSHF Kristiansand, discharged to another hospital, admitted
  // at Rikshospitalet 3 hours later as acute → ONE episode: admitted 1 Mar 08:00, discharged 5 Mar
  // 12:00, municipality and age of the first stay (4204, 80), acute (one stay is), discharged to hjem.
  await t.stay({ patient: 'transfer3', admitted: '2024-03-01 08:00', discharged: '2024-03-02 10:00', urgency: 'planlagt', dischargedTo: 'sykehus' });
  await t.stay({ patient: 'transfer3', hospital: 'OUS Rikshospitalet', municipality: '4223', age: 81, admitted: '2024-03-02 13:00', discharged: '2024-03-05 12:00', dischargedTo: 'hjem' });
  // Patient "later10": second stay starts 10 hours after the first discharge → TWO episodes.
  await t.stay({ patient: 'later10', admitted: '2024-03-10 08:00', discharged: '2024-03-11 08:00' });
  await t.stay({ patient: 'later10', admitted: '2024-03-11 18:00', discharged: '2024-03-12 08:00' });
  // Patient "nested": a short stay inside a long one (starts before the long one ends), then a third
  // stay 4 hours after the LONG one ends (but two weeks after the short one) → one episode of 3 stays.
  await t.stay({ patient: 'nested', admitted: '2024-03-01 08:00', discharged: '2024-03-20 08:00', urgency: 'planlagt' });
  await t.stay({ patient: 'nested', admitted: '2024-03-05 08:00', discharged: '2024-03-06 08:00', urgency: 'planlagt' });
  await t.stay({ patient: 'nested', admitted: '2024-03-20 12:00', discharged: '2024-03-21 08:00', urgency: 'planlagt', dischargedTo: 'kommunal' });
  // Patient "exactly8": 8 hours exactly → still one episode ("within 8 hours").
  await t.stay({ patient: 'exactly8', admitted: '2024-04-01 08:00', discharged: '2024-04-01 12:00' });
  await t.stay({ patient: 'exactly8', admitted: '2024-04-01 20:00', discharged: '2024-04-02 12:00' });
  // Patient "open": still in hospital (no discharge), and a psychiatric stay of patient later10.
  await t.stay({ patient: 'open', admitted: '2024-04-10 08:00', discharged: null });
  await t.stay({ patient: 'later10', admitted: '2024-04-15 08:00', discharged: '2024-04-16 08:00', area: 'psykisk_helsevern' });
  // 4204 has 3660 residents aged 80 in 2024 → person-years in March = 3660 × 31 ÷ 366 = 310,
  // in April 3660 × 30 ÷ 366 = 300.
  await t.population('4204', 2024, 'K', 3660, 80);
});
afterAll(() => t?.close());

describe('episode view', () => {
  it('merges a transfer 3 hours later into one episode and keeps a stay 10 hours later apart', async () => {
    const rows = await t.sql(`SELECT patient_id, strftime(admitted, '%d %H') a, strftime(discharged, '%d %H') d,
      municipality_code, age, acute, discharged_to, stays FROM episode ORDER BY patient_id, admitted`);
    expect(rows).toEqual([
      { patient_id: 'exactly8', a: '01 08', d: '02 12', municipality_code: '4204', age: 80, acute: true, discharged_to: 'hjem', stays: 2 },
      { patient_id: 'later10', a: '10 08', d: '11 08', municipality_code: '4204', age: 80, acute: true, discharged_to: 'hjem', stays: 1 },
      { patient_id: 'later10', a: '11 18', d: '12 08', municipality_code: '4204', age: 80, acute: true, discharged_to: 'hjem', stays: 1 },
      { patient_id: 'later10', a: '15 08', d: '16 08', municipality_code: '4204', age: 80, acute: true, discharged_to: 'hjem', stays: 1 },
      { patient_id: 'nested', a: '01 08', d: '21 08', municipality_code: '4204', age: 80, acute: false, discharged_to: 'kommunal', stays: 3 },
      { patient_id: 'open', a: '10 08', d: null, municipality_code: '4204', age: 80, acute: true, discharged_to: 'hjem', stays: 1 },
      { patient_id: 'transfer3', a: '01 08', d: '05 12', municipality_code: '4204', age: 80, acute: true, discharged_to: 'hjem', stays: 2 },
    ]);
  });

  it('builds episodes per service area with episodes(area)', async () => {
    const rows = await t.sql(`SELECT count(*)::INTEGER n FROM episodes('psykisk_helsevern')`);
    expect(rows).toEqual([{ n: 1 }]);
  });
});

describe('acute-admissions', () => {
  it('counts acute episodes by admission month per 1000 inhabitants per year', async () => {
    // March: acute episodes admitted = transfer3 (1), later10 (2) = 3 ("nested" is planned only);
    //   3 × 1000 ÷ 310 = 9.677…
    // April: exactly8, open, later10's psychiatric stay = 3 → 3 × 1000 ÷ 300 = 10.
    const response = await queryMetric(t.warehouse, {
      metric: 'acute-admissions', municipalities: ['4204'], from: '2024-03', to: '2024-04', by: 'month', sex: 'all', standardise: 'none',
    });
    expect(response.rows.map((r) => [r.period, r.numerator, r.denominator, r.value])).toEqual([
      ['2024-03', 3, 310, (3 * 1000) / 310],
      ['2024-04', 3, 300, 10],
    ]);
    expect(response.unit).toBe('per-1000-per-year');
  });

  it('filters on service area: somatic episodes only gives 2 in April', async () => {
    const response = await queryMetric(t.warehouse, {
      metric: 'acute-admissions', municipalities: ['4204'], from: '2024-04', to: '2024-04', by: 'month', sex: 'all', standardise: 'none', area: 'somatikk',
    });
    expect(response.rows[0]?.numerator).toBe(2);
  });
});

describe('episodes with tied times and open stays (issue 12 §5)', () => {
  let w: TestWarehouse;
  const arendal = 'SSHF Arendal';

  beforeAll(async () => {
    w = await testWarehouse();
    // "tied": two stays with identical admission and discharge, Kristiansand's written first. Stays
    // are ordered by (admitted, ends, hospital, stay id): Arendal's comes first, so the episode takes
    // its municipality 4203 and age 81; both end last, so discharged_to is the later in that order,
    // Kristiansand's 'kommunal'. One episode of 2 stays, acute (Arendal's is).
    await w.stay({ patient: 'tied', admitted: '2024-05-01 08:00', discharged: '2024-05-03 08:00', urgency: 'planlagt', dischargedTo: 'kommunal' });
    await w.stay({ patient: 'tied', hospital: arendal, municipality: '4203', age: 81, admitted: '2024-05-01 08:00', discharged: '2024-05-03 08:00', dischargedTo: 'hjem' });
    // "tied3": three identical stays at one hospital (differing only in stay id) and a fourth 3 hours
    // after their discharge → one episode, 10 Jun 08:00 – 14 Jun 08:00, 4 stays.
    for (let copy = 0; copy < 3; copy += 1) await w.stay({ patient: 'tied3', admitted: '2024-06-10 08:00', discharged: '2024-06-12 08:00' });
    await w.stay({ patient: 'tied3', admitted: '2024-06-12 11:00', discharged: '2024-06-14 08:00' });
    // Data through: Arendal 31 May 20:00 (areLast), Kristiansand 31 Jul 12:00 (krsLast).
    await w.stay({ patient: 'areLast', hospital: arendal, admitted: '2024-05-20 08:00', discharged: '2024-05-31 20:00' });
    await w.stay({ patient: 'krsLast', admitted: '2024-07-30 08:00', discharged: '2024-07-31 12:00' });
    // "openA": open at Arendal since 10 May, so it ends at 31 May 20:00 for merging; a Kristiansand
    // stay on 15 Jun is a new episode (two episodes, the first with no discharge), not swallowed.
    await w.stay({ patient: 'openA', hospital: arendal, admitted: '2024-05-10 08:00', discharged: null });
    await w.stay({ patient: 'openA', admitted: '2024-06-15 08:00', discharged: '2024-06-20 08:00' });
    // "openMerge": open at Arendal since 30 May; admitted at Kristiansand 1 Jun 02:00, 6 hours after
    // Arendal's 31 May 20:00 → one episode of 2 stays, still open (no discharge).
    await w.stay({ patient: 'openMerge', hospital: arendal, admitted: '2024-05-30 08:00', discharged: null });
    await w.stay({ patient: 'openMerge', admitted: '2024-06-01 02:00', discharged: '2024-06-03 08:00' });
  });
  afterAll(() => w?.close());

  it('merges stays with identical times into one episode, attributes taken in (hospital, stay id) order', async () => {
    const rows = await w.sql(`SELECT patient_id, strftime(admitted, '%m-%d %H') a, strftime(discharged, '%m-%d %H') d,
      municipality_code, age, acute, discharged_to, stays FROM episode WHERE patient_id LIKE 'tied%' ORDER BY patient_id, admitted`);
    expect(rows).toEqual([
      { patient_id: 'tied', a: '05-01 08', d: '05-03 08', municipality_code: '4203', age: 81, acute: true, discharged_to: 'kommunal', stays: 2 },
      { patient_id: 'tied3', a: '06-10 08', d: '06-14 08', municipality_code: '4204', age: 80, acute: true, discharged_to: 'hjem', stays: 4 },
    ]);
    // No false readmission: each patient has one index episode, not readmitted.
    expect(await w.sql(`SELECT patient_id, readmitted FROM readmission_index('all') WHERE patient_id LIKE 'tied%' ORDER BY patient_id`)).toEqual([
      { patient_id: 'tied', readmitted: false },
      { patient_id: 'tied3', readmitted: false },
    ]);
  });

  it('ends an open stay at its own hospital\'s data through when merging', async () => {
    const rows = await w.sql(`SELECT patient_id, strftime(admitted, '%m-%d %H') a, strftime(discharged, '%m-%d %H') d, stays
      FROM episode WHERE patient_id LIKE 'open%' ORDER BY patient_id, admitted`);
    expect(rows).toEqual([
      { patient_id: 'openA', a: '05-10 08', d: null, stays: 1 },
      { patient_id: 'openA', a: '06-15 08', d: '06-20 08', stays: 1 },
      { patient_id: 'openMerge', a: '05-30 08', d: null, stays: 2 },
    ]);
  });
});

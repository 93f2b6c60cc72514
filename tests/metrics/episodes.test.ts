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

// Data through per source (issue 12 §4): each hospital (behandlingssted) has its own data through;
// readmission follow-up needs every hospital's data, and open stays count up to their own hospital's.
// Two hospitals: SSHF Kristiansand delivers through 31 Dec 2024 12:00, SSHF Arendal lags a month
// (through 30 Nov 2024 12:00). Every patient is 80 and lives in 4204.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMetric } from '../../api/metrics/engine.ts';
import type { MetricQuery } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
const arendal = 'SSHF Arendal';
const base: MetricQuery = {
  metric: 'readmissions', municipalities: ['4204'], from: '2024-10', to: '2024-12', by: 'month', sex: 'all', standardise: 'none',
};

beforeAll(async () => {
  t = await testWarehouse();
  // The latest time stamps of each hospital: Kristiansand's discharge 31 Dec 12:00, Arendal's 30 Nov 12:00.
  await t.stay({ patient: 'krsLast', admitted: '2024-12-20 10:00', discharged: '2024-12-31 12:00', urgency: 'planlagt' });
  await t.stay({ patient: 'areLast', hospital: arendal, admitted: '2024-11-25 10:00', discharged: '2024-11-30 12:00', urgency: 'planlagt' });
  // covered: discharged 31 Oct 12:00 + 30 days = 30 Nov 12:00 ≤ both hospitals' data → an index in October.
  await t.stay({ patient: 'covered', admitted: '2024-10-20 10:00', discharged: '2024-10-31 12:00' });
  // missingMonth: discharged at Kristiansand 10 Nov 10:00 + 30 days = 10 Dec 10:00. Kristiansand's data
  // reaches it, Arendal's (30 Nov) does not: a readmission at Arendal in early December would be
  // missing, so this is no index. (With one data through for all, 31 Dec, it was an index.)
  await t.stay({ patient: 'missingMonth', admitted: '2024-11-05 10:00', discharged: '2024-11-10 10:00' });
  // openArendal: still in hospital at Arendal, ready 27 Nov 09:00 → nights 27, 28, 29 Nov (30 Nov is
  // Arendal's data-through date itself, not a completed night) = 3; not 27 Nov … 30 Dec = 34 nights
  // up to Kristiansand's date.
  await t.stay({ patient: 'openArendal', hospital: arendal, admitted: '2024-11-20 10:00', ready: '2024-11-27 09:00', discharged: null });
  // openKristiansand: still in hospital at Kristiansand, ready 28 Dec 09:00 → nights 28, 29, 30 Dec = 3.
  await t.stay({ patient: 'openKristiansand', admitted: '2024-12-20 10:00', ready: '2024-12-28 09:00', discharged: null });
});
afterAll(() => t?.close());

describe('data through per hospital', () => {
  it('tracks each hospital\'s latest time stamp, the latest of them and the earliest', async () => {
    expect(await t.sql(`SELECT source, strftime(data_through, '%Y-%m-%d %H:%M') AS through
      FROM hospital_source_data_through ORDER BY source`)).toEqual([
      { source: 'SSHF Arendal', through: '2024-11-30 12:00' },
      { source: 'SSHF Kristiansand', through: '2024-12-31 12:00' },
    ]);
    expect(await t.sql(`SELECT strftime(hospital_data_through, '%Y-%m-%d %H:%M') AS latest,
      strftime(hospital_complete_through, '%Y-%m-%d %H:%M') AS complete FROM data_through`)).toEqual([
      { latest: '2024-12-31 12:00', complete: '2024-11-30 12:00' },
    ]);
  });

  it('calls follow-up complete only when every hospital covers discharge + 30 days', async () => {
    // areLast (30 Nov + 30 d = 30 Dec) and krsLast (31 Dec + 30 d) are beyond Arendal's 30 Nov too.
    expect(await t.sql(`SELECT patient_id, follow_up_complete FROM readmission_index('somatikk') ORDER BY patient_id`)).toEqual([
      { patient_id: 'areLast', follow_up_complete: false },
      { patient_id: 'covered', follow_up_complete: true },
      { patient_id: 'krsLast', follow_up_complete: false },
      { patient_id: 'missingMonth', follow_up_complete: false },
    ]);
    // So the metric has one index episode (October, covered, not readmitted) and none in November.
    const { rows } = await queryMetric(t.warehouse, base);
    expect(rows.map((r) => [r.period, r.numerator, r.denominator])).toEqual([
      ['2024-10', 0, 1],
      ['2024-11', 0, 0],
      ['2024-12', 0, 0],
    ]);
  });

  it('counts an open stay\'s discharge-ready nights and cost up to its own hospital\'s date', async () => {
    // November: openArendal's 3 nights; December: openKristiansand's 3. Rate 2024 = 5745 NOK:
    // 3 × 5745 = 17 235 NOK each month.
    const { rows } = await queryMetric(t.warehouse, { ...base, metric: 'discharge-ready-days', from: '2024-11', to: '2024-12' });
    expect(rows.map((r) => [r.period, r.numerator, r.stays, r.costNok])).toEqual([
      ['2024-11', 3, 1, 17235],
      ['2024-12', 3, 1, 17235],
    ]);
  });
});

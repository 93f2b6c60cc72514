// Specification: the workbench's example queries run through the sandbox on the real analyst views
// (installMetricViews) and answer their questions. Small hand-made data, numbers worked out below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMetricViews } from '../../api/metrics/engine.ts';
import { exampleQueries } from '../../web/src/lib/sql/examples.ts';
import { sqlHarness, type SqlHarness } from './harness.ts';

// Hospital (all somatikk; columns: hospital, stay, patient, municipality, age, admitted, discharged,
// urgency, diagnosis, ready for discharge):
//   A  P1 4204 80  2024-01-01 08:00 → 2024-01-05 10:00  akutt    J44 kols        ready 2024-01-03 → nights 3rd, 4th = 2
//   B  P1 4204 80  2024-01-20 08:00 → 2024-01-22 10:00  akutt    I50 hjertesvikt
//   C  P2 4223 70  2024-02-01 08:00 → 2024-02-03 10:00  akutt    J45 kols
//   D  P3 4223 90  2024-03-01 08:00 → 2024-03-10 10:00  planlagt S72 brudd       ready 2024-03-07 → nights 7th, 8th, 9th = 3
//   E  P4 4204 50  2024-06-01 08:00 → 2024-06-02 10:00  planlagt R69 (none)      → data through 2024-06-02 10:00
// Readmissions (67+, follow-up complete: every discharge + 30 days ≤ 2024-06-02): A is readmitted by B
// (acute, 15 days later); B, C, D are not. kols 2 index / 1 readmitted = 50.0 %, hjertesvikt 1 / 0,
// brudd 1 / 0. Discharge-ready 2024 at 5745 NOK a night: 4223 Vennesla 3 nights = 17 235 NOK,
// 4204 Kristiansand 2 nights = 11 490 NOK. Acute episodes: January 2 (A, B), February 1 (C).
// KAD: unit U1 with 2 beds from Monday 2024-01-01 to Sunday 2024-01-07; stay K1 01-01 12:00 →
// 01-03 10:00 (nights Mon, Tue), K2 01-02 → 01-03 (night Tue). Occupancy Mon 1/2 = 50 %, Tue 2/2 =
// 100 %, Wed–Sun 0 %.
const stay = (id: string, patient: string, code: string, age: number, admitted: string, discharged: string, urgency: string, diagnosis: string, ready: string | null) =>
  `('HF', '${id}', '${patient}', '${code}', '${code}', true, ${age}, 'K', 'K', TIMESTAMP '${admitted}', TIMESTAMP '${discharged}', '${urgency}', '${urgency}', '${diagnosis}', '${diagnosis}', ${ready ? `TIMESTAMP '${ready}'` : 'NULL'}, 'hjem', 'somatikk', 1, 2)`;
const seed = `
INSERT INTO hospital_stay (hospital, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw, admitted, discharged, urgency, urgency_raw, main_diagnosis, main_diagnosis_raw, ready_for_discharge, discharged_to, service_area, import_id, source_line) VALUES
  ${stay('A', 'P1', '4204', 80, '2024-01-01 08:00', '2024-01-05 10:00', 'akutt', 'J44', '2024-01-03 09:00')},
  ${stay('B', 'P1', '4204', 80, '2024-01-20 08:00', '2024-01-22 10:00', 'akutt', 'I50', null)},
  ${stay('C', 'P2', '4223', 70, '2024-02-01 08:00', '2024-02-03 10:00', 'akutt', 'J45', null)},
  ${stay('D', 'P3', '4223', 90, '2024-03-01 08:00', '2024-03-10 10:00', 'planlagt', 'S72', '2024-03-07 12:00')},
  ${stay('E', 'P4', '4204', 50, '2024-06-01 08:00', '2024-06-02 10:00', 'planlagt', 'R69', null)};
INSERT INTO kad_unit (unit, name, host_municipality_code, host_municipality_raw, municipalities, municipalities_raw, beds, valid_from, valid_to, import_id, source_line) VALUES ('U1', 'KAD Sør', '4204', '4204', ['4204', '4223'], '4204|4223', 2, DATE '2024-01-01', DATE '2024-01-07', 1, 2);
INSERT INTO kad_stay (unit, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw, admitted, discharged, main_diagnosis, main_diagnosis_raw, discharged_to, import_id, source_line) VALUES
  ('U1', 'K1', 'P5', '4204', '4204', true, 75, 'M', 'M', TIMESTAMP '2024-01-01 12:00', TIMESTAMP '2024-01-03 10:00', 'J44', 'J44', 'hjem', 1, 2),
  ('U1', 'K2', 'P6', '4223', '4223', true, 85, 'K', 'K', TIMESTAMP '2024-01-02 12:00', TIMESTAMP '2024-01-03 09:00', 'I50', 'I50', 'hjem', 1, 3);`;

let h: SqlHarness;
beforeAll(async () => {
  h = await sqlHarness({ seed, prepare: installMetricViews });
});
afterAll(async () => h?.close());

async function rows(id: string): Promise<unknown[][]> {
  const example = exampleQueries.find((e) => e.id === id)!;
  const response = await h.post({ sql: example.sql });
  const body = (await response.json()) as { rows: unknown[][]; error?: { message: string } };
  expect(response.status, body.error?.message).toBe(200);
  return body.rows;
}

describe('example queries', () => {
  it('readmissions by diagnosis group', async () => {
    const result = await rows('readmissions-by-diagnosis-group');
    expect(result[0]).toEqual(['kols', 2, 1, 50]);
    expect(result.slice(1)).toEqual(expect.arrayContaining([['hjertesvikt', 1, 0, 0], ['brudd', 1, 0, 0]]));
    expect(result).toHaveLength(3);
  });

  it('discharge-ready cost per municipality this year', async () => {
    expect(await rows('discharge-ready-cost-per-municipality')).toEqual([
      ['4223', 'Vennesla', 3, 1, 17_235],
      ['4204', 'Kristiansand', 2, 1, 11_490],
    ]);
  });

  it('KAD occupancy by weekday', async () => {
    const result = await rows('kad-occupancy-by-weekday');
    expect(result.map((r) => [r[0], r[2], r[3], r[4]])).toEqual([
      [1, 1, 2, 50], [2, 2, 2, 100], [3, 0, 2, 0], [4, 0, 2, 0], [5, 0, 2, 0], [6, 0, 2, 0], [7, 0, 2, 0],
    ]);
  });

  it('acute admissions per month', async () => {
    expect(await rows('acute-admissions-per-month')).toEqual([['2024-01-01', 2], ['2024-02-01', 1]]);
  });

  it('every example is covered above', () => {
    expect(exampleQueries.map((e) => e.id)).toEqual([
      'readmissions-by-diagnosis-group', 'discharge-ready-cost-per-municipality', 'kad-occupancy-by-weekday', 'acute-admissions-per-month',
    ]);
  });
});

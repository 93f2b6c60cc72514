// Issue 13 §5: readmissions?group=… also projects distinct patients per year with an episode in the
// group, on the real app and a real DuckDB file.
//
// Data (4204 Kristiansand only; registered population 1 January 2023 and 2024 alike, so person-years
// 2023–2024 = 2 × it): women aged 85: 1000 (80+ band), men aged 70: 500 (67–79 band).
// Somatic hospital stays, each its own episode (months apart), main diagnosis kols (J44x) unless said:
//   pA woman 85: 2023-03 acute, 2023-09 planned, 2024-02 acute   → patient-years 2023, 2024 = 2
//   pB woman 85: 2024-05 acute, died in hospital                  → 1
//   pC man 70:   2023-06 planned                                  → 1; and 2024-04 I50 (heart failure): not kols
//   pD man 50:   2025-03 (outside 67+, not kols) gives data through 2025-03-02: base 2023–2024 complete.
// Rates (distinct patients per year ÷ person-years, summed over the base years):
//   women 80+: 3 / 2000 = 0.0015;  men 67–79: 1 / 1000 = 0.001
//   2024 (base row, registered):  1000 × 0.0015 + 500 × 0.001  = 1.5 + 0.5 = 2
//   2030 MMMM (2000 women 85, 1000 men 70): 2000 × 0.0015 + 1000 × 0.001 = 3 + 1 = 4
//   change −10 %/year: 2030 = 4 × 0.9^6 = 4 × 0.531441 = 2.125764
// 4204 has far fewer than 20 readmission index episodes and no other municipality has data or people,
// so the rows use every municipality's pooled rates (rate source 'all'), which are 4204's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectionResponse } from '../../contract/projections.ts';
import { apiHarness, type ApiHarness } from '../api/harness.ts';

const stay = (id: string, patient: string, age: number, sex: string, admitted: string, urgency: string, diagnosis: string, to = 'hjem') =>
  `('SSHF Kristiansand', '${id}', '${patient}', '4204', '4204', true, ${age}, '${sex}', '${sex}', TIMESTAMP '${admitted} 10:00',
    TIMESTAMP '${admitted} 10:00' + INTERVAL 1 DAY, '${urgency}', '${urgency === 'akutt' ? '1' : '4'}', '${diagnosis}', '${diagnosis}', NULL, '${to}', 'somatikk', 1, 1)`;

const seed = `
INSERT INTO population (municipality_code, municipality_code_raw, year, sex, sex_raw, age_from, age_to, age_raw, count, import_id, source_line)
SELECT '4204', '4204', year, sex, sex, age, age, age::VARCHAR, n, 1, 1
FROM (VALUES ('K', 85, 1000), ('M', 70, 500)) p(sex, age, n), (VALUES (2023), (2024)) y(year);

INSERT INTO population_projection (vintage, alternative, municipality_code, municipality_code_raw, year, sex, age_from, age_to, count, import_id, source_line)
VALUES ('2024', 'MMMM', '4204', 'K-4204', 2030, 'K', 85, 85, 2000, 2, 1), ('2024', 'MMMM', '4204', 'K-4204', 2030, 'M', 70, 70, 1000, 2, 2);

INSERT INTO hospital_stay (hospital, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw,
  admitted, discharged, urgency, urgency_raw, main_diagnosis, main_diagnosis_raw, ready_for_discharge, discharged_to, service_area, import_id, source_line)
VALUES
  ${stay('a1', 'pA', 85, 'K', '2023-03-01', 'akutt', 'J441')},
  ${stay('a2', 'pA', 85, 'K', '2023-09-01', 'planlagt', 'J449')},
  ${stay('a3', 'pA', 85, 'K', '2024-02-01', 'akutt', 'J441')},
  ${stay('b1', 'pB', 85, 'K', '2024-05-01', 'akutt', 'J440', 'dod')},
  ${stay('c1', 'pC', 70, 'M', '2023-06-01', 'planlagt', 'J449')},
  ${stay('c2', 'pC', 70, 'M', '2024-04-01', 'akutt', 'I509')},
  ${stay('d1', 'pD', 50, 'M', '2025-03-01', 'planlagt', 'R69')};
`;

let api: ApiHarness;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  api = await apiHarness({ seed });
  tokens.analyst = await api.userToken('analyst1', 'analyst');
  tokens.viewer = await api.userToken('viewer1', 'viewer');
});
afterAll(() => api?.close());

const projection = (token: string, query: string) => api.json<ProjectionResponse>(`/api/projections/readmissions?${query}`, token);

describe('patients with an episode in a diagnosis group', () => {
  it('projects distinct patients per year from base-period rates × projected population (hand-worked)', async () => {
    const body = await projection(tokens.analyst!, 'municipality=4204&group=kols&base=2023-2024&change=-10');
    expect(body).toMatchObject({ group: 'kols', base: { from: 2023, to: 2024 } });
    expect(body.rows.map((r) => [r.year, r.population, r.rateSource])).toEqual([[2024, 1500, 'all'], [2030, 3000, 'all']]);
    const [today, future] = body.rows;
    expect(today!.patients).toBeCloseTo(2, 9);
    expect(today!.patientsWithChange).toBeCloseTo(2, 9);
    expect(future!.patients).toBeCloseTo(4, 9);
    expect(future!.patientsWithChange).toBeCloseTo(4 * 0.9 ** 6, 9);
    expect(body.rows.every((r) => r.protected === undefined)).toBe(true);
  });

  it('is left out without a group', async () => {
    const body = await projection(tokens.analyst!, 'municipality=4204&base=2023-2024');
    expect(body.rows.every((r) => r.patients === undefined && r.patientsWithChange === undefined)).toBe(true);
  });

  it('is computed from perturbed per-year base cells for a protected user', async () => {
    // Every protected count is a sum of published municipality × year × sex × band cells (W for women
    // 80+, M for men 67–79, integers summed over 2023 and 2024): base row 1000 × W/2000 + 500 × M/1000
    // = (W + M)/2; 2030 row 2000 × W/2000 + 1000 × M/1000 = W + M: an integer, twice the base row.
    const body = await projection(tokens.viewer!, 'municipality=4204&group=kols&base=2023-2024');
    const [today, future] = body.rows;
    expect(body.rows.every((r) => r.protected === true)).toBe(true);
    expect(Number.isInteger(Math.round(future!.patients! * 1e9) / 1e9)).toBe(true);
    expect(future!.patients).toBeCloseTo(2 * today!.patients!, 9);
  });
});

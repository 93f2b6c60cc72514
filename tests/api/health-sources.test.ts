// GET /api/health names each hospital's own data through (issue 12 §4), without login, and only the
// date: SSHF Kristiansand's latest time stamp is its discharge 31 Dec 2024 10:00, SSHF Arendal's its
// ready-for-discharge 29 Nov 2024 09:00 (a stay still open, admitted 20 Nov). The overall data through
// stays the latest of them, with its time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../../contract/types.ts';
import { apiHarness, type ApiHarness } from './harness.ts';

const seed = `
INSERT INTO hospital_stay (hospital, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw, admitted, discharged, urgency, urgency_raw, main_diagnosis, main_diagnosis_raw, ready_for_discharge, discharged_to, service_area, import_id, source_line) VALUES
  ('SSHF Kristiansand', 'k1', 'p1', '4204', '4204', true, 80, 'K', 'K', TIMESTAMP '2024-12-20 10:00', TIMESTAMP '2024-12-31 10:00',
   'planlagt', '4', 'I509', 'I50.9', NULL, 'hjem', 'somatikk', 1, 2),
  ('SSHF Arendal', 'a1', 'p2', '4203', '4203', true, 80, 'K', 'K', TIMESTAMP '2024-11-20 10:00', NULL,
   'akutt', '1', 'J441', 'J44.1', TIMESTAMP '2024-11-29 09:00', NULL, 'somatikk', 1, 2);`;

let api: ApiHarness;
beforeAll(async () => {
  api = await apiHarness({ seed });
});
afterAll(() => api.close());

describe('health', () => {
  it('lists every hospital with the date its data goes through', async () => {
    const response = await api.get('/api/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Health;
    expect(body.dataThrough).toBe('2024-12-31T10:00:00');
    expect(body.sources).toEqual([
      { source: 'SSHF Arendal', dataThrough: '2024-11-29' },
      { source: 'SSHF Kristiansand', dataThrough: '2024-12-31' },
    ]);
  });
});

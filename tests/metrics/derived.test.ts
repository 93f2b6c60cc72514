// The materialised episodes follow the facts: rebuilt inside an import's transaction by
// refreshDerived(), or automatically before the next metric query when nobody called it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDomains, recordKeyUnits } from '../../api/disclosure/record-key.ts';
import { cellKeySecretVariable } from '../../api/disclosure/secret.ts';
import { queryMetric, refreshDerived } from '../../api/metrics/engine.ts';
import type { MetricQuery } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
const acute: MetricQuery = {
  metric: 'acute-admissions', municipalities: ['4204'], from: '2024-01', to: '2024-01', by: 'month', sex: 'all', standardise: 'none',
};
beforeAll(async () => {
  t = await testWarehouse();
});
afterAll(() => t?.close());

describe('derived episodes', () => {
  it('are rebuilt by refreshDerived inside the writer\'s transaction, invisible to others until commit', async () => {
    const writer = await t.warehouse.connect();
    await writer.run('BEGIN TRANSACTION');
    await writer.run(`INSERT INTO hospital_stay (hospital, stay_id, patient_id, municipality_code, municipality_code_raw, municipality_mappable, age, sex, sex_raw, admitted, discharged, urgency, urgency_raw, main_diagnosis, main_diagnosis_raw, ready_for_discharge, discharged_to, service_area, import_id, source_line) VALUES ('H', 'x1', 'p1', '4204', '4204', true, 80, 'K', 'K',
      TIMESTAMP '2024-01-10 10:00', TIMESTAMP '2024-01-12 10:00', 'akutt', '1', 'J441', 'J44.1', NULL, 'hjem', 'somatikk', 7, 2)`);
    await refreshDerived(writer);
    const inside = await writer.runAndReadAll(`SELECT count(*)::INTEGER FROM episode`);
    expect(inside.getRows()[0]![0]).toBe(1);
    // Another connection still sees no stay and no episode.
    const outside = await t.warehouse.withConnection(async (c) => (await c.runAndReadAll('SELECT count(*)::INTEGER FROM derived_episode')).getRows()[0]![0]);
    expect(outside).toBe(0);
    await writer.run('COMMIT');
    writer.closeSync();
    expect((await queryMetric(t.warehouse, acute)).rows[0]!.numerator).toBe(1);
  });

  it('are rebuilt before the next query when stays changed without refreshDerived', async () => {
    // A second acute stay of another patient in January: 2 acute admissions.
    await t.stay({ patient: 'p2', admitted: '2024-01-20 10:00', discharged: '2024-01-21 10:00' });
    expect((await queryMetric(t.warehouse, acute)).rows[0]!.numerator).toBe(2);
  });

  it('rebuild the record keys when the cell-key secret changes (a copied database, a rotated secret)', async () => {
    await t.kadStay({ admitted: '2024-01-05 10:00', discharged: '2024-01-06 10:00' });
    const keys = async () => (await t.sql('SELECT record_key::VARCHAR AS k FROM derived_kad_stay_key ORDER BY stay_id')).map((r) => r.k);
    const before = await keys();
    // The key is MD5(secret ␟ domain ␟ id): a new secret gives every record a new key.
    const rotated = 'ab'.repeat(32);
    process.env[cellKeySecretVariable] = rotated;
    try {
      const after = await keys();
      expect(after).toHaveLength(before.length);
      expect(after.every((key, i) => key !== before[i])).toBe(true);
      const [stay] = await t.sql('SELECT unit, stay_id FROM kad_stay ORDER BY stay_id LIMIT 1');
      expect(after[0]).toBe(String(recordKeyUnits(Buffer.from(rotated, 'hex'), recordDomains.kadStay, [String(stay!.unit), String(stay!.stay_id)])));
    } finally {
      delete process.env[cellKeySecretVariable];
    }
  });
});

// The catalogue and the analysts' views: the definition text is the SQL file's opening comment,
// every object is installed with a comment, and installing twice changes nothing.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystObjects, dataThrough, installMetricViews, metricCatalogue, metricSql, queryMetric } from '../../api/metrics/engine.ts';
import { declarationOf, metricIds } from '../../contract/types.ts';
import { testWarehouse, type TestWarehouse } from './fixture.ts';

let t: TestWarehouse;
beforeAll(async () => {
  t = await testWarehouse();
});
afterAll(() => t?.close());

describe('metric catalogue', () => {
  it('lists every metric once with the opening comment of its SQL file as definition', () => {
    expect(metricCatalogue.map((m) => m.id)).toEqual([...metricIds]);
    const readmissions = metricCatalogue.find((m) => m.id === 'readmissions')!;
    expect(readmissions.definition.en).toMatch(/^30-day readmissions \(crude rate; the national indicator is risk-adjusted\)\. Index episode/);
    // The bokmål paragraph follows the `-- nb:` line of the same comment.
    expect(readmissions.definition.nb).toMatch(/^Reinnleggelser innen 30 dager \(rå andel; den nasjonale indikatoren er risikojustert\)\. Et indeksopphold/);
    expect(readmissions.definition.en).not.toContain('Reinnleggelser');
    expect(metricSql('readmissions')).toBe(readFileSync(new URL('../../api/metrics/readmissions.sql', import.meta.url), 'utf8'));
    for (const metric of metricCatalogue) {
      expect(metric.definition.en.length, metric.id).toBeGreaterThan(80);
      expect(metric.definition.nb.length, metric.id).toBeGreaterThan(80);
      expect(metric.definition.nb, metric.id).not.toBe(metric.definition.en);
    }
  });

  it('installs every view and macro with a comment, idempotently', async () => {
    await installMetricViews(t.warehouse);
    const installed = await t.sql(`
      SELECT view_name AS name, comment FROM duckdb_views() WHERE NOT internal
      UNION ALL SELECT table_name, comment FROM duckdb_tables()
      UNION ALL SELECT DISTINCT function_name, comment FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro') AND NOT internal`);
    const byName = new Map(installed.map((r) => [r.name, r.comment]));
    for (const object of analystObjects) expect(byName.get(object.name), object.name).toMatch(/\w/);
    expect(analystObjects.map((o) => o.name)).toEqual(expect.arrayContaining(['episode', 'readmission_index', 'discharge_ready_day', 'kad_bed_day', 'kad_unit_day', 'person_years', 'derived_episode']));
  });

  it('the rules the SQL shares with the web come from the catalogue, not from the SQL text', async () => {
    await installMetricViews(t.warehouse);
    const [row] = await t.sql(`SELECT follow_up_days('readmissions') AS readmissions, follow_up_days('kad-stays') AS kad`);
    expect(row).toEqual({ readmissions: declarationOf('readmissions')!.followUpDays, kad: 0 });
    expect(declarationOf('readmissions')!.followUpDays).toBe(30);
    // The definition in words says 30 days; the executable SQL never writes the number itself.
    const executable = metricSql('readmissions').split('\n').filter((line) => !line.trimStart().startsWith('--')).join('\n');
    expect(executable).not.toMatch(/INTERVAL\s+'?30/i);
    expect(executable).toContain("follow_up_days('readmissions')");
  });

  it('answers on an empty warehouse: zero counts, no data through', async () => {
    expect(await dataThrough(t.warehouse)).toBeNull();
    for (const metric of metricIds) {
      const response = await queryMetric(t.warehouse, {
        metric, municipalities: ['4204'], from: '2024-01', to: '2024-03', by: 'quarter', sex: 'all', standardise: 'age-sex',
      });
      expect(response.rows.every((r) => r.numerator === 0 || r.numerator === null), metric).toBe(true);
    }
  });

  it('rejects a malformed period and an unknown diagnosis group', async () => {
    await expect(queryMetric(t.warehouse, {
      metric: 'kad-stays', municipalities: ['4204'], from: '2024-13', to: '2024-03', by: 'month', sex: 'all', standardise: 'none',
    })).rejects.toThrow(/from must be a month YYYY-MM/);
    await expect(queryMetric(t.warehouse, {
      metric: 'readmissions', municipalities: ['4204'], from: '2024-01', to: '2024-03', by: 'month', sex: 'all', standardise: 'none',
      group: 'astma' as never,
    })).rejects.toThrow(/group must be one of kols/);
  });
});

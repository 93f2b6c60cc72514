// Parameters are validated at the edge: each wrong parameter gets a 400 whose message names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricCatalogue, metricParameterNames, type MetricParameter } from '../../contract/types.ts';
import { apiHarness, errorOf, type ApiHarness } from './harness.ts';

let api: ApiHarness;
let token: string;
beforeAll(async () => {
  api = await apiHarness();
  token = await api.userToken('analyst1', 'analyst');
});
afterAll(() => api.close());

const problem = async (path: string) => errorOf(await api.get(path, token));

describe('metric parameters', () => {
  it.each([
    ['/api/metrics/kad-stays?municipality=9999', 'municipality', 'unknown municipality'],
    ['/api/metrics/kad-stays?municipality=4204,no-such-collaboration', 'municipality', 'no-such-collaboration'],
    ['/api/metrics/kad-stays?from=2024-13', 'from', 'month'],
    ['/api/metrics/kad-stays?from=2024-1', 'from', 'YYYY-MM'],
    ['/api/metrics/kad-stays?from=2024-06&to=2024-01', 'to', 'before from'],
    // No stays imported: the window is fixed at 2000-01 … next year (api/metrics/bounds.ts).
    ['/api/metrics/kad-stays?from=1999-12', 'from', 'must be 2000-01 or later: no stays have been imported yet'],
    ['/api/metrics/no-such-metric', 'metric', 'no-such-metric'],
    ['/api/compare/no-such-metric', 'metric', 'no-such-metric'],
    ['/api/metrics/readmissions?group=tennisalbue', 'group', 'kols'],
    ['/api/metrics/kad-stays?group=kols', 'group', 'only to readmissions'],
    ['/api/metrics/kad-stays?by=week', 'by', 'month, quarter, year or total'],
    ['/api/metrics/kad-bed-days?by=day', 'by', 'by=day is only available for kad-occupancy'],
    ['/api/metrics/kad-stays?age=90-80', 'age', 'a ≤ b'],
    ['/api/metrics/kad-stays?sex=X', 'sex', 'M or K'],
    ['/api/metrics/kad-stays?area=tannhelse', 'area', 'somatikk'],
    ['/api/metrics/kad-stays?standardise=yes', 'standardise', 'age-sex'],
    ['/api/metrics/kad-stays?colour=blue', 'colour', 'unknown parameter'],
    ['/api/metrics/kad-occupancy?unit=no-such-unit', 'unit', 'unknown KAD unit'],
  ])('%s → 400 about %s', async (path, parameter, words) => {
    const error = await problem(path);
    expect(error.status).toBe(400);
    expect(error.message).toContain(parameter);
    expect(error.message).toContain(words);
  });

  it.each([
    "municipality=4204'%3B%20DROP%20TABLE%20hospital_stay%3B--",
    'municipality=4204%20OR%201%3D1',
    "from=2024-01'%20UNION%20SELECT%20password_hash%20FROM%20app_user--",
    'group=kols)%20OR%20(1%3D1',
    'age=67%2B%3BSELECT%201',
  ])('SQL-injection-looking %s → 400, and the tables are intact', async (query) => {
    const response = await api.get(`/api/metrics/readmissions?${query}`, token);
    expect(response.status).toBe(400);
    const stays = await api.warehouse.withConnection(async (c) => (await c.runAndReadAll('SELECT count(*) FROM hospital_stay')).getRows());
    expect(Number(stays[0]?.[0])).toBe(0);
  });

  it('a historical code that maps to one current code is accepted (answered under the current code)', async () => {
    const response = await api.get('/api/metrics/kad-stays?municipality=1001&from=2024-01&to=2024-03&by=total', token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rows: { municipality: string }[] }).rows.map((r) => r.municipality)).toEqual(['4204']);
  });

  it('a split code is accepted and answered under itself, as its facts are stored (one rule with the engine)', async () => {
    // 1507 Ålesund was split in 2020 (../shared/data/municipality-code-changes.csv): its stays keep 1507.
    const response = await api.get('/api/metrics/kad-stays?municipality=1507&from=2024-01&to=2024-03&by=total', token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rows: { municipality: string }[] }).rows.map((r) => r.municipality)).toEqual(['1507']);
  });

  // A valid value of every parameter, so the only thing wrong is that the metric does not take it.
  const sample: Record<MetricParameter, string> = {
    municipality: '4204', unit: 'u1', from: '2024-01', to: '2024-03', by: 'quarter', age: '67%2B', sex: 'K',
    group: 'kols', area: 'somatikk', standardise: 'age-sex', standard: 'esp2013',
  };
  it.each(metricCatalogue.map((metric) => [metric.id, metricParameterNames.filter((name) => !(metric.parameters as readonly string[]).includes(name))] as const))(
    '%s refuses by name every parameter its catalogue entry does not list (%j)',
    async (metric, refused) => {
      for (const name of refused) {
        const error = await problem(`/api/metrics/${metric}?${name}=${sample[name]}`);
        expect(error.status, name).toBe(400);
        expect(error.message, name).toMatch(new RegExp(`^${name}: applies only to [a-z-]+(, [a-z-]+)*, not to ${metric}`));
      }
    },
  );

  it('valid parameters pass (empty database: no rows, still 200)', async () => {
    const response = await api.get('/api/metrics/kad-stays?municipality=4204,knutepunkt-sorlandet&from=2024-01&to=2024-03&by=quarter&age=67%2B&sex=K', token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { metric: string; by: string; from: string; to: string };
    expect(body).toMatchObject({ metric: 'kad-stays', by: 'quarter', from: '2024-01', to: '2024-03' });
  });
});

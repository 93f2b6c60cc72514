// Every metric endpoint on the demo database (tests/helpers/demo.ts), as the dashboard calls them:
// default period, a collaboration with its members, JSON and Arrow, each role.
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricIds, type CompareResponse, type MetricResponse } from '../../contract/types.ts';
import { demoDatabaseCopy } from '../helpers/demo.ts';
import { apiHarness, type ApiHarness } from './harness.ts';

let api: ApiHarness;
let analyst: string;
let viewer: string;
beforeAll(async () => {
  api = await apiHarness({ dbPath: await demoDatabaseCopy() });
  analyst = await api.userToken('analyst1', 'analyst');
  viewer = await api.userToken('viewer1', 'viewer');
});
afterAll(() => api.close());

describe('demo database', () => {
  it('health says how far the data goes', async () => {
    const body = (await (await api.get('/api/health')).json()) as { dataThrough: string };
    expect(body.dataThrough).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  it.each(metricIds)('%s answers by month for a collaboration and its members', async (metric) => {
    const area = metric === 'kad-occupancy' ? '' : 'municipality=knutepunkt-sorlandet,4204,4223&';
    const response = await api.get(`/api/metrics/${metric}?${area}by=month`, analyst);
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as MetricResponse;
    expect(body.metric).toBe(metric);
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.every((row) => /^\d{4}-\d{2}$/.test(row.period))).toBe(true);
    expect(body.rows.some((row) => row.value !== null)).toBe(true);
  });

  it('a viewer sees the same rows, every one protected, none 1–4 where the analyst sees 1–4', async () => {
    const path = '/api/metrics/readmissions?municipality=knutepunkt-sorlandet,4204,4223,4218,4216,4215&by=month';
    const open = (await (await api.get(path, analyst)).json()) as MetricResponse;
    const shown = (await (await api.get(path, viewer)).json()) as MetricResponse;
    expect(shown.rows).toHaveLength(open.rows.length);
    expect(open.rows.some((row) => row.protected)).toBe(false);
    expect(shown.rows.every((row) => row.protected === true)).toBe(true);
    const small = open.rows.filter((row) => row.numerator !== null && row.numerator > 0 && row.numerator < 5);
    expect(small.length).toBeGreaterThan(0);
    // A municipality-month of readmissions (67+) is a sum of four base cells (sex × 67–79, 80+), each 0 or ≥ 5:
    // the viewer's figure for a truly small cell is 0, 5, 10, … never 1–4.
    const key = (row: { municipality?: string; period: string }) => `${row.municipality}|${row.period}`;
    const byKey = new Map(shown.rows.map((row) => [key(row), row]));
    for (const row of small) expect(byKey.get(key(row))?.numerator, key(row)).not.toBeOneOf([1, 2, 3, 4]);
  });

  it('compare: every municipality of a collaboration with funnel limits and variation, also as Arrow', async () => {
    const path = '/api/compare/acute-admissions?municipality=vestre-viken';
    const body = (await (await api.get(path, analyst)).json()) as CompareResponse;
    expect(body.rows.length).toBeGreaterThan(10);
    expect(body.funnel.length).toBeGreaterThan(0);
    expect(body.variation.maxMinRatio).toBeGreaterThan(1);
    const arrow = await api.get(path, analyst, { accept: 'application/vnd.apache.arrow.stream' });
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(table.numRows).toBe(body.rows.length);
    expect(JSON.parse(table.schema.metadata.get('styringsdata')!).funnel).toHaveLength(body.funnel.length);
  });
});

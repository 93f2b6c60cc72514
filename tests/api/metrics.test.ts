// Metric answers over HTTP: suppression per role (including the secondary cell where a collaboration
// total is shown with its parts), the cache and its invalidation, Arrow, the audit trail.
// Data: tests/api/seed.ts (KAD stays 2024: 4204 20, 4223 3, 4218 7; collaboration 30).
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricResponse, MetricRow } from '../../contract/types.ts';
import { apiHarness, type ApiHarness } from './harness.ts';
import { seedSql } from './seed.ts';

let api: ApiHarness;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  api = await apiHarness({ seed: seedSql });
  tokens.analyst = await api.userToken('analyst1', 'analyst');
  tokens.viewer = await api.userToken('viewer1', 'viewer');
  tokens.ownLeader = await api.userToken('leader-krs', 'leader', ['4204', '4223']);
  tokens.otherLeader = await api.userToken('leader-ive', 'leader', ['4218']);
});
afterAll(() => api.close());

const path = '/api/metrics/kad-stays?municipality=4204,4223,4218,knutepunkt-sorlandet&from=2024-01&to=2024-12&by=total';
async function rows(token: string, url = path): Promise<Record<string, MetricRow>> {
  const response = await api.get(url, token);
  expect(response.status).toBe(200);
  const body = (await response.json()) as MetricResponse;
  return Object.fromEntries(body.rows.map((row) => [row.municipality!, row]));
}
const hidden = (row: MetricRow | undefined) =>
  row?.suppressed === true && row.numerator === null && row.value === null && row.ciLow === null && row.ciHigh === null;

describe('suppression by role', () => {
  it('analyst: every count as it is (20, 3, 7; collaboration 30)', async () => {
    const r = await rows(tokens.analyst!);
    expect([r['4204']?.numerator, r['4223']?.numerator, r['4218']?.numerator, r['knutepunkt-sorlandet']?.numerator]).toEqual([20, 3, 7, 30]);
    expect(Object.values(r).every((row) => !row.suppressed)).toBe(true);
  });

  it('viewer: 3 (< 5) is suppressed, and 4218 too, so that 30 − 20 − 7 cannot give it back', async () => {
    // Table: total knutepunkt-sorlandet 30 with parts 4204 20, 4223 3, 4218 7. 4223 is small (0 < 3 < 5)
    // and the only hidden part under a visible total, so the smallest other part the viewer may not see
    // is hidden too: of 4204 (20) and 4218 (7) that is 4218. 4204 and the total stay: 30 − 20 = 10 = 3 + 7,
    // which gives neither back.
    const r = await rows(tokens.viewer!);
    expect(hidden(r['4223'])).toBe(true);
    expect(hidden(r['4218'])).toBe(true);
    expect([r['4204']?.numerator, r['knutepunkt-sorlandet']?.numerator]).toEqual([20, 30]);
    expect(Object.values(r).filter((row) => row.suppressed)).toHaveLength(2);
    // The denominator (population) is not a small number about patients; it stays.
    expect(r['4223']?.denominator).not.toBeNull();
  });

  it('viewer asking for 4223 alone: suppressed, no total to subtract from', async () => {
    const r = await rows(tokens.viewer!, path.replace('4204,4223,4218,knutepunkt-sorlandet', '4223'));
    expect(hidden(r['4223'])).toBe(true);
  });

  it('leader of 4204 and 4223: own municipalities unsuppressed, so nothing is hidden', async () => {
    const r = await rows(tokens.ownLeader!);
    expect(r['4223']?.numerator).toBe(3);
    expect(r['4204']?.numerator).toBe(20);
    expect(Object.values(r).some((row) => row.suppressed)).toBe(false);
  });

  it('leader of 4218: 4223 is someone else’s small number — suppressed with 4204 as its secondary cell', async () => {
    // Same table. The leader may see 4218 (own, 7 shown), so the only other part not theirs is 4204 (20):
    // it is hidden. The total stays: 30 − 7 = 23 = 20 + 3, which gives neither back.
    const r = await rows(tokens.otherLeader!);
    expect(hidden(r['4223'])).toBe(true);
    expect(hidden(r['4204'])).toBe(true);
    expect([r['4218']?.numerator, r['knutepunkt-sorlandet']?.numerator]).toEqual([7, 30]);
    expect(Object.values(r).filter((row) => row.suppressed)).toHaveLength(2);
  });
});

describe('cache', () => {
  it('answers a repeated query from the cache, and drops it when an import commits', async () => {
    const url = '/api/metrics/kad-stays?municipality=4204&from=2024-01&to=2024-12&by=total';
    const first = await api.get(url, tokens.analyst);
    expect(first.headers.get('x-cache')).toBe('miss');
    const second = await api.get(url, tokens.analyst);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(((await second.json()) as MetricResponse).rows[0]?.numerator).toBe(20);

    // One more stay for 4204, committed the way the importer does it: write, then dataChanged().
    await api.warehouse.withConnection((c) =>
      c.run(`INSERT INTO kad_stay SELECT * REPLACE ('extra' AS stay_id) FROM kad_stay WHERE stay_id = '4204-0'`),
    );
    api.warehouse.dataChanged();
    const after = await api.get(url, tokens.analyst);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(((await after.json()) as MetricResponse).rows[0]?.numerator).toBe(21);
  });

  it('knows a collaboration added by a committed import (ids are read once per data version)', async () => {
    const url = '/api/metrics/kad-stays?municipality=indre-agder&from=2024-01&to=2024-12&by=total';
    expect((await api.get(url, tokens.analyst)).status).toBe(400);
    await api.warehouse.withConnection(async (c) => {
      await c.run(`INSERT INTO collaboration VALUES ('indre-agder', 'Indre Agder')`);
      await c.run(`INSERT INTO collaboration_member VALUES ('indre-agder', '4218'), ('indre-agder', '4223')`);
    });
    api.warehouse.dataChanged();
    // 4223 has 3 stays and 4218 has 7 in 2024: 10 for the new collaboration.
    const response = await api.get(url, tokens.analyst);
    expect(response.status).toBe(200);
    expect(((await response.json()) as MetricResponse).rows.map((r) => [r.municipality, r.numerator])).toEqual([['indre-agder', 10]]);
    await api.warehouse.withConnection(async (c) => {
      await c.run(`DELETE FROM collaboration_member WHERE collaboration_id = 'indre-agder'`);
      await c.run(`DELETE FROM collaboration WHERE id = 'indre-agder'`);
    });
    api.warehouse.dataChanged();
    expect((await api.get(url, tokens.analyst)).status).toBe(400);
  });

  it('one cache entry serves every role; suppression is applied per user after it', async () => {
    const url = '/api/metrics/kad-stays?municipality=4223&from=2024-02&to=2024-12&by=total';
    expect((await api.get(url, tokens.analyst)).headers.get('x-cache')).toBe('miss');
    const viewer = await api.get(url, tokens.viewer);
    expect(viewer.headers.get('x-cache')).toBe('engine'); // the analyst's query answer, suppressed for the viewer
    expect(((await viewer.json()) as MetricResponse).rows[0]?.suppressed).toBe(true);
  });
});

describe('formats and audit', () => {
  it('answers Arrow IPC for Accept: application/vnd.apache.arrow.stream, suppressed like JSON', async () => {
    const response = await api.get(path, tokens.viewer, { accept: 'application/vnd.apache.arrow.stream' });
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    const byCode = Object.fromEntries(table.toArray().map((row) => [row.municipality, row.toJSON()]));
    expect(byCode['4223']).toMatchObject({ numerator: null, suppressed: true });
    expect(JSON.parse(table.schema.metadata.get('styringsdata')!)).toMatchObject({ metric: 'kad-stays', by: 'total' });
  });

  it('compare answers rows with funnel and variation, JSON and Arrow', async () => {
    const url = '/api/compare/kad-stays?municipality=4204,4223,4218&from=2024-01&to=2024-12';
    const body = (await (await api.get(url, tokens.analyst)).json()) as Record<string, unknown>;
    expect(body).toHaveProperty('funnel');
    expect(body).toHaveProperty('variation');
    const arrow = await api.get(url, tokens.analyst, { accept: 'application/vnd.apache.arrow.stream' });
    expect(tableFromIPC(new Uint8Array(await arrow.arrayBuffer())).numRows).toBe(3);
  });

  it('writes every data request to the audit log with who, what and the parameters', async () => {
    await api.get('/api/metrics/kad-stays?municipality=4218&from=2024-01&to=2024-06', tokens.otherLeader);
    await api.auditLog.flush();
    const entries = await api.privateStore.withConnection(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT username, action, target, parameters FROM audit_log WHERE username = 'leader-ive' AND action = 'metric' ORDER BY id`,
        )
      ).getRowObjectsJS(),
    );
    const last = entries.at(-1)!;
    expect(last).toMatchObject({ username: 'leader-ive', action: 'metric', target: 'kad-stays' });
    expect(JSON.parse(String(last.parameters))).toMatchObject({ municipalities: ['4218'], from: '2024-01', to: '2024-06' });
  });

  it('lists municipalities with population and collaborations, and collaborations with members', async () => {
    const municipalities = (await (await api.get('/api/municipalities', tokens.viewer)).json()) as { code: string; population: number; collaborations: string[] }[];
    expect(municipalities.find((m) => m.code === '4223')).toMatchObject({ population: 1000, collaborations: ['knutepunkt-sorlandet'] });
    const collaborations = (await (await api.get('/api/collaborations', tokens.viewer)).json()) as { id: string; municipalities: string[] }[];
    expect(collaborations.find((c) => c.id === 'knutepunkt-sorlandet')?.municipalities).toEqual(['4204', '4215', '4216', '4218', '4223']);
  });

  it('GET /api/metrics lists the eight metrics', async () => {
    const catalogue = (await (await api.get('/api/metrics', tokens.viewer)).json()) as { id: string }[];
    expect(catalogue.map((m) => m.id).sort()).toEqual(
      ['acute-admissions', 'discharge-ready-days', 'kad-bed-days', 'kad-length-of-stay', 'kad-occupancy', 'kad-stays', 'kad-transfer-share', 'readmissions'].sort(),
    );
  });
});

// Metric answers over HTTP: protection per role (exact for those entitled, perturbed base cells for
// the rest: docs/disclosure-control.md), the cache and its invalidation, Arrow, the audit trail.
// Data: tests/api/seed.ts (KAD stays 2024: 4204 20, 4223 3, 4218 7; collaboration 30).
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricResponse, MetricRow } from '../../contract/types.ts';
import { apiHarness, type ApiHarness } from './harness.ts';
import { cellKeyUnits } from '../../api/disclosure/cell-key.ts';
import { perturbCount } from '../../api/disclosure/perturbation.ts';
import { recordDomains, recordKeyUnits } from '../../api/disclosure/record-key.ts';
import { cellKeySecret } from '../../api/disclosure/secret.ts';
import { kadStaysByMunicipality, seedSql } from './seed.ts';

let api: ApiHarness;
let secret: Uint8Array;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  api = await apiHarness({ seed: seedSql });
  tokens.analyst = await api.userToken('analyst1', 'analyst');
  tokens.viewer = await api.userToken('viewer1', 'viewer');
  tokens.ownLeader = await api.userToken('leader-krs', 'leader', ['4204', '4223']);
  tokens.otherLeader = await api.userToken('leader-ive', 'leader', ['4218']);
  secret = cellKeySecret(api.warehouse.path);
});
afterAll(() => api.close());

const path = '/api/metrics/kad-stays?municipality=4204,4223,4218,knutepunkt-sorlandet&from=2024-01&to=2024-12&by=total';
async function rows(token: string, url = path): Promise<Record<string, MetricRow>> {
  const response = await api.get(url, token);
  expect(response.status).toBe(200);
  const body = (await response.json()) as MetricResponse;
  return Object.fromEntries(body.rows.map((row) => [row.municipality!, row]));
}

describe('protection by role (docs/disclosure-control.md)', () => {
  // All seeded stays are women aged 80 in March 2024, unit KAD-KRS, stay ids "<code>-<i>": each
  // municipality's figure is one base cell (municipality × 2024-03 × K × 80+), published as
  // perturbCount(true count, cell key = Σ record keys mod 2^52), worked out here from the record ids
  // with the TypeScript core (the server computes the same in SQL).
  const published = (code: string) => {
    const count = kadStaysByMunicipality[code] ?? 0;
    const keys = Array.from({ length: count }, (_, i) => recordKeyUnits(secret, recordDomains.kadStay, ['KAD-KRS', `${code}-${i}`]));
    return perturbCount(count, cellKeyUnits(keys));
  };

  it('analyst: every count as it is (20, 3, 7; collaboration 30), nothing marked protected', async () => {
    const r = await rows(tokens.analyst!);
    expect([r['4204']?.numerator, r['4223']?.numerator, r['4218']?.numerator, r['knutepunkt-sorlandet']?.numerator]).toEqual([20, 3, 7, 30]);
    expect(Object.values(r).some((row) => row.protected)).toBe(false);
  });

  it('viewer: every figure is its base cell perturbed; the 3 becomes 0 or 5, and the total is the sum of what is shown', async () => {
    const r = await rows(tokens.viewer!);
    expect(Object.values(r).every((row) => row.protected === true && !row.suppressed)).toBe(true);
    expect(r['4223']?.numerator).toBe(published('4223'));
    expect([0, 5]).toContain(r['4223']?.numerator);
    expect(r['4204']?.numerator).toBe(published('4204'));
    expect(Math.abs(r['4204']!.numerator! - 20)).toBeLessThanOrEqual(2);
    expect(r['4218']?.numerator).toBe(published('4218'));
    // 30 − 20 − 7 gives back only what 4223 already shows: the total is the members' published sum
    // (4216 and 4215 have no stays: 0).
    expect(r['knutepunkt-sorlandet']?.numerator).toBe(published('4204') + published('4223') + published('4218'));
    // The rate is the published count over exact person-years (population is public): 1000 per member.
    const fraction = (days: number) => days / 366; // 2024 is a leap year; the whole year asked
    expect(r['4223']?.value).toBeCloseTo((published('4223') / (1000 * fraction(366))) * 1000, 9);
  });

  it('the same base cell gives the same figure however it is asked: alone, by month, by quarter', async () => {
    const alone = await rows(tokens.viewer!, path.replace('4204,4223,4218,knutepunkt-sorlandet', '4223'));
    const march = await rows(tokens.viewer!, '/api/metrics/kad-stays?municipality=4223&from=2024-03&to=2024-03&by=month');
    const quarter = await rows(tokens.viewer!, '/api/metrics/kad-stays?municipality=4223&from=2024-01&to=2024-03&by=quarter');
    expect([alone['4223']?.numerator, march['4223']?.numerator, quarter['4223']?.numerator]).toEqual(Array(3).fill(published('4223')));
  });

  it('leader of 4204 and 4223: own municipalities exact; the collaboration (4218 is not theirs) protected', async () => {
    const r = await rows(tokens.ownLeader!);
    expect([r['4223']?.numerator, r['4204']?.numerator]).toEqual([3, 20]);
    expect([r['4223']?.protected, r['4204']?.protected]).toEqual([undefined, undefined]);
    expect(r['4218']).toMatchObject({ protected: true, numerator: published('4218') });
    expect(r['knutepunkt-sorlandet']).toMatchObject({ protected: true, numerator: published('4204') + published('4223') + published('4218') });
  });

  it('leader of 4218: 4218 exact, 4223 someone else’s small number, protected', async () => {
    const r = await rows(tokens.otherLeader!);
    expect(r['4218']?.numerator).toBe(7);
    expect(r['4223']).toMatchObject({ protected: true, numerator: published('4223') });
  });

  it.each([
    ['an age group that cuts a base band', '/api/metrics/kad-stays?municipality=4223&age=70-79', 400, /age: .*all, 0-66, 67\+, 67-79, 80\+ only/],
    ['daily occupancy', '/api/metrics/kad-occupancy?by=day&from=2024-03&to=2024-03', 400, /day/],
  ])('a viewer asking for %s gets a 400 that says what is possible', async (_what, url, status, message) => {
    const response = await api.get(url, tokens.viewer);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    // The same request is answered exactly for an analyst.
    expect((await api.get(url, tokens.analyst)).status).toBe(200);
  });

  it('names the standard of standardised figures: ESP 2013 by 5-year groups exactly, the broad groups for anyone protected', async () => {
    const url = '/api/compare/kad-stays?municipality=4204,4223,4218&from=2024-01&to=2024-12&standardise=age-sex';
    const standardOf = async (token: string) => ((await (await api.get(url, token)).json()) as MetricResponse).standard;
    expect(await standardOf(tokens.analyst!)).toBe('esp2013');
    expect(await standardOf(tokens.viewer!)).toBe('esp2013-broad');
    // A leader's exact rows are standardised like the protected ones beside them.
    expect(await standardOf(tokens.otherLeader!)).toBe('esp2013-broad');
    // Not standardised, no standard named.
    expect(((await (await api.get(url.replace('&standardise=age-sex', ''), tokens.analyst)).json()) as MetricResponse).standard).toBeUndefined();
  });

  it('a leader may cut age anywhere in their own municipality, not in others', async () => {
    expect((await api.get('/api/metrics/kad-stays?municipality=4218&age=70-79', tokens.otherLeader)).status).toBe(200);
    expect((await api.get('/api/metrics/kad-stays?municipality=4223&age=70-79', tokens.otherLeader)).status).toBe(400);
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

  it('one exact and one protected engine answer serve every role; the finished body is per class', async () => {
    const url = '/api/metrics/kad-stays?municipality=4223&from=2024-02&to=2024-12&by=total';
    expect((await api.get(url, tokens.analyst)).headers.get('x-cache')).toBe('miss');
    // The viewer needs the protected answer: computed now, then cached for every protected class.
    const viewer = await api.get(url, tokens.viewer);
    expect(viewer.headers.get('x-cache')).toBe('miss');
    expect(((await viewer.json()) as MetricResponse).rows[0]).toMatchObject({ protected: true, numerator: expect.any(Number) });
    // A leader of 4218 asking for 4223 gets both engine answers from the cache, merged for them.
    const leader = await api.get(url, tokens.otherLeader);
    expect(leader.headers.get('x-cache')).toBe('engine');
    // The analyst's own body is still the exact one: one class's answer never reaches another.
    const analyst = await api.get(url, tokens.analyst);
    expect(analyst.headers.get('x-cache')).toBe('hit');
    expect(((await analyst.json()) as MetricResponse).rows[0]).toMatchObject({ numerator: 3 });
  });
});

describe('formats and audit', () => {
  it('answers Arrow IPC for Accept: application/vnd.apache.arrow.stream with exactly the JSON\'s protected figures', async () => {
    const response = await api.get(path, tokens.viewer, { accept: 'application/vnd.apache.arrow.stream' });
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    const byCode = Object.fromEntries(table.toArray().map((row) => [row.municipality, row.toJSON()]));
    const json = await rows(tokens.viewer!);
    for (const code of ['4204', '4223', '4218', 'knutepunkt-sorlandet'])
      expect(byCode[code], code).toMatchObject({ numerator: json[code]!.numerator, value: json[code]!.value, protected: true });
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

  it('GET /api/metrics lists the nine metrics', async () => {
    const catalogue = (await (await api.get('/api/metrics', tokens.viewer)).json()) as { id: string }[];
    expect(catalogue.map((m) => m.id).sort()).toEqual(
      ['acute-admissions', 'discharge-ready-days', 'kad-bed-days', 'kad-length-of-stay', 'kad-occupancy', 'kad-stays', 'kad-transfer-share', 'readmissions', 'readmissions-national'].sort(),
    );
  });
});

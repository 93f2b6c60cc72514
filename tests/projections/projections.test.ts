// GET /api/projections/:metric on the real app and a real DuckDB file (data: ./seed.ts, numbers there).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectionResponse, ProjectionRow } from '../../contract/projections.ts';
import type { MetricResponse } from '../../contract/types.ts';
import { apiHarness, errorOf, type ApiHarness } from '../api/harness.ts';
import { projectionSeedSql } from './seed.ts';

let api: ApiHarness;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  api = await apiHarness({ seed: projectionSeedSql });
  tokens.analyst = await api.userToken('analyst1', 'analyst');
  tokens.viewer = await api.userToken('viewer1', 'viewer');
  tokens.leaderKrs = await api.userToken('leader-krs', 'leader', ['4204']);
  tokens.leaderVennesla = await api.userToken('leader-vennesla', 'leader', ['4223']);
});
afterAll(() => api?.close());

const projection = (token: string, query: string) => api.json<ProjectionResponse>(`/api/projections/${query}`, token);
const find = (body: ProjectionResponse, municipality: string, year: number, alternative = 'MMMM'): ProjectionRow => {
  const row = body.rows.find((r) => r.municipality === municipality && r.year === year && r.alternative === alternative);
  if (!row) throw new Error(`no row ${municipality} ${alternative} ${year}`);
  return row;
};

describe('a hand-worked projection (kad-stays, base 2022–2024, two strata, two projection years)', () => {
  // 4204's own rates (90 stays ≥ 20): women 80+ 60 stays / 3000 person-years = 0.02; men 0–66
  // 30 / 12 000 = 0.0025.
  //   2024 (base row, registered 1000 women + 4000 men): 1000 × 0.02 + 4000 × 0.0025 = 20 + 10 = 30
  //   2029 MMMM (1500 women 85, 4000 men):              1500 × 0.02 + 4000 × 0.0025 = 30 + 10 = 40
  //   2040 MMMM (1200 aged 80 + 800 aged 105+, 3600 men): 2000 × 0.02 + 3600 × 0.0025 = 40 + 9 = 49
  //   LLML 2029: 1200 × 0.02 + 10 = 34; 2040: 1500 × 0.02 + 10 = 40
  it('gives rates × projected population per year and alternative, from the newest vintage', async () => {
    const body = await projection(tokens.analyst!, 'kad-stays?municipality=4204&alternative=MMMM,LLML');
    expect(body).toMatchObject({ metric: 'kad-stays', measure: 'events', base: { from: 2022, to: 2024 }, vintage: '2024', alternatives: ['MMMM', 'LLML'] });
    const figures = (alternative: string) =>
      body.rows.filter((r) => r.alternative === alternative).map((r) => [r.year, r.population, Number(r.demography.toFixed(9)), r.rateSource]);
    expect(figures('MMMM')).toEqual([[2024, 5000, 30, 'own'], [2029, 5500, 40, 'own'], [2040, 5600, 49, 'own']]);
    expect(figures('LLML')).toEqual([[2024, 5000, 30, 'own'], [2029, 5200, 34, 'own'], [2040, 5500, 40, 'own']]);
    // No change asked for: withChange is demography.
    expect(body.rows.every((r) => r.withChange === r.demography && r.protected === undefined)).toBe(true);
  });

  it('falls back to the collaboration\'s pooled rates, then to every municipality\'s, and says so per row', async () => {
    // 4223 has 5 stays (< 20): Knutepunkt Sørlandet pooled (95 stays): women 80+ (60 + 5) / (3000 + 1500)
    //   = 65/4500; 2029: 600 × 65/4500 = 8.6667.
    // 0301 Oslo has 2 (< 20) and no collaboration: every municipality pooled, women 80+ 67 / 4800;
    //   2029: 200 × 67/4800 = 2.7917.
    // The collaboration's row is its members' sum: 40 + 8.6667 = 48.6667, rate source the widest of them.
    const body = await projection(tokens.analyst!, 'kad-stays?municipality=4223,0301,knutepunkt-sorlandet');
    expect(find(body, '4223', 2029)).toMatchObject({ rateSource: 'collaboration', population: 600 });
    expect(find(body, '4223', 2029).demography).toBeCloseTo((600 * 65) / 4500, 9);
    expect(find(body, '0301', 2029)).toMatchObject({ rateSource: 'all', population: 200 });
    expect(find(body, '0301', 2029).demography).toBeCloseTo((200 * 67) / 4800, 9);
    expect(find(body, 'knutepunkt-sorlandet', 2029)).toMatchObject({ rateSource: 'collaboration', population: 6100 });
    expect(find(body, 'knutepunkt-sorlandet', 2029).demography).toBeCloseTo(40 + (600 * 65) / 4500, 9);
  });

  it('applies an annual change on top of demography: −1 %/year over 2024 → 2029 is × 0.99^5 = 0.95099…', async () => {
    const body = await projection(tokens.analyst!, 'kad-stays?municipality=4204&change=-1');
    expect(body.changePercentPerYear).toBe(-1);
    expect(find(body, '4204', 2024).withChange).toBeCloseTo(30, 9);
    expect(find(body, '4204', 2029).withChange).toBeCloseTo(40 * 0.9509900499, 9);
    expect(find(body, '4204', 2040).withChange).toBeCloseTo(49 * 0.99 ** 16, 9);
  });

  it('turns nights into beds at the target occupancy (kad-bed-days, 85 % by default)', async () => {
    // 4204's nights (180 ≥ 100, own): women 120 / 3000 = 0.04, men 60 / 12 000 = 0.005 per person-year;
    // 2029: 1500 × 0.04 + 4000 × 0.005 = 80 nights → 80 ÷ 365 ÷ 0.85 = 0.25786 beds; at 50 %: 0.43836.
    const body = await projection(tokens.analyst!, 'kad-bed-days?municipality=4204');
    expect(body).toMatchObject({ measure: 'nights', occupancyPercent: 85 });
    expect(find(body, '4204', 2029).demography).toBeCloseTo(80, 9);
    expect(find(body, '4204', 2029).bedsDemography).toBeCloseTo(80 / 365 / 0.85, 9);
    const half = await projection(tokens.analyst!, 'kad-bed-days?municipality=4204&occupancy=50&change=-1');
    expect(find(half, '4204', 2029).bedsDemography).toBeCloseTo(80 / 365 / 0.5, 9);
    expect(find(half, '4204', 2029).bedsWithChange).toBeCloseTo((80 * 0.99 ** 5) / 365 / 0.5, 9);
  });
});

describe('the hospital metrics', () => {
  // The seed's one hospital stay is planned and has no discharge-ready days: every figure is 0. Data
  // through 2024-12-31: readmissions need 30 days' follow-up, so their last complete year is 2023
  // (base 2021–2023, base row 2023); discharge-ready days' is 2024.
  it('readmissions (also per diagnosis group) project readmissions and index episodes', async () => {
    const body = await projection(tokens.viewer!, 'readmissions?municipality=4204&group=kols&alternative=MMMM');
    expect(body).toMatchObject({ metric: 'readmissions', group: 'kols', base: { from: 2021, to: 2023 } });
    expect(body.rows.map((r) => [r.year, r.demography, r.indexEpisodes, r.protected])).toEqual([[2023, 0, 0, true], [2029, 0, 0, true], [2040, 0, 0, true]]);
  });

  it('discharge-ready days are costed at the latest known daily rate', async () => {
    const body = await projection(tokens.analyst!, 'discharge-ready-days?municipality=4204');
    expect(body.dailyRate?.year).toBeGreaterThanOrEqual(2024);
    expect(find(body, '4204', 2029)).toMatchObject({ demography: 0, costNok: 0, costWithChangeNok: 0, bedsDemography: 0 });
  });
});

describe('protection (docs/disclosure-control.md)', () => {
  const viewerCount = async (age: string, sex: string) => {
    const response = await api.get(`/api/metrics/kad-stays?municipality=4204&from=2022-01&to=2024-12&by=total&age=${encodeURIComponent(age)}&sex=${sex}`, tokens.viewer!);
    expect(response.status).toBe(200);
    return ((await response.json()) as MetricResponse).rows[0]!.numerator!;
  };

  it('a viewer\'s projection is computed from the protected counts the viewer\'s metric answers show', async () => {
    const body = await projection(tokens.viewer!, 'kad-stays?municipality=4204');
    const [women, men] = [await viewerCount('80+', 'K'), await viewerCount('0-66', 'M')];
    expect(body.rows.every((r) => r.protected === true)).toBe(true);
    // By hand from the viewer's own figures: 1500 × women/3000 + 4000 × men/12 000.
    expect(find(body, '4204', 2029).demography).toBeCloseTo((1500 * women) / 3000 + (4000 * men) / 12000, 9);
    // The analyst's is the exact 40.
    expect(find(await projection(tokens.analyst!, 'kad-stays?municipality=4204'), '4204', 2029).demography).toBeCloseTo(40, 9);
  });

  it('a leader gets exact rows for an own municipality with own rates, protected rows elsewhere and for fallbacks', async () => {
    const krs = await projection(tokens.leaderKrs!, 'kad-stays?municipality=4204,4223,knutepunkt-sorlandet');
    expect(find(krs, '4204', 2029)).toMatchObject({ demography: 40 });
    expect(find(krs, '4204', 2029).protected).toBeUndefined();
    expect(find(krs, '4223', 2029).protected).toBe(true);
    expect(find(krs, 'knutepunkt-sorlandet', 2029).protected).toBe(true);
    // Vennesla's own rates are too sparse (5 stays, exact answer: collaboration's rates): its row rests on
    // other municipalities' counts, so even its own leader gets the protected row, the viewer's. (Which
    // rates the protected row uses is decided on protected counts, so it depends on the cell-key secret.)
    expect(find(await projection(tokens.analyst!, 'kad-stays?municipality=4223'), '4223', 2029).rateSource).toBe('collaboration');
    const vennesla = await projection(tokens.leaderVennesla!, 'kad-stays?municipality=4223');
    const viewers = await projection(tokens.viewer!, 'kad-stays?municipality=4223');
    expect(find(vennesla, '4223', 2029).protected).toBe(true);
    expect(vennesla.rows).toEqual(viewers.rows);
  });
});

describe('parameters are checked at the edge: 400 naming the parameter', () => {
  const cases: [string, RegExp][] = [
    ['kad-stays?base=2024-2022', /^base: the first year must not be after the last/],
    ['kad-stays?base=22-24', /^base: must be whole years/],
    ['kad-stays?base=2019-2021', /^base: 2019–2021 is outside the complete years of data for kad-stays, 2022–2024/],
    ['kad-stays?change=25', /^change: must be between -20 and 20/],
    ['kad-stays?change=abc', /^change: must be a number/],
    ['kad-bed-days?occupancy=0', /^occupancy: must be between 1 and 100/],
    ['kad-stays?alternative=HHMH', /^alternative: "HHMH" is not in SSB's projection 2024; use LLML, MMMM/],
    ['kad-stays?municipality=9999', /^municipality: unknown municipality code/],
    ['kad-stays?group=kols', /^group: applies only to readmissions/],
    ['kad-stays?from=2024-01', /unknown parameter\(s\) from/],
    ['kad-occupancy', /^metric: kad-occupancy is not projected: .*project kad-bed-days/],
    ['no-such-metric', /^metric: unknown metric "no-such-metric"/],
  ];
  it.each(cases)('%s', async (query, message) => {
    const error = await errorOf(await api.get(`/api/projections/${query}`, tokens.analyst!));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('is audited like a metric request, with the completed parameters', async () => {
    await api.get('/api/projections/kad-stays?municipality=4223&change=-2', tokens.leaderVennesla!);
    await api.auditLog.flush();
    const entries = await api.privateStore.withConnection(async (c) =>
      (await c.runAndReadAll(`SELECT action, target, parameters, outcome FROM audit_log WHERE username = 'leader-vennesla' AND action = 'projection' ORDER BY id`)).getRowObjectsJS(),
    );
    const last = entries.at(-1)!;
    expect(last).toMatchObject({ action: 'projection', target: 'kad-stays', outcome: '3 rows; leader:4223' });
    expect(JSON.parse(String(last.parameters))).toMatchObject({ municipalities: ['4223'], base: { from: 2022, to: 2024 }, alternatives: ['MMMM'], changePercentPerYear: -2 });
  });

  it('needs a login like every metric', async () => {
    expect((await api.get('/api/projections/kad-stays', null)).status).toBe(401);
  });
});

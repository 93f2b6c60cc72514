// Bounded work for every metric and compare request (issue 9, item 3): periods outside the data's
// years and answers above the cell cap are refused before any query runs; a query still running at
// the time limit is interrupted inside DuckDB; uncached queries queue behind a concurrency cap while
// /api/health and cached answers keep answering; the answer cache is bounded in bytes.
//
// Data: tests/api/seed.ts (stays in 2024, data through 2024-12-31) plus one hospital stay admitted
// 2015-01-10, so the years with data are 2015–2024 and the allowed window is 2012-01 … 2025-12
// (three years before the first data, one after the last).
// Population: besides the seed's five rows, one row per current municipality (357), year 2021–2023,
// sex and single age 0–120: 357 × 3 × 2 × 121 = 259 182 rows, a national-sized population. A rate
// for every municipality by quarter over the whole window then takes about half a second here: the
// legitimately slow query of the time-limit and queue tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateBytes, QueryCache } from '../../api/cache.ts';
import { MetricGate, metricLimitsFromEnv, type MetricLimits } from '../../api/metrics/bounds.ts';
import { queryMetric } from '../../api/metrics/engine.ts';
import type { MetricResponse } from '../../contract/types.ts';
import { apiHarness, errorOf, type ApiHarness } from './harness.ts';
import { seedSql } from './seed.ts';

const heavierSeed = `${seedSql}
INSERT INTO hospital_stay SELECT * REPLACE ('h-2015' AS stay_id, TIMESTAMP '2015-01-10 10:00' AS admitted,
  TIMESTAMP '2015-01-12 10:00' AS discharged) FROM hospital_stay WHERE stay_id = 'h1';
INSERT INTO population (municipality_code, municipality_code_raw, year, sex, sex_raw, age_from, age_to, age_raw, count, import_id, source_line) SELECT code, code, year, sex, sex, age, age, age::VARCHAR, 100, 1, 1
FROM municipality, range(2021, 2024) y(year), range(0, 121) a(age), (VALUES ('M'), ('K')) s(sex);
`;

let api: ApiHarness;
let token: string;
const defaults: MetricLimits = metricLimitsFromEnv({});
beforeAll(async () => {
  api = await apiHarness({ seed: heavierSeed });
  // An analyst: the bounds hold for every role, and the slow queries below cut age bands anywhere
  // (protected figures exist only for the broad bands, api/disclosure/protection.ts).
  token = await api.userToken('analyst1', 'analyst');
});
afterAll(() => api.close());

async function timed(path: string): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await api.get(path, token);
  await response.clone().arrayBuffer();
  return { response, ms: performance.now() - started };
}

function useGate(limits: Partial<MetricLimits>): MetricGate {
  const gate = new MetricGate({ ...defaults, ...limits });
  api.runtime.metricGate = gate;
  return gate;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

// Every current municipality, rates by quarter over the whole window with standardisation: ~0.5 s.
const slow = '/api/metrics/acute-admissions?from=2013-01&to=2025-12&by=quarter&standardise=age-sex';

describe('periods outside the data years are refused fast, with the limit in the message', () => {
  const tooEarly = 'from must be 2012-01 or later: the data starts in 2015 (got 0001-01)';
  it.each([
    ['/api/metrics/acute-admissions?from=0001-01&to=9999-12&by=month', tooEarly],
    ['/api/metrics/kad-occupancy?from=0001-01&to=9999-12&by=day', tooEarly],
    ['/api/compare/acute-admissions?from=0001-01&to=9999-12', tooEarly],
    ['/api/metrics/kad-stays?from=2011-12&to=2024-12', 'from must be 2012-01 or later: the data starts in 2015 (got 2011-12)'],
    ['/api/metrics/acute-admissions?from=2024-01&to=9999-12', 'to must be 2025-12 or earlier: the data ends in 2024 (got 9999-12)'],
    ['/api/compare/kad-stays?from=2024-01&to=2026-01', 'to must be 2025-12 or earlier: the data ends in 2024 (got 2026-01)'],
  ])('%s → 400', async (path, message) => {
    const { response, ms } = await timed(path);
    const error = await errorOf(response);
    expect(error).toEqual({ status: 400, code: 'period_out_of_range', message });
    expect(ms).toBeLessThan(1_000);
  });

  it('the first and last month of the window are answered', async () => {
    const { response } = await timed('/api/metrics/kad-stays?municipality=4204&from=2012-01&to=2025-12&by=year');
    expect(response.status).toBe(200);
    expect(((await response.json()) as MetricResponse).rows.map((row) => row.period)).toEqual(
      Array.from({ length: 14 }, (_, i) => String(2012 + i)),
    );
  });

  it('three abusive requests at once are refused while /api/health answers', async () => {
    const abusive = [
      '/api/metrics/acute-admissions?from=0001-01&to=9999-12&by=month',
      '/api/metrics/kad-occupancy?from=0001-01&to=9999-12&by=day',
      '/api/compare/acute-admissions?from=0001-01&to=9999-12',
    ].map((path) => timed(path));
    const started = performance.now();
    const health = await api.get('/api/health');
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1_000);
    for (const { response, ms } of await Promise.all(abusive)) {
      expect(response.status).toBe(400);
      expect(ms).toBeLessThan(1_000);
    }
  });
});

describe('targets × periods is capped', () => {
  it('every municipality by month over the window is above the cap: 400 with the count, the limit and how to narrow it', async () => {
    // 357 current municipalities × 168 months (2012-01 … 2025-12) = 59 976 cells > 50 000.
    const { response, ms } = await timed('/api/metrics/acute-admissions?from=2012-01&to=2025-12&by=month');
    expect(await errorOf(response)).toEqual({
      status: 400,
      code: 'too_many_cells',
      message:
        'The request asks for 357 municipalities × 168 months = 59 976 cells; at most 50 000 are answered at once. ' +
        'Narrow it: fewer municipalities, a shorter period (from/to) or by=quarter or by=year.',
    });
    expect(ms).toBeLessThan(1_000);
  });

  it('the same by quarter is under it: 357 × 56 quarters = 19 992 rows', async () => {
    const { response } = await timed('/api/metrics/kad-length-of-stay?from=2012-01&to=2025-12&by=quarter');
    expect(response.status).toBe(200);
    expect(((await response.json()) as MetricResponse).rows).toHaveLength(19_992);
  });

  it('by=day counts days: the one unit over the whole window is 14 × 365 + 4 leap days = 5 114 cells, answered', async () => {
    const { response } = await timed('/api/metrics/kad-occupancy?from=2012-01&to=2025-12&by=day');
    expect(response.status).toBe(200);
    const rows = ((await response.json()) as MetricResponse).rows;
    expect(rows).toHaveLength(5_114);
    expect([rows[0]?.period, rows.at(-1)?.period]).toEqual(['2012-01-01', '2025-12-31']);
  });
});

describe('time limit and concurrency of uncached queries', () => {
  it('a query still running at the time limit is interrupted inside DuckDB: 504 that says so, well before it would finish', async () => {
    useGate({});
    const full = await timed(`${slow}&age=0-120`);
    expect(full.response.status).toBe(200);
    expect(full.ms).toBeGreaterThan(150);

    useGate({ timeoutMs: 20 });
    const stopped = await timed(`${slow}&age=1-120`);
    expect(await errorOf(stopped.response)).toEqual({
      status: 504,
      code: 'timeout',
      message:
        "The query was stopped after 0.02 s, the server's time limit for one metric answer. " +
        'Narrow it: fewer municipalities or units, a shorter period (from/to) or a coarser by.',
    });
    // The engine awaits the query itself (no race): an early answer means DuckDB stopped working.
    expect(stopped.ms).toBeLessThan(full.ms / 2);

    useGate({});
    expect((await timed(`${slow}&age=1-120`)).response.status).toBe(200); // nothing cached, nothing broken
  });

  it('misses beyond the cap queue; /api/health and cached answers keep answering meanwhile', async () => {
    const gate = useGate({ maxConcurrent: 1, queueWaitMs: 30_000 });
    const cachedUrl = '/api/metrics/kad-stays?municipality=4204&from=2024-01&to=2024-12&by=total';
    expect((await timed(cachedUrl)).response.status).toBe(200);

    const misses = ['0-66', '67-79', '80-120'].map((age) => timed(`${slow}&age=${age}`));
    await until(() => gate.stats().waiting >= 1);
    const health = await timed('/api/health');
    const cached = await timed(cachedUrl);
    expect(gate.stats()).toMatchObject({ running: 1 });
    expect(gate.stats().waiting).toBeGreaterThanOrEqual(1);
    expect(health.response.status).toBe(200);
    expect(health.ms).toBeLessThan(250); // the queued misses take ~0.5 s each
    expect(cached.response.headers.get('x-cache')).toBe('hit');
    expect(cached.ms).toBeLessThan(250);

    const answers = await Promise.all(misses);
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 200]);
    expect(gate.stats().peakRunning).toBe(1);
  });

  it('a miss that waits longer than the queue limit gets 503 with Retry-After', async () => {
    const gate = useGate({ maxConcurrent: 1, queueWaitMs: 50 });
    const first = timed(`${slow}&age=0-9`);
    await until(() => gate.stats().running === 1);
    const refused = await timed(`${slow}&age=10-19`);
    expect(refused.response.headers.get('retry-after')).toBe('5');
    expect(await errorOf(refused.response)).toEqual({
      status: 503,
      code: 'busy',
      message: 'The server is busy with other metric queries (1 at a time) and this one waited 0.05 s for a turn. Try again in 5 s.',
    });
    expect(refused.ms).toBeLessThan(1_000);
    expect((await first).response.status).toBe(200);
    useGate({});
  });
});

describe('the answer cache is bounded in bytes', () => {
  const bytes = (n: number) => async () => new Uint8Array(n);

  it('drops the least recently used entries above the budget, and its total never exceeds it', async () => {
    // Each entry is 1 000 bytes + its key (~16): nine fit in 10 000 bytes, a tenth does not.
    const cache = new QueryCache(api.warehouse, { maxBytes: 10_000 });
    for (let i = 0; i < 20; i++) {
      await cache.get('body', { i }, bytes(1_000));
      expect((await cache.get('body', { i: 0 }, bytes(1_000))).cached).toBe(true); // 0 stays recently used
      expect(cache.stats().bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.stats()).toMatchObject({ entries: 9, evictions: 11 });
    expect((await cache.get('body', { i: 19 }, bytes(1_000))).cached).toBe(true);
    expect((await cache.get('body', { i: 1 }, bytes(1_000))).cached).toBe(false); // evicted long ago
    cache.dispose();
  });

  it('an answer bigger than an eighth of the budget is served but never kept', async () => {
    const cache = new QueryCache(api.warehouse, { maxBytes: 10_000 });
    let computed = 0;
    const big = async () => {
      computed += 1;
      return new Uint8Array(2_000);
    };
    expect((await cache.get('body', { big: true }, big)).value.byteLength).toBe(2_000);
    expect((await cache.get('body', { big: true }, big)).cached).toBe(false);
    expect(computed).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, tooBig: 2 });
    cache.dispose();
  });

  it("an engine answer's estimated size is within 20 % of its JSON length (rows are sampled, not serialised)", async () => {
    const answer = await queryMetric(api.warehouse, {
      metric: 'kad-length-of-stay', municipalities: [], from: '2013-01', to: '2025-12', by: 'quarter', sex: 'all', standardise: 'none',
    });
    expect(answer.rows).toHaveLength(18_564);
    const ratio = estimateBytes(answer) / JSON.stringify(answer).length;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.2);
  });

  it('the app builds its cache with the default budget of 256 MB', () => {
    expect(api.runtime.cache.stats().maxBytes).toBe(256 * 1024 * 1024);
    expect(api.runtime.cache.stats().bytes).toBeLessThanOrEqual(256 * 1024 * 1024);
  });
});

// Specification: the byte budget of analyst answers (api/sql/budget.ts). A row above the row cap, or
// a chunk that would take the answer past the budget, is refused with a 400 that says the limit
// before any of it becomes a JS string; past the first chunk the answer breaks off (JSON closes with
// "error"); the bytes actually written count too; and the server's memory stays bounded meanwhile.
// The statements are sized so DuckDB's own side stays small: a streamed result computes ahead until
// its buffer (streaming_buffer_size, 976 KiB) is full, and DuckDB counts only the 16-byte string
// headers there, not the strings, which also live outside memory_limit — about 30 chunks (61 000
// rows) of any width are built before the first chunk reaches us. Analyst SQL cannot make such values
// from nothing any more (size-arguments.ts, engine-memory.test.ts), so the large values here come
// from seeded tables, as an analyst's would come from the data.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { byteLimits } from '../../api/sql/budget.ts';
import { sqlHarness, type SqlHarness } from './harness.ts';

let h: SqlHarness;
beforeAll(async () => {
  // huge: 3 rows of 20 000 000 characters; kilo: 1000 rows of 1000; twenty: 1 row of 20 000.
  h = await sqlHarness({
    seed: `CREATE TABLE huge AS SELECT lpad('', 20000000, 'x') AS v FROM range(3);
      CREATE TABLE kilo AS SELECT lpad('', 1000, 'x') AS v FROM range(1000);
      CREATE TABLE twenty AS SELECT lpad('', 20000, 'x') AS v;`,
  });
});
afterAll(async () => h?.close());
afterEach(() => {
  delete process.env.STYRINGSDATA_SQL_MAX_BYTES;
});

type Problem = { error: { code: string; message: string } };
const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Runs `work` and reports the largest growth of resident memory seen meanwhile (sampled every 5 ms). */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; rssGrowthMb: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, rssGrowthMb: megabytes(peak - base) };
  } finally {
    clearInterval(timer);
  }
}

describe('defaults', () => {
  it('allows 1 GB per answer and 16 MB per row unless configured', () => {
    expect(byteLimits()).toMatchObject({ maxBytes: 1024 ** 3, maxRowBytes: 16 * 1024 ** 2 });
    process.env.STYRINGSDATA_SQL_MAX_BYTES = '5000000';
    expect(byteLimits().maxBytes).toBe(5_000_000);
  });
});

describe('a row above the row cap', () => {
  it.each(['json', 'csv', 'arrow'] as const)('is refused in %s with a 400 naming the cap, memory bounded', async (format) => {
    // Three rows of 20 000 000 characters: each above the 16 MB row cap.
    const { result: response, rssGrowthMb } = await peakGrowth(() => h.post({ sql: `SELECT v FROM huge`, format }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as Problem;
    expect(body.error.code).toBe('too_large');
    expect(body.error.message).toMatch(/One row of the answer holds 19\.1 MB; the workbench sends rows of at most 16 MB/);
    expect(rssGrowthMb).toBeLessThan(300);
  });

  it.each([
    // 20 000 strings of 1 000 characters in one list: 20 000 000 bytes = 19.1 MB.
    ['a list', `SELECT list(v) AS v FROM kilo, range(20)`],
    ['a struct', `SELECT {'id': 1, 'text': v} AS v FROM huge LIMIT 1`],
    ['a map', `SELECT MAP {'text': v} AS v FROM huge LIMIT 1`],
    ['a fixed-size array', `SELECT [substr(v, 1, 10000000), substr(v, 1, 10000000)]::VARCHAR[2] AS v FROM huge LIMIT 1`],
  ])('is measured inside %s', async (_name, sql) => {
    const response = await h.post({ sql });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).error.message).toMatch(/^One row of the answer holds 19\.1 MB/);
  });
});

describe('an answer past the budget', () => {
  it.each(['json', 'csv', 'arrow'] as const)('is a 400 in %s when the first chunk alone passes it', async (format) => {
    process.env.STYRINGSDATA_SQL_MAX_BYTES = String(32 * 1024 * 1024);
    // The first (and only) chunk: 2048 rows × 20 000 characters = 41 MB > 32 MB.
    const { result: response, rssGrowthMb } = await peakGrowth(() => h.post({ sql: `SELECT v FROM twenty, range(2048)`, format }));
    expect(response.status).toBe(400);
    expect((await response.json()) as Problem).toEqual({
      error: { code: 'too_large', message: expect.stringMatching(/^The answer passed 32 MB, the workbench's limit; add a LIMIT/) },
    });
    expect(rssGrowthMb).toBeLessThan(300);
  });

  it('breaks a JSON answer off at the chunk that would pass it, and closes the document with the error', async () => {
    process.env.STYRINGSDATA_SQL_MAX_BYTES = String(32 * 1024 * 1024);
    // 1 000 000 rows of 1 000 characters (1 GB) asked for; the cross join kilo × range(1000) streams
    // chunks of 1000 rows = 1 000 000 bytes of data. After 33 chunks 33 000 000 bytes ≤ 32 MiB
    // (33 554 432); the 34th would make 34 000 000. (Written: 33 000 × 1005 bytes of ["x…"],
    // = 33 165 000, also within the budget.)
    const { result: body, rssGrowthMb } = await peakGrowth(async () => {
      const response = await h.post({ sql: `SELECT v FROM kilo, range(1000)`, limit: 1_000_000 });
      expect(response.status).toBe(200);
      return (await response.json()) as { rows: string[][]; truncated: boolean; error?: { code: string; message: string } };
    });
    expect(body.rows).toHaveLength(33 * 1000);
    expect(body.truncated).toBe(true);
    expect(body.error).toMatchObject({ code: 'too_large', message: expect.stringMatching(/passed 32 MB/) });
    expect(rssGrowthMb).toBeLessThan(300);
  });

  it('breaks a CSV download off (its status was sent with the first bytes) and audits why', async () => {
    process.env.STYRINGSDATA_SQL_MAX_BYTES = String(32 * 1024 * 1024);
    const sql = `SELECT replace(v, 'x', 'y') AS v FROM kilo, range(1000)`;
    const { result: outcome, rssGrowthMb } = await peakGrowth(async () => {
      const response = await h.post({ sql, format: 'csv', limit: 1_000_000 });
      expect(response.status).toBe(200);
      return response.text().then(
        () => 'complete',
        (error: Error) => `broken: ${error.message}`,
      );
    });
    expect(outcome).toMatch(/^broken: The answer passed 32 MB/);
    expect(rssGrowthMb).toBeLessThan(300);
    const audited = (await h.audits()).filter((a) => a.parameters?.sql === sql).map((a) => a.outcome);
    expect(audited).toEqual(['started', expect.stringMatching(/^too_large: The answer passed 32 MB/)]);
  });

  it('counts the bytes written, not only the data read', async () => {
    // 100 000 integers are at least 100 000 bytes of data (one per value, under the 100 000-byte
    // budget), but as JSON each row is "[12345]," — about 8 bytes: the budget runs out after
    // roughly 12 000 rows, within the first few chunks.
    process.env.STYRINGSDATA_SQL_MAX_BYTES = '100000';
    const response = await h.post({ sql: 'SELECT i FROM range(100000) r(i)', limit: 100_000 });
    const body = (await response.json()) as { rows: number[][]; error?: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'too_large', message: expect.stringMatching(/passed 98 kB/) });
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.length).toBeLessThan(100_000 / 5);
  });
});

// Specification: no analyst statement makes DuckDB itself allocate gigabytes inside the server process.
// The Node side is bounded by the byte budget (budget.test.ts); DuckDB computes a streamed result a
// chunk ahead and does not count strings against memory_limit, so functions whose output size is set
// by an argument take that argument as a number written in the query, within a cap
// (api/sql/size-arguments.ts); a recursive query that doubles a string is stopped by memory_limit.
// Resident memory is the process's: DuckDB runs inside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlHarness, type SqlHarness } from './harness.ts';

let h: SqlHarness;
beforeAll(async () => {
  h = await sqlHarness({ memoryLimit: '512MB' });
});
afterAll(async () => {
  await h?.close();
});

/** Runs `work` while sampling resident memory every 20 ms; returns its result and the growth in MB. */
async function growthWhile<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMb: (peak - before) / 1e6 };
  } finally {
    clearInterval(sampler);
  }
}

async function refusal(sql: string, format = 'json'): Promise<{ status: number; code: string; message: string }> {
  const response = await h.post({ sql, format });
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

describe('functions whose output size is an argument', () => {
  it.each([
    // The issue's own attack: 3 MB a row × 4096 rows, ~12 GB inside DuckDB before the first chunk.
    ["repeat('x', 3000000) over 4096 rows", "SELECT repeat('x', 3000000) AS s FROM range(4096)", /count of repeat\(\) must be a number written in the query, at most 10,000/],
    ['repeat of a computed text', "SELECT repeat(repeat('x', 10000), 10000)", /repeat\(\) repeats a text written in the query of at most 100 characters/],
    ['repeat with a computed count', "SELECT repeat('x', n::INTEGER * 1000000) FROM range(10) t(n)", /count of repeat\(\) must be a number written in the query/],
    ['lpad to 2 000 000 000', "SELECT lpad('x', 2000000000, 'y')", /length of lpad\(\) must be a number written in the query, at most 10,000/],
    ['rpad to a computed length', "SELECT rpad('x', n::INTEGER, 'y') FROM range(3) t(n)", /length of rpad\(\)/],
    ['printf with a huge width', "SELECT printf('%2000000000d', 1)", /format of printf\(\) must be a string written in the query, with widths of at most 10,000/],
    ['format with a huge width', "SELECT format('{:>2000000000}', 1)", /format of format\(\)/],
    ['range(0, 1e9) as a list value', 'SELECT range(0, 1000000000)', /range\(\) as a value may make at most 100,000 elements \(this one 1,000,000,000\)/],
    ['generate_series with step 0', 'SELECT generate_series(1, 10, 0)', /this one endless/],
    ['list_resize to a billion', 'SELECT list_resize([1], 1000000000)', /size of list_resize\(\) must be a number written in the query, at most 100,000/],
  ])('refuses %s with a 400 that names the limit, in every format, memory flat', async (_name, sql, message) => {
    const { result, growthMb } = await growthWhile(async () => [await refusal(sql), await refusal(sql, 'csv'), await refusal(sql, 'arrow')]);
    for (const answer of result) {
      expect(answer).toMatchObject({ status: 400, code: 'sql_refused' });
      expect(answer.message).toMatch(message);
    }
    expect(growthMb).toBeLessThan(200);
  });

  it('still answers the ordinary uses exactly', async () => {
    const response = await h.post({
      sql: "SELECT repeat('█', 3) AS bar, lpad('7', 3, '0') AS padded, rpad('a', 3, '.') AS dotted, format('{:>4}', 1) AS aligned, printf('%05.1f', 2.25) AS fixed, range(3) AS list, list_resize([1], 3, 0) AS resized, generate_series(2, 6, 2) AS evens",
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: unknown[][] };
    // By hand: three blocks; '7' padded to 3 with '0'; 'a' padded right with '.'; 1 right-aligned in 4;
    // 2.25 with one decimal (DuckDB's printf rounds half to even: 2.2) zero-padded to 5; [0,1,2]; [1,0,0]; [2,4,6]
    // (BIGINT inside a list comes as text in JSON, the INTEGER list as numbers).
    expect(body.rows).toEqual([['███', '007', 'a..', '   1', '002.2', ['0', '1', '2'], [1, 0, 0], ['2', '4', '6']]]);
  });

  it('lets range and generate_series stream any length as tables', async () => {
    const response = await h.post({ sql: 'SELECT count(*) AS n FROM range(0, 50000000)' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rows: unknown[][] }).rows).toEqual([[50_000_000]]);
  });
});

describe('a recursive query that doubles a string', () => {
  it('is stopped by memory_limit with a clean 400, and the next query runs', async () => {
    // 2^33 characters would be 8.6 GB; the harness's memory_limit is 512 MB.
    const sql = "WITH RECURSIVE t(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, s || s FROM t WHERE n < 34) SELECT max(length(s)) FROM t";
    const { result, growthMb } = await growthWhile(() => refusal(sql));
    expect(result.status).toBe(400);
    expect(result.message).toMatch(/memory/i);
    // DuckDB overshoots its limit about twofold while it fails (measured: 1.9 GB peak at a 1 GB limit).
    expect(growthMb).toBeLessThan(1500);
    expect(await h.status({ sql: 'SELECT 1' })).toBe(200);
  });
});

describe('aggregates that build one huge value from many rows', () => {
  // Aggregate states live in DuckDB's own allocator and do count against memory_limit (measured:
  // string_agg of 100 MB grows the process ≈ 330 MB and answers; 500 MB is refused after ≈ 30 MB).
  it.each([
    ['string_agg of 50 000 × 10 000 characters (500 MB)', "SELECT length(string_agg(lpad('', 10000, 'x'), '')) FROM range(50000)"],
    ['histogram of 100 000 distinct 10 000-character texts (1 GB)', "SELECT histogram(lpad(n::VARCHAR, 10000, 'x')) FROM range(100000) t(n)"],
  ])('%s is stopped by memory_limit with a clean 400, memory bounded', async (_name, sql) => {
    const { result, growthMb } = await growthWhile(() => refusal(sql));
    expect(result).toMatchObject({ status: 400 });
    expect(result.message).toMatch(/more memory than the server allows/);
    expect(growthMb).toBeLessThan(1500);
    expect(await h.status({ sql: 'SELECT 1' })).toBe(200);
  });

  it('a 10 MB string_agg still answers', async () => {
    const response = await h.post({ sql: "SELECT length(string_agg(lpad('', 1000, 'x'), '')) AS n FROM range(10000)" });
    expect(response.status).toBe(200);
    // 10 000 rows × 1000 characters = 10 000 000.
    expect(((await response.json()) as { rows: unknown[][] }).rows).toEqual([[10_000_000]]);
  });
});

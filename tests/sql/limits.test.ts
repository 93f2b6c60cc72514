// Specification: the limits of analyst SQL — roles, the time limit (interrupted inside DuckDB), the
// row cap (truncated: true), the memory cap (a clean 400), the read-only transaction, what read-only
// statements do run (and that DuckDB's rendering of the checked tree is what runs), the Explain
// option, and the audit trail. The byte budget has its own file (budget.test.ts).
import { StatementType } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareReadOnly } from '../../api/sql/run.ts';
import { sqlHarness, type SqlHarness } from './harness.ts';

// 5 000 rows, id 0…4999.
const seed = `CREATE TABLE demo AS SELECT i AS id, 'navn ' || (i % 7) AS name FROM range(5000) r(i);
  COMMENT ON TABLE demo IS 'Demo rows for the workbench specification.';
  CREATE MACRO demo_from(first) AS TABLE SELECT * FROM demo WHERE id >= first;
  COMMENT ON MACRO TABLE demo_from IS 'Demo rows from an id on.';
  CREATE MACRO demo_double(x) AS x * 2;
  CREATE SEQUENCE demo_sequence;`;

let h: SqlHarness;
beforeAll(async () => {
  h = await sqlHarness({ seed });
});
afterAll(async () => h?.close());

describe('roles', () => {
  it('refuses viewers and leaders with 403 and no login with 401', async () => {
    expect(await h.status({ sql: 'SELECT 1' }, 'viewer')).toBe(403);
    expect(await h.status({ sql: 'SELECT 1' }, 'leader')).toBe(403);
    expect(await h.status({ sql: 'SELECT 1' }, null)).toBe(401);
    const schema = await h.app.request('/api/sql/schema', { headers: await h.as('leader') });
    expect(schema.status).toBe(403);
    expect(await h.status({ sql: 'SELECT 1' }, 'admin')).toBe(200);
  });
});

describe('time limit', () => {
  it('interrupts a long query inside DuckDB and says so; the next query runs', async () => {
    const started = Date.now();
    const response = await h.post({ sql: 'SELECT count(*) FROM range(1000000000000) a', timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('timeout');
    expect(body.error.message).toMatch(/stopped after 0\.3 s/);
    // The answer comes only once DuckDB has given up the query: counting to 10^12 takes minutes.
    expect(elapsed).toBeLessThan(5000);
    expect(await h.status({ sql: 'SELECT 42 AS answer' })).toBe(200);
  });

  it('frees the query slots of clients that stop reading once the time limit passes', async () => {
    // Two answers left unread hold both slots (2 concurrent analyst queries) until their limit.
    const unread = await Promise.all([1, 2].map(() => h.post({ sql: 'SELECT * FROM range(1000000)', timeoutMs: 300 })));
    expect(unread.map((response) => response.status)).toEqual([200, 200]);
    const started = Date.now();
    expect(await h.status({ sql: 'SELECT 1' })).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    // The cut-off stream ends with the timeout, not with a silently short result.
    const text = await unread[0]!.text();
    expect(text).toMatch(/"code":"timeout"/);
  });
});

describe('row cap', () => {
  it('cuts at the cap and says truncated', async () => {
    const body = (await (await h.post({ sql: 'SELECT id FROM demo ORDER BY id', limit: 10 })).json()) as { rows: number[][]; truncated: boolean };
    expect(body.rows).toHaveLength(10);
    expect(body.rows.at(-1)).toEqual([9]);
    expect(body.truncated).toBe(true);
  });

  it('is not truncated when the result fits exactly, and is one row over the cap', async () => {
    const exact = (await (await h.post({ sql: 'SELECT id FROM demo', limit: 5000 })).json()) as { rows: unknown[]; truncated: boolean };
    expect(exact.rows).toHaveLength(5000);
    expect(exact.truncated).toBe(false);
    const over = (await (await h.post({ sql: 'SELECT id FROM demo', limit: 4999 })).json()) as { rows: unknown[]; truncated: boolean };
    expect(over.rows).toHaveLength(4999);
    expect(over.truncated).toBe(true);
    // A cap at a chunk boundary (DuckDB chunks hold 2048 rows).
    const boundary = (await (await h.post({ sql: 'SELECT id FROM demo', limit: 2048 })).json()) as { rows: unknown[]; truncated: boolean };
    expect(boundary.rows).toHaveLength(2048);
    expect(boundary.truncated).toBe(true);
  });

  it('defaults to 10 000 rows and refuses a cap above the maximum', async () => {
    const body = (await (await h.post({ sql: 'SELECT * FROM range(20000)' })).json()) as { rows: unknown[]; truncated: boolean };
    expect(body.rows).toHaveLength(10_000);
    expect(body.truncated).toBe(true);
    const tooMany = await h.post({ sql: 'SELECT 1', limit: 1e9 });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });
});

describe('memory cap', () => {
  it('answers a query that needs more than memory_limit with a clean 400', async () => {
    const small = await sqlHarness({ memoryLimit: '64MB' });
    try {
      // list() of 100 M integers needs ≥ 800 MB in one piece.
      const response = await small.post({ sql: 'SELECT list(i) FROM range(100000000) r(i)' });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('sql_error');
      expect(body.error.message).toMatch(/more memory than the server allows/);
      expect(await small.status({ sql: 'SELECT 1' })).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('read-only statements that run', () => {
  it.each([
    ['SELECT with a CTE', 'WITH x AS (SELECT id FROM demo WHERE id < 3) SELECT count(*) AS n FROM x', [[3]]],
    ['FROM-first', 'FROM demo SELECT count(*) AS n', [[5000]]],
    ['a recursive CTE', 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 4) SELECT sum(n) FROM r', [[10]]],
    ['a CTE that shadows a documented name', 'WITH demo AS (SELECT 7 AS id) SELECT * FROM demo', [[7]]],
    ['range, generate_series and unnest', 'SELECT (SELECT count(*) FROM range(4)) + (SELECT count(*) FROM generate_series(1, 3)) + (SELECT count(*) FROM unnest([1, 2]))', [[9]]],
    ['an analyst table macro', 'SELECT count(*) FROM demo_from(4990)', [[10]]],
    ['a window function over a join', 'SELECT max(rn) FROM (SELECT row_number() OVER () AS rn FROM demo a JOIN demo b USING (id))', [[5000]]],
    ['VALUES', 'SELECT * FROM (VALUES (1, 2)) v(a, b)', [[1, 2]]],
    ['an analyst scalar macro', 'SELECT demo_double(21)', [[42]]],
    ['operators, LIKE, SIMILAR TO, EXTRACT, list comprehension', "SELECT 7 // 2 + 2 ** 3, 'abc' LIKE 'a%', 'abc' SIMILAR TO 'a.c', extract(year FROM DATE '2024-05-01'), [x * 2 FOR x IN [1, 2] IF x > 1]", [[11, true, true, 2024, [4]]]],
    // DuckDB ends a -- comment at \r too: the text after it is the query, as DuckDB reads it.
    ['a -- comment ended by \\r', '--x\rSELECT 42 AS answer', [[42]]],
    ['nested block comments', '/* outer /* inner */ still a comment */ SELECT 43', [[43]]],
  ])('runs %s', async (_name, sql, rows) => {
    const response = await h.post({ sql });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rows: unknown }).rows).toEqual(rows);
  });

  it.each(['DESCRIBE demo', 'SUMMARIZE demo'])('runs %s', async (sql) => {
    const response = await h.post({ sql });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
  });

  it('runs only a statement that cannot write: a read-only transaction refuses a write that got past the check', async () => {
    // nextval() is refused by the check (allowed-functions.ts); here it goes straight to the layer
    // under it, as a sandbox escape would.
    const connection = await h.warehouse.connect();
    try {
      const prepared = await prepareReadOnly(connection, "SELECT nextval('demo_sequence')", StatementType.SELECT);
      await expect(prepared.run()).rejects.toThrow(/read-only/);
      await connection.run('ROLLBACK');
    } finally {
      connection.closeSync();
    }
    // The sequence never moved: its first value is still 1.
    const next = await h.warehouse.withConnection(async (c) => (await c.runAndReadAll("SELECT nextval('demo_sequence')")).getRowsJS());
    expect(next).toEqual([[1n]]);
  });

  it('reports syntax and binding errors with DuckDB’s message', async () => {
    const syntax = (await (await h.post({ sql: 'SELEC 1' })).json()) as { error: { code: string; message: string } };
    expect(syntax.error).toMatchObject({ code: 'sql_error', message: expect.stringMatching(/syntax error at or near "SELEC"/) });
    const binder = (await (await h.post({ sql: 'SELECT nope FROM demo' })).json()) as { error: { code: string; message: string } };
    expect(binder.error).toMatchObject({ code: 'sql_error', message: expect.stringMatching(/nope/) });
  });
});

describe('Explain', () => {
  type Problem = { error: { code: string; message: string } };

  it.each(['EXPLAIN SELECT * FROM demo', '/* plan */ explain SELECT 1', 'EXPLAIN ANALYZE SELECT 1', 'EXPLAIN (FORMAT json) SELECT 1'])(
    'refuses typed %s and points to the Explain button',
    async (sql) => {
      const response = await h.post({ sql });
      expect(response.status).toBe(400);
      const body = (await response.json()) as Problem;
      expect(body.error.code).toBe('sql_refused');
      expect(body.error.message).toMatch(/Explain button \(request option "explain": true\)/);
    },
  );

  it('answers the plan of the checked query with "explain": true', async () => {
    const response = await h.post({ sql: 'SELECT name, count(*) FROM demo GROUP BY name', explain: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { columns: { name: string }[]; rows: string[][] };
    expect(body.columns.map((c) => c.name)).toEqual(['explain_key', 'explain_value']);
    expect(body.rows[0]![1]).toMatch(/HASH_GROUP_BY|PERFECT_HASH_GROUP_BY/);
    expect(body.rows[0]![1]).toMatch(/demo/);
  });

  it('checks the explained query like any other, and has no Parquet form', async () => {
    const refused = await h.post({ sql: 'SELECT * FROM read_csv(\'/etc/passwd\')', explain: true });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Problem).error.code).toBe('sql_refused');
    const parquet = await h.post({ sql: 'SELECT 1', explain: true, format: 'parquet' });
    expect(parquet.status).toBe(400);
    expect(((await parquet.json()) as Problem).error.message).toMatch(/not Parquet/);
  });
});

describe('audit', () => {
  it('records each statement before it runs and its outcome after, with the user and the SQL', async () => {
    await h.status({ sql: 'SELECT 12345 AS audited' });
    await h.status({ sql: 'SELECT * FROM demo_missing' });
    const audits = await h.audits();
    const entries = audits.filter((a) => a.parameters?.sql === 'SELECT 12345 AS audited');
    expect(entries.map((a) => a.outcome)).toEqual(['started', expect.stringMatching(/^ok: 1 rows in \d+ ms$/)]);
    expect(entries[0]).toMatchObject({ username: 'analyst1', action: 'sql', target: 'json', parameters: { sql: 'SELECT 12345 AS audited', limit: 10_000 } });
    const failed = audits.filter((a) => a.parameters?.sql === 'SELECT * FROM demo_missing').map((a) => a.outcome);
    expect(failed).toEqual(['started', expect.stringMatching(/^sql_refused: .*demo_missing/)]);
    // The viewer's attempt is refused by requireRole, which audits every 403 of a known user.
    expect(audits).toContainEqual(
      expect.objectContaining({ username: 'viewer1', action: 'forbidden', target: '/api/sql', outcome: 'refused: role viewer' }),
    );
  });

  it('records saved queries created and deleted', async () => {
    const headers = await h.as('analyst');
    const created = await h.app.request('/api/sql/saved', { method: 'POST', headers, body: JSON.stringify({ title: 'Revidert', sql: 'SELECT 1' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    expect((await h.app.request(`/api/sql/saved/${id}`, { method: 'DELETE', headers })).status).toBe(204);
    expect((await h.app.request(`/api/sql/saved/${id}`, { method: 'DELETE', headers })).status).toBe(404);
    const entries = (await h.audits()).filter((a) => a.action === 'saved_query' && a.target === String(id));
    expect(entries.map((a) => [a.username, a.outcome])).toEqual([
      ['analyst1', 'created'],
      ['analyst1', 'deleted'],
      ['analyst1', expect.stringMatching(/^not_found/)],
    ]);
    expect(entries[0]!.parameters).toMatchObject({ sql: 'SELECT 1' });
  });
});

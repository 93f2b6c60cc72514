// Specification: the answer formats. Arrow decodes to the same values as JSON; CSV is Excel-ready on
// request (';', BOM, decimal comma) and formula-safe; Parquet is a complete file and its temporary
// folder is gone afterwards; download names keep æøå (filename*=UTF-8''…).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../pipeline/db.ts';
import { sqlHarness, type SqlHarness } from './harness.ts';

let h: SqlHarness;
beforeAll(async () => {
  h = await sqlHarness();
});
afterAll(async () => h?.close());

// 5 000 rows (three DuckDB chunks) of every type the formats map specially, with NULLs.
const everyType = `SELECT i::INTEGER AS int_col,
    CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000000 END AS big_col,
    i / 4 AS dbl,
    (i * 1.25)::DECIMAL(10, 2) AS dec_col,
    CASE WHEN i % 3 = 0 THEN NULL ELSE 'tekst æøå ' || (i % 5) END AS txt,
    DATE '2024-01-01' + i::INTEGER AS day,
    TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) MINUTE AS ts,
    i % 2 = 0 AS flag,
    [i, i + 1] AS list_col,
    sum(i) OVER () AS huge
  FROM range(5000) r(i) ORDER BY i`;

type JsonAnswer = { columns: { name: string; type: string }[]; rows: unknown[][]; truncated: boolean };

/** JSON and Arrow speak differently about dates and lists; bring both to one form. */
function normalise(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (type === 'DATE') return typeof value === 'number' ? new Date(value).toISOString().slice(0, 10) : value;
  if (type === 'TIMESTAMP') return typeof value === 'number' ? value : Date.parse(String(value).replace(' ', 'T') + 'Z');
  if (type.endsWith('[]')) return typeof value === 'string' ? value : JSON.stringify(value);
  return value;
}

describe('Arrow', () => {
  it('decodes to the same values as JSON', async () => {
    const json = (await (await h.post({ sql: everyType, limit: 100_000 })).json()) as JsonAnswer;
    const response = await h.post({ sql: everyType, format: 'arrow', limit: 100_000 });
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.numRows).toBe(5000);
    expect(json.rows).toHaveLength(5000);
    expect(table.schema.fields.map((f) => f.name)).toEqual(json.columns.map((c) => c.name));
    json.columns.forEach((column, c) => {
      const vector = table.getChildAt(c)!;
      const fromArrow = Array.from({ length: table.numRows }, (_, r) => normalise(vector.get(r), column.type));
      const fromJson = json.rows.map((row) => normalise(row[c], column.type));
      expect(fromArrow, column.name).toEqual(fromJson);
    });
    // Spot checks worked out by hand: row 5 → big 5 000 000, dec 6.25, text 'tekst æøå 0', day 2024-01-06;
    // huge = 0 + 1 + … + 4999 = 12 497 500.
    expect(json.rows[5]!.slice(0, 6)).toEqual([5, 5_000_000, 1.25, 6.25, 'tekst æøå 0', '2024-01-06']);
    expect(json.rows[0]![9]).toBe(12_497_500);
    expect(json.rows[7]![1]).toBeNull();
  });

  it('keeps the column types an analyst expects', async () => {
    const response = await h.post({ sql: everyType, format: 'arrow', limit: 10 });
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.schema.fields.map((f) => String(f.type))).toEqual([
      'Int32', 'Int64', 'Float64', 'Float64', 'Dictionary<Int32, Utf8>', 'Date32<DAY>', 'Timestamp<MICROSECOND>', 'Bool', 'Utf8', 'Float64',
    ]);
  });

  it('sends the schema for an empty result', async () => {
    const response = await h.post({ sql: 'SELECT 1 AS a WHERE false', format: 'arrow' });
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['a']);
  });
});

describe('long values', () => {
  // 3000 rows of about 5 kB (every 7th text NULL). Slices close at 4 MiB (4 194 304 bytes) of data, a
  // row counting 5000 + 3 (one byte per fixed-width value): the first chunk (2048 rows) goes out as
  // rows 0–978, 979–1957 and 1958–2047, the second chunk (952 rows) as one → 4 record batches.
  const sql = `SELECT i::INTEGER AS id, CASE WHEN i % 7 = 3 THEN NULL ELSE lpad('', 5000, chr(65 + (i % 26)::INTEGER)) END AS text,
      i % 3 = 0 AS flag, CASE WHEN i % 5 = 1 THEN NULL ELSE i * 2 END AS twice FROM range(3000) r(i)`;

  it('are sent in slices of a few MB, and Arrow still decodes to the same values as JSON', async () => {
    const json = (await (await h.post({ sql, limit: 100_000 })).json()) as JsonAnswer;
    const table = tableFromIPC(new Uint8Array(await (await h.post({ sql, format: 'arrow', limit: 100_000 })).arrayBuffer()));
    expect(table.batches.map((batch) => batch.numRows)).toEqual([979, 979, 90, 952]);
    expect(json.rows).toHaveLength(3000);
    const fromArrow = table.toArray().map((row) => [row.id, row.text, row.flag, row.twice === null ? null : Number(row.twice)]);
    expect(fromArrow).toEqual(json.rows);
    // Spot checks: row 3 is NULL text; row 1000 is 'M' × 5000 (65 + 1000 % 26 = 77) and twice 2000; row 2051 twice NULL.
    expect(json.rows[3]![1]).toBeNull();
    expect(json.rows[1000]).toEqual([1000, 'M'.repeat(5000), false, 2000]);
    expect(json.rows[2051]![3]).toBeNull();
  });

  it('give the same CSV as row by row', async () => {
    const csv = (await (await h.post({ sql, format: 'csv', limit: 100_000 })).text()).split('\r\n');
    expect(csv).toHaveLength(3002); // header, 3000 rows, and the empty string after the last \r\n
    expect(csv[1001]).toBe(`1000,${'M'.repeat(5000)},false,2000`);
    expect(csv[4]).toBe('3,,true,6');
  });
});

describe('CSV', () => {
  const tricky = `SELECT * FROM (VALUES
      (1, '=HYPERLINK("http://x")', 1.5),
      (2, '-5', -5.25),
      (3, 'Tromsø; "nord"', NULL),
      (4, '@SUM(A1)', 0.0)) v(id, text, amount) ORDER BY id`;

  it('writes comma-separated UTF-8 by default, with formulas neutralised and numbers untouched', async () => {
    const response = await h.post({ sql: tricky, format: 'csv' });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe(
      'id,text,amount\r\n1,"\'=HYPERLINK(""http://x"")",1.5\r\n2,\'-5,-5.25\r\n3,"Tromsø; ""nord""",\r\n4,\'@SUM(A1),0\r\n',
    );
  });

  it('writes what Norwegian Excel opens: BOM, semicolons, decimal commas', async () => {
    const response = await h.post({ sql: tricky, format: 'csv', csv: { delimiter: ';', bom: true } });
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(
      '\uFEFFid;text;amount\r\n1;"\'=HYPERLINK(""http://x"")";1,5\r\n2;\'-5;-5,25\r\n3;"Tromsø; ""nord""";\r\n4;\'@SUM(A1);0\r\n',
    );
  });

  it('names the download with æøå intact', async () => {
    const response = await h.post({ sql: 'SELECT 1', format: 'csv', filename: 'Utskrivningsklare dager i Bærum og Ås' });
    await response.arrayBuffer();
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Utskrivningsklare dager i Baerum og As.csv"; filename*=UTF-8''Utskrivningsklare%20dager%20i%20B%C3%A6rum%20og%20%C3%85s.csv`,
    );
  });
});

describe('Parquet', () => {
  it('is a complete Parquet file with the rows, and its temporary folder is removed', async () => {
    const response = await h.post({ sql: 'SELECT i AS id, i * 2 AS twice FROM range(3000) r(i)', format: 'parquet', filename: 'tall' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(response.headers.get('x-row-count')).toBe('3000');
    expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''tall.parquet`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const magic = (at: number) => new TextDecoder().decode(bytes.slice(at, at + 4));
    expect(magic(0)).toBe('PAR1');
    expect(magic(bytes.length - 4)).toBe('PAR1');
    expect(readdirSync(join(h.importDirectory, '.sql-exports'))).toEqual([]);

    // Read it back with an unlocked in-memory DuckDB: 0 + 1 + … + 2999 = 4 498 500, twice that doubled.
    const path = join(h.dir, 'back.parquet');
    writeFileSync(path, bytes);
    const reader = await openWarehouse(':memory:');
    const rows = await reader.withConnection(async (c) => (await c.runAndReadAll(`SELECT count(*), sum(id), sum(twice) FROM read_parquet('${path}')`)).getRowsJS());
    expect(rows[0]!.map(Number)).toEqual([3000, 4_498_500, 8_997_000]);
  });

  it('applies the row cap and reports reaching it', async () => {
    const response = await h.post({ sql: 'SELECT * FROM range(500)', format: 'parquet', limit: 100 });
    await response.arrayBuffer();
    expect(response.headers.get('x-row-count')).toBe('100');
    expect(response.headers.get('x-truncated')).toBe('true');
  });

  it('refuses what the sandbox refuses and reports errors as JSON', async () => {
    const refused = await h.post({ sql: `SELECT * FROM read_csv('/etc/passwd')`, format: 'parquet' });
    expect(refused.status).toBe(400);
    const failing = await h.post({ sql: `SELECT nope`, format: 'parquet' });
    expect(failing.status).toBe(400);
    expect(((await failing.json()) as { error: { code: string } }).error.code).toBe('sql_error');
    expect(readdirSync(join(h.importDirectory, '.sql-exports'))).toEqual([]);
  });
});

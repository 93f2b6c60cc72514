// Specification of the workbench page's logic that runs in the browser: decoding the Arrow answer
// (cut at the rows shown; one more row than shown means truncated), the download name from
// Content-Disposition, and the history in localStorage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileNameOf } from '../../web/src/lib/sql/download-name.ts';
import { addToHistory, readHistory } from '../../web/src/lib/sql/history.ts';
import { decodeResult } from '../../web/src/lib/sql/result.ts';
import { sqlHarness, type SqlHarness } from './harness.ts';

let h: SqlHarness;
beforeAll(async () => {
  h = await sqlHarness();
});
afterAll(async () => h?.close());

describe('decodeResult', () => {
  it('shows the rows asked for and knows when the server had more', async () => {
    // The page asks for shown + 1 rows: 4 come back for 3 shown → truncated.
    const response = await h.post({
      sql: `SELECT i AS n, 'k' || i AS label, DATE '2024-03-01' + i::INTEGER AS day, TIMESTAMP '2024-03-01 06:30:00' AS ts, i * 0.5 AS half FROM range(10) r(i)`,
      format: 'arrow',
      limit: 4,
    });
    const result = decodeResult(new Uint8Array(await response.arrayBuffer()), 3);
    expect(result.rowCount).toBe(3);
    expect(result.truncated).toBe(true);
    expect(result.columns).toEqual([
      { name: 'n', kind: 'number' }, { name: 'label', kind: 'text' }, { name: 'day', kind: 'date' },
      { name: 'ts', kind: 'timestamp' }, { name: 'half', kind: 'number' },
    ]);
    expect([0, 1, 2, 3, 4].map((c) => result.text(2, c))).toEqual(['2', 'k2', '2024-03-03', '2024-03-01 06:30:00', '1']);
    expect(result.value(1, 4)).toBe(0.5);
  });

  it('is not truncated when everything fits', async () => {
    const response = await h.post({ sql: 'SELECT * FROM range(3)', format: 'arrow', limit: 4 });
    const result = decodeResult(new Uint8Array(await response.arrayBuffer()), 3);
    expect(result.rowCount).toBe(3);
    expect(result.truncated).toBe(false);
  });
});

describe('fileNameOf', () => {
  it('prefers the UTF-8 name and falls back to the ASCII one', () => {
    expect(fileNameOf(`attachment; filename="Baerum.csv"; filename*=UTF-8''B%C3%A6rum%20%C3%B8st.csv`)).toBe('Bærum øst.csv');
    expect(fileNameOf('attachment; filename="plain.csv"')).toBe('plain.csv');
    expect(fileNameOf(null)).toBeNull();
  });
});

describe('history', () => {
  function memoryStorage() {
    const items = new Map<string, string>();
    return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
  }

  it('keeps the newest first, moves a repeated query to the top and holds at most 50', () => {
    const storage = memoryStorage();
    for (let i = 0; i < 55; i++) addToHistory({ sql: `SELECT ${i}`, at: `t${i}`, rows: 1, ms: 1 }, storage);
    addToHistory({ sql: 'SELECT 10 ', at: 'again', rows: 1, ms: 1 }, storage);
    const history = readHistory(storage);
    expect(history).toHaveLength(50);
    expect(history[0]).toMatchObject({ sql: 'SELECT 10 ', at: 'again' });
    expect(history[1]!.sql).toBe('SELECT 54');
    expect(history.filter((e) => e.sql.trim() === 'SELECT 10')).toHaveLength(1);
  });

  it('survives broken storage contents', () => {
    expect(readHistory({ getItem: () => '{not json' })).toEqual([]);
  });
});

// The discharge-ready daily rates (døgnpris) as data an admin maintains: the table's shape (and the move
// from the first shape, which had no provenance), its seed from the shipped reference file while it is
// empty, what an import of kind dognpris changed, and the list `npm run rates -- list` prints.
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './sql-quote.ts';

/** Seeded rows carry this import id: they come from the shipped file, not from an import. */
export const seededImportId = 0;
const seedFile = 'discharge-ready-daily-rates.csv';

/**
 * Databases made before rates were data have discharge_ready_daily_rate(year PRIMARY KEY, rate_nok):
 * rebuilt with the provenance columns (their rows count as seeded), before schema.sql comments on them.
 * DuckDB cannot drop a primary key, and an import replaces a year by delete + insert in one transaction.
 */
export async function migrateDailyRateTable(connection: DuckDBConnection): Promise<void> {
  const columns = (
    await connection.runAndReadAll(
      `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'
         AND table_name = 'discharge_ready_daily_rate'`,
    )
  ).getRows().map((row) => String(row[0]));
  if (columns.length === 0 || columns.includes('import_id')) return;
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(`CREATE TABLE discharge_ready_daily_rate_new (year INTEGER NOT NULL, rate_nok DECIMAL(10, 2) NOT NULL,
      source VARCHAR, import_id INTEGER NOT NULL, source_line INTEGER)`);
    await connection.run(`INSERT INTO discharge_ready_daily_rate_new
      SELECT year, rate_nok, ${sqlString(`pipeline/reference/${seedFile}`)}, ${seededImportId}, NULL FROM discharge_ready_daily_rate`);
    await connection.run('DROP TABLE discharge_ready_daily_rate');
    await connection.run('ALTER TABLE discharge_ready_daily_rate_new RENAME TO discharge_ready_daily_rate');
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The shipped rates, only into an empty table: a rate an admin set or corrected is never seeded over. */
export async function seedDailyRates(connection: DuckDBConnection, referenceDir: string): Promise<void> {
  const count = Number((await connection.runAndReadAll('SELECT count(*) FROM discharge_ready_daily_rate')).getRows()[0]![0]);
  if (count > 0) return;
  await connection.run(`INSERT INTO discharge_ready_daily_rate (year, rate_nok, source, import_id, source_line)
    SELECT year, rate_nok, ${sqlString(`pipeline/reference/${seedFile}`)}, ${seededImportId}, NULL
    FROM read_csv(${sqlString(join(referenceDir, seedFile))}, header = true, auto_detect = false,
                  columns = {'year': 'INTEGER', 'rate_nok': 'DECIMAL(10,2)'})`);
}

/** `5 064`, `5 245.50`: whole kroner grouped by thousands, øre only when there are any. */
export function formatNok(value: unknown): string {
  const [whole, cents] = Number(value).toFixed(2).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return cents === '00' ? grouped : `${grouped}.${cents}`;
}

/**
 * One report line per year an import of kind dognpris delivers, comparing with the rate the year had
 * before it (run inside the import's transaction, before the older rows are deleted):
 * "rate for 2024 changed from 5 064 to 5 100", "rate for 2025 added: 5 245", "rate for 2023 unchanged: 5 508".
 */
export async function describeRateChanges(connection: DuckDBConnection, importId: number): Promise<string[]> {
  const rows = (
    await connection.runAndReadAll(`SELECT n.year, o.rate_nok AS before, n.rate_nok AS now
      FROM discharge_ready_daily_rate n
      LEFT JOIN discharge_ready_daily_rate o ON o.year = n.year AND o.import_id <> ${importId}
      WHERE n.import_id = ${importId} ORDER BY n.year`)
  ).getRows();
  return rows.map(([year, before, now]) =>
    before === null
      ? `rate for ${Number(year)} added: ${formatNok(now)}`
      : Number(before) === Number(now)
        ? `rate for ${Number(year)} unchanged: ${formatNok(now)}`
        : `rate for ${Number(year)} changed from ${formatNok(before)} to ${formatNok(now)}`,
  );
}

export interface StoredRate {
  year: number;
  /** null: a year with discharge-ready nights and no rate. */
  rateNok: number | null;
  source: string | null;
  /** The import that set it; 0 = the shipped reference file; null when missing. */
  importId: number | null;
}

/**
 * Every rate, and the years that have discharge-ready nights but no rate (rateNok null). A stay still
 * open counts up to the latest time stamp of the hospital extracts (close enough for this reminder; the
 * figures use each hospital's own date).
 */
export async function listDailyRates(connection: DuckDBConnection): Promise<StoredRate[]> {
  const rows = (
    await connection.runAndReadAll(`WITH through AS (SELECT greatest(max(admitted), max(discharged)) AS t FROM hospital_stay),
      night_year AS (
        SELECT DISTINCT unnest(range(year(ready_for_discharge), year(coalesce(discharged, (SELECT t FROM through)) - INTERVAL 1 DAY) + 1)) AS year
        FROM hospital_stay WHERE ready_for_discharge IS NOT NULL)
      SELECT coalesce(r.year, n.year) AS year, r.rate_nok, r.source, r.import_id
      FROM discharge_ready_daily_rate r FULL JOIN night_year n ON n.year = r.year
      ORDER BY 1`)
  ).getRows();
  return rows.map(([year, rate, source, importId]) => ({
    year: Number(year),
    rateNok: rate === null ? null : Number(rate),
    source: source === null ? null : String(source),
    importId: importId === null ? null : Number(importId),
  }));
}

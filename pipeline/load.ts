// The one transaction of an import: replace the rows with the same natural keys, insert the good
// rows, record the attempt (import_log + import_rejected_row). Readers on other connections see the
// old data until COMMIT (DuckDB MVCC), never half an import.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ExtractKind } from '../contract/types.ts';
import { describeRateChanges } from './daily-rates.ts';
import type { CsvExtractKind } from './kinds.ts';
import { inTransaction } from './db.ts';
import { sqlString } from './sql-quote.ts';
import { collectRejected, timed, type StagedSource } from './validate.ts';

/** Target columns ← columns of the validation query (validate.ts typedSql), per kind. `key` is unique
 *  within a file; `replaces` (default `key`) is what a later file's rows replace in earlier imports. */
interface Target {
  table: string;
  columns: Record<string, string>;
  key: string[];
  replaces?: string[];
  /** Report lines for the earlier data this import replaces, run before it is deleted, and the log's summary of them. */
  describeReplaced?: { lines: (connection: DuckDBConnection, importId: number) => Promise<string[]>; summary: (lines: string[]) => string };
}

const targets: Record<CsvExtractKind, Target> = {
  sykehusopphold: {
    table: 'hospital_stay',
    key: ['hospital', 'stay_id'],
    columns: {
      hospital: 't_behandlingssted',
      stay_id: 't_opphold_id',
      patient_id: 't_pasient_id',
      municipality_code: 't_kommunenr',
      municipality_code_raw: 'r_kommunenr',
      municipality_mappable: 'mappable_kommunenr',
      age: 't_alder',
      sex: 't_kjonn',
      sex_raw: 'r_kjonn',
      admitted: 't_innskrevet',
      discharged: 't_utskrevet',
      urgency: 't_hastegrad',
      urgency_raw: 'r_hastegrad',
      main_diagnosis: 't_hovedtilstand',
      main_diagnosis_raw: 'r_hovedtilstand',
      ready_for_discharge: 't_utskrivningsklar',
      discharged_to: 't_utskrevet_til',
      service_area: 't_tjenesteomrade',
    },
  },
  kad_opphold: {
    table: 'kad_stay',
    key: ['unit', 'stay_id'],
    columns: {
      unit: 't_enhet',
      stay_id: 't_opphold_id',
      patient_id: 't_pasient_id',
      municipality_code: 't_kommunenr',
      municipality_code_raw: 'r_kommunenr',
      municipality_mappable: 'mappable_kommunenr',
      age: 't_alder',
      sex: 't_kjonn',
      sex_raw: 'r_kjonn',
      admitted: 't_innskrevet',
      discharged: 't_utskrevet',
      main_diagnosis: 't_hovedtilstand',
      main_diagnosis_raw: 'r_hovedtilstand',
      discharged_to: 't_utskrevet_til',
    },
  },
  kad_enheter: {
    table: 'kad_unit',
    key: ['unit', 'valid_from'],
    columns: {
      unit: 't_enhet',
      name: 't_navn',
      host_municipality_code: 't_vertskommune',
      host_municipality_raw: 'r_vertskommune',
      municipalities: 'list_sort(list_distinct(t_kommuner))',
      municipalities_raw: 'r_kommuner',
      beds: 't_senger',
      valid_from: 't_gyldig_fra',
      valid_to: 't_gyldig_til',
    },
  },
  befolkning: {
    table: 'population',
    key: ['municipality_code_raw', 'year', 'sex', 'age_from', 'age_to'],
    // A file's rows of one current municipality and year (under old and current codes alike) replace
    // every earlier row of that municipality and year: a re-delivery on new boundaries never adds.
    replaces: ['municipality_code', 'year'],
    columns: {
      municipality_code: 't_kommunenr',
      municipality_code_raw: 'r_kommunenr',
      year: 't_aar',
      sex: 't_kjonn',
      sex_raw: 'r_kjonn',
      age_from: 't_alder.age_from',
      age_to: 't_alder.age_to',
      age_raw: 'r_alder',
      count: 't_antall',
    },
    describeReplaced: {
      lines: (connection, importId) => replacedPopulation(connection, importId),
      summary: (lines) => `replaced population for ${lines.length} municipality-year${lines.length > 1 ? 's' : ''}`,
    },
  },
  dognpris: {
    table: 'discharge_ready_daily_rate',
    key: ['year'],
    columns: { year: 't_aar', rate_nok: 't_dognpris', source: 't_kilde' },
    describeReplaced: {
      lines: describeRateChanges,
      summary: (lines) => `daily rates: ${['changed', 'added', 'unchanged'].map((word) => `${lines.filter((l) => l.includes(` ${word}`)).length} ${word}`).join(', ')}`,
    },
  },
};

export interface LogEntry {
  importId: number;
  fileName: string;
  sha256: string;
  kind: ExtractKind | null;
  encoding: string | null;
  delimiter: string | null;
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  status: 'imported' | 'unchanged' | 'rejected';
  importedBy: string;
  startedAt: string;
  message: string | null;
}

export function logSql(entry: LogEntry): string {
  const value = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : sqlString(v));
  return `INSERT INTO import_log (import_id, file_name, sha256, kind, encoding, delimiter, rows_read, rows_imported,
      rows_rejected, status, imported_by, started_at, finished_at, message)
    VALUES (${[
      entry.importId,
      entry.fileName,
      entry.sha256,
      entry.kind,
      entry.encoding,
      entry.delimiter,
      entry.rowsRead,
      entry.rowsImported,
      entry.rowsRejected,
      entry.status,
      entry.importedBy,
    ]
      .map(value)
      .join(', ')}, TIMESTAMP ${sqlString(entry.startedAt)}, localtimestamp, ${value(entry.message)})`;
}

/**
 * Records an attempt that writes no data (rejected or unchanged). `withRejectedRows` copies the
 * temp table `rejected` of the connection into import_rejected_row.
 */
export async function recordAttempt(connection: DuckDBConnection, entry: LogEntry, withRejectedRows: boolean): Promise<void> {
  await inTransaction(connection, async () => {
    await connection.run(logSql(entry));
    if (withRejectedRows) await connection.run(copyRejectedSql(entry.importId));
  });
}

function copyRejectedSql(importId: number): string {
  return `INSERT INTO import_rejected_row (import_id, line, column_name, message, raw_line)
    SELECT ${importId}, line, column_name, message, raw_line FROM rejected`;
}

export interface LoadOutcome {
  /** 'rejected': the transaction was rolled back; call collectRejected again to record why. */
  status: 'imported' | 'rejected';
  inserted: number;
  rejectedLines: number;
  /** Report lines for earlier data this import replaced (population: one per municipality and year; rates: one per year). */
  replaced: string[];
}

/** At most this many replacement lines in the result; the log message counts them all. */
export const maxReplacedLines = 20;

/**
 * The import's one transaction: insert the good rows straight from the validation query, find the
 * rejected rows (only re-evaluating the rules when some row was not ok) and duplicates, then — when
 * there are none, or acceptRejects — drop later duplicates, delete the older rows with the same
 * natural keys, record the import and commit; otherwise roll back. `afterDelete` runs inside the
 * transaction after the delete (progress; tests read concurrently at that moment); `beforeCommit` last,
 * for work that must become visible together with the rows.
 */
export async function loadStaged(
  connection: DuckDBConnection,
  source: StagedSource,
  entry: LogEntry,
  options: { acceptRejects: boolean; afterDelete?: () => void; beforeCommit?: () => Promise<void> },
): Promise<LoadOutcome> {
  const target = targets[source.definition.kind];
  const names = Object.keys(target.columns);
  const run = timed(connection);
  const id = entry.importId;
  // Counting bad rows first pays for itself: an INSERT with a WHERE filter loses DuckDB's parallel,
  // order-preserving batch insert (measured 2 M rows: 10.5 s filtered vs 4–7 s unfiltered + 1–2 s count).
  const bad = Number((await connection.runAndReadAll(`SELECT count(*) FILTER (WHERE NOT ok) FROM (${source.typedSql})`)).getRows()[0]![0]);
  return inTransaction(
    connection,
    async (): Promise<LoadOutcome> => {
      // Imports are serialised, so an empty table stays empty until this transaction ends.
      const existing = Number((await connection.runAndReadAll(`SELECT count(*) FROM (SELECT 1 FROM ${target.table} LIMIT 1)`)).getRows()[0]![0]);
      const result = (await run(`INSERT INTO ${target.table} (${names.join(', ')}, import_id, source_line)
      SELECT ${names.map((n) => target.columns[n]!).join(', ')}, ${id}, line FROM (${source.typedSql})${bad > 0 ? ' WHERE ok' : ''}`)) as { rowsChanged: number | bigint };
      let inserted = Number(result.rowsChanged);
      const { rejectedLines, duplicates } = await collectRejected(connection, source, bad > 0, {
        table: target.table,
        key: target.key,
        importId: id,
      });
      if (rejectedLines > 0 && !options.acceptRejects) return { status: 'rejected', inserted: 0, rejectedLines, replaced: [] };
      if (duplicates > 0) {
        const removed = (await run(`DELETE FROM ${target.table} WHERE import_id = ${id} AND source_line IN (SELECT line FROM duplicate)`)) as { rowsChanged: number | bigint };
        inserted -= Number(removed.rowsChanged);
      }
      const replacesKey = target.replaces ?? target.key;
      const replaced = target.describeReplaced ? await target.describeReplaced.lines(connection, id) : [];
      if (existing > 0)
        await run(`DELETE FROM ${target.table} t
        USING (SELECT DISTINCT ${replacesKey.join(', ')} FROM ${target.table} WHERE import_id = ${id}) n
        WHERE t.import_id <> ${id} AND ${replacesKey.map((k) => `t.${k} = n.${k}`).join(' AND ')}`);
      options.afterDelete?.();
      const message = replaced.length > 0 && target.describeReplaced ? target.describeReplaced.summary(replaced) : entry.message;
      await connection.run(logSql({ ...entry, rowsImported: inserted, rowsRejected: rejectedLines, message }));
      await connection.run(copyRejectedSql(id));
      await options.beforeCommit?.();
      return { status: 'imported', inserted, rejectedLines, replaced };
    },
    { commitIf: (outcome) => outcome.status === 'imported', run },
  );
}

/** "replaced population for 4204 in 2019 (107 310 persons before, 107 310 now)", one per current
 *  municipality and year that earlier imports held and this one delivers again. */
export async function replacedPopulation(connection: DuckDBConnection, importId: number): Promise<string[]> {
  const rows = (
    await connection.runAndReadAll(`WITH delivered AS (
        SELECT municipality_code, year, sum(count) AS now FROM population WHERE import_id = ${importId} GROUP BY ALL),
      earlier AS (
        SELECT p.municipality_code, p.year, sum(p.count) AS before FROM population p
        JOIN delivered d ON d.municipality_code = p.municipality_code AND d.year = p.year
        WHERE p.import_id <> ${importId} GROUP BY ALL)
      SELECT municipality_code, year, before, now FROM earlier JOIN delivered USING (municipality_code, year)
      ORDER BY municipality_code, year`)
  ).getRows();
  const persons = (n: unknown) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return rows.map(([code, year, before, now]) => `replaced population for ${String(code)} in ${Number(year)} (${persons(before)} persons before, ${persons(now)} now)`);
}

// Imports a file in one of SSB's own formats (JSON-stat 2.0 from PxWebApi, StatBank's CSV download)
// through the importer's steps (import.ts): recognise → read and check (ssb-jsonstat.ts,
// ssb-statbank.ts, ssb-stage.ts) → one transaction, recorded in import_log with its rejected rows.
// Registered population goes to `population` with the same replacement as a befolkning file (a
// municipality-year replaces the earlier rows of that municipality-year); a projection goes to
// `population_projection` and replaces every earlier row of its vintage. Never one into the other.
import { mkdir, readFile, rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import iconv from 'iconv-lite';
import type { ExtractKind, FileImportResult, ImportError } from '../contract/types.ts';
import { inTransaction, type Warehouse } from './db.ts';
import { encodingOf, type FileScan } from './detect.ts';
import type { ReportProgress } from './import-progress.ts';
import { logSql, maxReplacedLines, recordAttempt, replacedPopulation, type LogEntry } from './load.ts';
import { sqlString } from './sql-quote.ts';
import { looksLikeJson, readJsonStat } from './ssb-jsonstat.ts';
import { looksLikeStatBankCsv, readStatBankCsv } from './ssb-statbank.ts';
import { stagedColumns, stagedSelect, stageSsbTable, type StagedTable } from './ssb-stage.ts';
import type { Read, SsbFormat, SsbTable } from './ssb-table.ts';

/** The import attempt as import.ts keeps it. */
export interface SsbAttempt {
  connection: DuckDBConnection;
  entry: LogEntry;
  result: FileImportResult;
  progress: ReportProgress;
  bytesTotal: number;
}

export interface SsbImportOptions {
  acceptRejects?: boolean;
  /** The projection round, when neither the file's `updated` date nor its name gives it (ssb-table.ts vintageOf). */
  vintage?: string;
  beforeCommit?: (connection: DuckDBConnection, kind: ExtractKind) => Promise<void>;
}

/** JSON-stat (the file opens an object) or a StatBank CSV (its first line names an SSB table), else null. */
export function recogniseSsbFormat(scan: FileScan): SsbFormat | null {
  const text = decode(scan.head, scan);
  if (looksLikeJson(text)) return 'json-stat';
  return looksLikeStatBankCsv(text.split(/\r?\n/, 4)) ? 'statbank-csv' : null;
}

export async function importSsbFile(
  warehouse: Warehouse,
  attempt: SsbAttempt,
  filePath: string,
  scan: FileScan,
  format: SsbFormat,
  context: { importDirectory: string },
  options: SsbImportOptions,
): Promise<void> {
  const { connection, entry, result } = attempt;
  entry.encoding = encodingOf(scan);
  entry.delimiter = format === 'json-stat' ? null : ';';
  const read: Read<SsbTable> =
    format === 'json-stat' ? readJsonStat(decode(await readFile(filePath), scan)) : await readStatBankCsv(filePath, encodingOf(scan));
  attempt.progress('validating', attempt.bytesTotal * 0.4);
  if (!read.ok) return reject(attempt, read.errors, `not a usable SSB ${format === 'json-stat' ? 'JSON-stat' : 'StatBank CSV'} table`);
  const table = read.value;
  result.rowsRead = entry.rowsRead = table.cellCount;
  await mkdir(context.importDirectory, { recursive: true });
  const staging = await stageSsbTable(connection, table, { fileName: entry.fileName, importDirectory: context.importDirectory, vintage: options.vintage, now: entry.startedAt });
  if (!staging.ok) {
    if (staging.target) result.kind = entry.kind = kindOf(staging.target);
    return reject(attempt, staging.errors, 'the table cannot be imported as it is');
  }
  const staged = staging.staged;
  try {
    result.kind = entry.kind = kindOf(staged.target);
    result.warnings.push(...staged.warnings);
    if (staged.rejectedLines > 0 && !options.acceptRejects)
      return await reject(attempt, staged.errors, `${staged.rejectedLines} of ${table.cellCount} values rejected; nothing imported (fix the file, or import the good values with --accept-rejects)`, staged.rejectedLines);
    attempt.progress('loading', attempt.bytesTotal * 0.65);
    await load(warehouse, attempt, staged, options);
  } finally {
    await rm(staged.path, { force: true });
  }
}

const kindOf = (target: StagedTable['target']): ExtractKind => (target === 'population' ? 'befolkning' : 'framskriving');

/** The one transaction: replace what this file replaces, insert the staged rows, record the import. */
async function load(warehouse: Warehouse, attempt: SsbAttempt, staged: StagedTable, options: SsbImportOptions): Promise<void> {
  const { connection, entry, result } = attempt;
  const id = entry.importId;
  const columns = stagedColumns[staged.target];
  await createRejectedTable(connection, staged.errors);
  const outcome = await inTransaction(connection, async () => {
    let replaced: string[] = [];
    let before = 0;
    if (staged.target === 'population_projection') {
      const vintage = sqlString(staged.vintage!);
      before = Number((await connection.runAndReadAll(`SELECT count(*) FROM population_projection WHERE vintage = ${vintage}`)).getRows()[0]![0]);
      await connection.run(`DELETE FROM population_projection WHERE vintage = ${vintage}`);
    }
    const inserted = Number(
      (await connection.run(`INSERT INTO ${staged.target} (${columns.map(([name]) => name).join(', ')}, import_id)
        SELECT *, ${id} FROM (${stagedSelect(staged)})`)).rowsChanged,
    );
    if (staged.target === 'population') {
      replaced = await replacedPopulation(connection, id);
      await connection.run(`DELETE FROM population t
        USING (SELECT DISTINCT municipality_code, year FROM population WHERE import_id = ${id}) n
        WHERE t.import_id <> ${id} AND t.municipality_code = n.municipality_code AND t.year = n.year`);
    }
    const message = summary(staged, before, replaced);
    await connection.run(logSql({ ...entry, status: 'imported', rowsImported: inserted, rowsRejected: staged.rejectedLines, message }));
    await connection.run(`INSERT INTO import_rejected_row (import_id, line, column_name, message, raw_line)
      SELECT ${id}, line, column_name, message, raw_line FROM rejected`);
    await options.beforeCommit?.(connection, entry.kind!);
    return { inserted, replaced, message };
  });
  Object.assign(result, { status: 'imported', rowsImported: outcome.inserted, rowsRejected: staged.rejectedLines, errors: staged.errors });
  if (outcome.inserted > 0) warehouse.dataChanged();
  if (staged.target === 'population_projection') result.warnings.push(outcome.message);
  result.warnings.push(...outcome.replaced.slice(0, maxReplacedLines));
  if (outcome.replaced.length > maxReplacedLines)
    result.warnings.push(`and population for ${outcome.replaced.length - maxReplacedLines} more municipality-years was replaced`);
}

/** import_log's message: what the file brought and what it replaced. */
function summary(staged: StagedTable, before: number, replaced: string[]): string {
  const years = staged.years[0] === staged.years[1] ? `${staged.years[0]}` : `${staged.years[0]}–${staged.years[1]}`;
  if (staged.target === 'population')
    return replaced.length > 0
      ? `replaced population for ${replaced.length} municipality-year${replaced.length > 1 ? 's' : ''}`
      : `registered population ${years}`;
  const what = `projection vintage ${staged.vintage} (${staged.alternatives.join(', ')}; ${years})`;
  return before > 0 ? `replaced projection vintage ${staged.vintage}: ${thousands(before)} rows before; now ${what}` : what;
}

/** Records the attempt as rejected with its errors (also in import_rejected_row). */
async function reject(attempt: SsbAttempt, errors: ImportError[], message: string, rejectedLines?: number): Promise<void> {
  const { connection, entry, result } = attempt;
  const lines = rejectedLines ?? new Set(errors.map((e) => e.line)).size;
  Object.assign(result, { status: 'rejected', rowsImported: 0, rowsRejected: rejectedLines ?? 0, errors });
  result.warnings.push(message);
  await createRejectedTable(connection, errors);
  await recordAttempt(connection, { ...entry, kind: result.kind, status: 'rejected', rowsRejected: rejectedLines ?? 0, message: `${message} (${lines} problem${lines === 1 ? '' : 's'})` }, true);
}

/** The temp table load.ts and import.ts keep a file's problems in (line, column_name, message, raw_line, ord). */
async function createRejectedTable(connection: DuckDBConnection, errors: ImportError[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE rejected (line INTEGER, column_name VARCHAR, message VARCHAR, raw_line VARCHAR, ord INTEGER)`);
  if (errors.length === 0) return;
  const value = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : sqlString(v));
  await connection.run(`INSERT INTO rejected VALUES ${errors.map((e) => `(${value(e.line)}, ${value(e.column)}, ${value(e.message)}, NULL, 0)`).join(', ')}`);
}

function decode(bytes: Buffer, scan: FileScan): string {
  return encodingOf(scan) === 'windows-1252' ? iconv.decode(bytes, 'win1252') : bytes.toString('utf8').replace(/^\uFEFF/, '');
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

// Imports one extract file: detect → stage in the import directory → read and validate in DuckDB →
// one transaction. Imports of one warehouse run one after another (two writers to one table would
// conflict), each file whole or not at all, and every attempt is recorded in import_log.
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ExtractKind, FileImportResult, ImportError, ImportSummary } from '../contract/types.ts';
import { importDirectoryFor, type Warehouse } from './db.ts';
import { progressReporter, watchQueryProgress, type ImportProgress, type ReportProgress } from './import-progress.ts';
import { importQueueFor } from './import-queue.ts';
import { encodingOf, readHeader, scanFile, type Dialect, type Encoding, type FileScan } from './detect.ts';
import { matchKind, type KindMatch } from './kinds.ts';
import { loadStaged, maxReplacedLines, recordAttempt, type LoadOutcome, type LogEntry } from './load.ts';
import { importSsbFile, recogniseSsbFormat } from './ssb-import.ts';
import { stageFile, type StagedFile } from './transcode.ts';
import { collectRejected, stageCsv, type StagedSource } from './validate.ts';

export type { ImportProgress } from './import-progress.ts';

export interface ImportOptions {
  acceptRejects?: boolean;
  /** Default 'cli:' + the OS user. */
  importedBy?: string;
  /** Name to log and report instead of the path (uploads). */
  displayName?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Runs inside the import's transaction just before COMMIT, on its connection, so that readers see
   *  its work together with the new rows (the server rebuilds its stored episodes here). */
  beforeCommit?: (connection: DuckDBConnection, kind: ExtractKind) => Promise<void>;
  /** SSB projections: the projection round, when the file's own `updated` date or name does not give it (ssb-table.ts). */
  vintage?: string;
}

/** Rejected rows reported in the result; all of them are in import_rejected_row. */
export const maxReportedErrors = 1000;

export function importFile(warehouse: Warehouse, filePath: string, options: ImportOptions = {}): Promise<FileImportResult> {
  return importQueueFor(warehouse).run(() => importOne(warehouse, filePath, options));
}

export async function importFiles(warehouse: Warehouse, filePaths: string[], options: ImportOptions = {}): Promise<ImportSummary> {
  const files: FileImportResult[] = [];
  for (const path of filePaths) files.push(await importFile(warehouse, path, options));
  return { files };
}

function localTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function defaultImporter(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/** One import attempt: what import_log will record and what the caller gets back, filled in step by step. */
interface Attempt {
  connection: DuckDBConnection;
  entry: LogEntry;
  result: FileImportResult;
  progress: ReportProgress;
  bytesTotal: number;
}

/** The file as detected: its bytes, encoding, dialect and kind. */
interface DetectedFile {
  scan: FileScan;
  encoding: Encoding;
  dialect: Dialect;
  match: Extract<KindMatch, { ok: true }>;
}

async function importOne(warehouse: Warehouse, filePath: string, options: ImportOptions): Promise<FileImportResult> {
  const file = options.displayName ?? filePath;
  const bytesTotal = (await stat(filePath)).size;
  const progress = progressReporter(file, bytesTotal, options.onProgress);
  const connection = await warehouse.connect();
  try {
    progress('reading', 0);
    const { attempt, scan } = await beginAttempt(connection, filePath, file, bytesTotal, progress, options);
    const unreadable = unreadableFileMessage(scan);
    if (unreadable) return await rejectWholeFile(attempt, unreadable);
    if (await recordIfUnchanged(attempt, scan)) return finish(attempt);
    const ssbFormat = recogniseSsbFormat(scan);
    if (ssbFormat) {
      await importSsbFile(warehouse, attempt, filePath, scan, ssbFormat, { importDirectory: importDirectoryFor(warehouse) }, options);
      return finish(attempt);
    }
    const detected = detectKind(attempt, scan);
    if (!detected.ok) return await rejectWholeFile(attempt, detected.message);
    const staged = await stageInImportDirectory(warehouse, attempt, filePath, detected);
    try {
      return await validateAndLoad(warehouse, attempt, staged, detected, options);
    } finally {
      await staged.remove();
    }
  } finally {
    connection.closeSync();
  }
}

/** Takes an import id and reads the file once (hash, encoding clues, head); nothing is recorded yet. */
async function beginAttempt(
  connection: DuckDBConnection,
  filePath: string,
  file: string,
  bytesTotal: number,
  progress: ReportProgress,
  options: ImportOptions,
): Promise<{ attempt: Attempt; scan: FileScan }> {
  const startedAt = localTimestamp(new Date());
  const importId = Number((await connection.runAndReadAll(`SELECT nextval('import_id_seq')`)).getRows()[0]![0]);
  const scan = await scanFile(filePath, (done) => progress('reading', done * 0.3));
  const entry: LogEntry = {
    importId,
    fileName: file,
    sha256: scan.sha256,
    kind: null,
    encoding: null,
    delimiter: null,
    rowsRead: 0,
    rowsImported: 0,
    rowsRejected: 0,
    status: 'rejected',
    importedBy: options.importedBy ?? defaultImporter(),
    startedAt,
    message: null,
  };
  const result: FileImportResult = {
    file,
    kind: null,
    status: 'rejected',
    rowsRead: 0,
    rowsImported: 0,
    rowsRejected: 0,
    errors: [],
    warnings: [],
    importId,
  };
  return { attempt: { connection, entry, result, progress, bytesTotal }, scan };
}

function finish(attempt: Attempt): FileImportResult {
  attempt.progress('done', attempt.bytesTotal);
  return attempt.result;
}

/** Records the whole file as rejected for one reason, with no row-level errors. */
async function rejectWholeFile(attempt: Attempt, message: string): Promise<FileImportResult> {
  attempt.result.errors = [{ line: null, column: null, message }];
  await recordAttempt(attempt.connection, { ...attempt.entry, kind: attempt.result.kind, message }, false);
  return finish(attempt);
}

function unreadableFileMessage(scan: FileScan): string | null {
  if (scan.bytes === 0) return 'the file is empty';
  if (scan.binary) return 'not a text (CSV) file: it contains binary data';
  return null;
}

/**
 * A file identical to the last imported file of its kind changes nothing: record it as 'unchanged'.
 * True when it was. Only the last one: a file identical to an older import (A, then B, then A again)
 * must replace what B brought (a population or a daily rate set back, stays corrected back), and
 * importing it again is idempotent in every kind (upsert by natural key, or replace).
 */
async function recordIfUnchanged(attempt: Attempt, scan: FileScan): Promise<boolean> {
  const { connection, entry, result } = attempt;
  const earlier = (
    await connection.runAndReadAll(
      `SELECT e.import_id, e.kind, e.rows_read FROM import_log e
       WHERE e.sha256 = $1 AND e.status = 'imported'
         AND NOT EXISTS (SELECT 1 FROM import_log later
                         WHERE later.status = 'imported' AND later.kind = e.kind AND later.import_id > e.import_id)
       ORDER BY e.import_id DESC LIMIT 1`,
      [scan.sha256],
    )
  ).getRows()[0];
  if (!earlier) return false;
  Object.assign(result, { status: 'unchanged', kind: earlier[1] as ExtractKind, rowsRead: Number(earlier[2]) });
  result.warnings.push(`identical to import ${Number(earlier[0])}; nothing changed`);
  await recordAttempt(connection, { ...entry, status: 'unchanged', kind: result.kind, rowsRead: result.rowsRead, message: result.warnings[0]! }, false);
  return true;
}

/** Encoding, delimiter and header decide the extract kind; the attempt records what was found. */
function detectKind(attempt: Attempt, scan: FileScan): ({ ok: true } & DetectedFile) | { ok: false; message: string } {
  const encoding = encodingOf(scan);
  const dialect = readHeader(scan.head, encoding);
  Object.assign(attempt.entry, { encoding, delimiter: dialect.delimiter });
  const match = matchKind(dialect.headerNames);
  if (!match.ok) return { ok: false, message: match.message };
  attempt.result.kind = attempt.entry.kind = match.definition.kind;
  attempt.result.warnings.push(...match.warnings);
  return { ok: true, scan, encoding, dialect, match };
}

/** A UTF-8 copy without interior blank lines in the import directory, the only place DuckDB may read. */
async function stageInImportDirectory(warehouse: Warehouse, attempt: Attempt, filePath: string, detected: DetectedFile): Promise<StagedFile> {
  const { bytesTotal, progress } = attempt;
  const staged = await stageFile(
    filePath,
    detected.encoding,
    importDirectoryFor(warehouse),
    (done) => progress('reading', bytesTotal * 0.3 + done * 0.1),
    detected.scan.interiorBlankLines,
  );
  const empty = staged.removedLines;
  if (empty.length > 0)
    attempt.result.warnings.push(
      `the file has ${empty.length} empty line${empty.length > 1 ? 's' : ''} (line ${empty.slice(0, 5).join(', ')}${empty.length > 5 ? ', …' : ''}); they are skipped, and the line numbers in this report are those of the file`,
    );
  return staged;
}

/** Reads and validates the staged copy in DuckDB, then loads it in one transaction and records the outcome. */
async function validateAndLoad(
  warehouse: Warehouse,
  attempt: Attempt,
  staged: StagedFile,
  detected: DetectedFile,
  options: ImportOptions,
): Promise<FileImportResult> {
  const { connection, entry, result } = attempt;
  const watch = watchQueryProgress(connection, attempt.progress, attempt.bytesTotal, { phase: 'validating', from: 0.4, to: 0.65 });
  try {
    let source: StagedSource;
    try {
      source = await stageCsv(connection, {
        stagedPath: staged.path,
        delimiter: detected.dialect.delimiter,
        definition: detected.match.definition,
        columns: detected.match.columns,
        hasQuotes: detected.scan.hasQuotes,
        now: entry.startedAt,
        removedLines: staged.removedLines,
      });
    } catch (error) {
      watch.stop();
      // DuckDB could not read the file at all (store_rejects covers row-level problems).
      return await rejectWholeFile(attempt, `the file cannot be read as CSV: ${(error as Error).message.split('\n')[0]}`);
    }
    const rowsRead = source.rowsStaged + source.rowsStructural;
    result.rowsRead = entry.rowsRead = rowsRead;
    if (rowsRead === 0) result.warnings.push('the file has a header but no rows');
    watch.enter({ phase: 'loading', from: 0.65, to: 0.95 });
    const kind = detected.match.definition.kind;
    const outcome = await loadStaged(connection, source, { ...entry, status: 'imported' }, {
      acceptRejects: options.acceptRejects === true,
      afterDelete: () => attempt.progress('loading', attempt.bytesTotal * 0.97),
      beforeCommit: options.beforeCommit && (() => options.beforeCommit!(connection, kind)),
    }).finally(() => watch.stop());
    await recordLoadOutcome(warehouse, attempt, source, outcome, kind);
    return finish(attempt);
  } finally {
    watch.stop();
  }
}

/** Fills in the result from the load; a rolled-back load is recorded with the reasons it was refused. */
async function recordLoadOutcome(warehouse: Warehouse, attempt: Attempt, source: StagedSource, outcome: LoadOutcome, kind: ExtractKind): Promise<void> {
  const { connection, entry, result } = attempt;
  if (outcome.status === 'rejected') {
    // The transaction's temp tables are gone with the rollback: find the reasons again to record them.
    await collectRejected(connection, source, true);
    const message = `${outcome.rejectedLines} of ${result.rowsRead} rows rejected; nothing imported (fix the file, or import the good rows with --accept-rejects)`;
    await recordAttempt(connection, { ...entry, rowsRejected: outcome.rejectedLines, message }, true);
    result.warnings.push(message);
  } else {
    Object.assign(result, { status: 'imported', rowsImported: outcome.inserted });
    if (outcome.inserted > 0) warehouse.dataChanged();
    result.warnings.push(...outcome.replaced.slice(0, maxReplacedLines));
    if (outcome.replaced.length > maxReplacedLines)
      result.warnings.push(
        kind === 'dognpris'
          ? `and the rates of ${outcome.replaced.length - maxReplacedLines} more years`
          : `and population for ${outcome.replaced.length - maxReplacedLines} more municipality-years was replaced`,
      );
  }
  result.rowsRejected = outcome.rejectedLines;
  result.errors = await reportedErrors(connection);
  if (outcome.rejectedLines > maxReportedErrors)
    result.warnings.push(`${outcome.rejectedLines} rows were rejected; the first ${maxReportedErrors} are listed, all are in import_rejected_row (import ${entry.importId})`);
}

async function reportedErrors(connection: DuckDBConnection): Promise<ImportError[]> {
  const rows = (await connection.runAndReadAll(`SELECT line, column_name, message FROM rejected ORDER BY line, ord LIMIT ${maxReportedErrors}`)).getRows();
  return rows.map(([line, column, message]) => ({
    line: line === null ? null : Number(line),
    column: column === null ? null : String(column),
    message: String(message),
  }));
}

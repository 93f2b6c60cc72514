// Imports one extract file: detect → stage in the import directory → read and validate in DuckDB →
// one transaction. Imports of one warehouse run one after another (two writers to one table would
// conflict), each file whole or not at all, and every attempt is recorded in import_log.
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ExtractKind, FileImportResult, ImportError, ImportSummary } from '../contract/types.ts';
import { importDirectoryFor, type Warehouse } from './db.ts';
import { encodingOf, readHeader, scanFile } from './detect.ts';
import { matchKind } from './kinds.ts';
import { loadStaged, recordAttempt, type LogEntry } from './load.ts';
import { stageFile } from './transcode.ts';
import { collectRejected, stageCsv } from './validate.ts';

export interface ImportProgress {
  file: string;
  phase: 'reading' | 'validating' | 'loading' | 'done';
  bytesDone: number;
  bytesTotal: number;
}

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
}

/** Rejected rows reported in the result; all of them are in import_rejected_row. */
export const maxReportedErrors = 1000;

const queues = new WeakMap<Warehouse, Promise<unknown>>();

/** Runs `work` after every earlier import of the same warehouse has finished. */
function serialised<T>(warehouse: Warehouse, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(warehouse) ?? Promise.resolve();
  const next = previous.then(work, work);
  queues.set(warehouse, next.catch(() => undefined));
  return next;
}

export function importFile(warehouse: Warehouse, filePath: string, options: ImportOptions = {}): Promise<FileImportResult> {
  return serialised(warehouse, () => importOne(warehouse, filePath, options));
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

async function importOne(warehouse: Warehouse, filePath: string, options: ImportOptions): Promise<FileImportResult> {
  const file = options.displayName ?? filePath;
  const bytesTotal = (await stat(filePath)).size;
  let shown = 0; // the bar never goes back (each DuckDB query reports its own progress from 0)
  const progress = (phase: ImportProgress['phase'], bytesDone: number) => {
    shown = Math.max(shown, Math.min(bytesDone, bytesTotal));
    options.onProgress?.({ file, phase, bytesDone: Math.round(shown), bytesTotal });
  };
  const connection = await warehouse.connect();
  try {
    progress('reading', 0);
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
    const finish = () => {
      progress('done', bytesTotal);
      return result;
    };
    const rejectFile = async (message: string) => {
      result.errors = [{ line: null, column: null, message }];
      await recordAttempt(connection, { ...entry, kind: result.kind, message }, false);
      return finish();
    };

    if (scan.bytes === 0) return await rejectFile('the file is empty');
    if (scan.binary) return await rejectFile('not a text (CSV) file: it contains binary data');

    const earlier = (
      await connection.runAndReadAll(
        `SELECT import_id, kind, rows_read FROM import_log WHERE sha256 = $1 AND status = 'imported' ORDER BY import_id LIMIT 1`,
        [scan.sha256],
      )
    ).getRows()[0];
    if (earlier) {
      Object.assign(result, { status: 'unchanged', kind: earlier[1] as ExtractKind, rowsRead: Number(earlier[2]) });
      result.warnings.push(`identical to import ${Number(earlier[0])}; nothing changed`);
      await recordAttempt(connection, { ...entry, status: 'unchanged', kind: result.kind, rowsRead: result.rowsRead, message: result.warnings[0]! }, false);
      return finish();
    }

    const encoding = encodingOf(scan);
    const dialect = readHeader(scan.head, encoding);
    Object.assign(entry, { encoding, delimiter: dialect.delimiter });
    const match = matchKind(dialect.headerNames);
    if (!match.ok) return await rejectFile(match.message);
    result.kind = entry.kind = match.definition.kind;
    result.warnings.push(...match.warnings);
    const staged = await stageFile(
      filePath,
      encoding,
      importDirectoryFor(warehouse),
      (done) => progress('reading', bytesTotal * 0.3 + done * 0.1),
      scan.interiorBlankLines,
    );
    const empty = staged.removedLines;
    if (empty.length > 0)
      result.warnings.push(
        `the file has ${empty.length} empty line${empty.length > 1 ? 's' : ''} (line ${empty.slice(0, 5).join(', ')}${empty.length > 5 ? ', …' : ''}); they are skipped, and the line numbers in this report are those of the file`,
      );
    try {
      // DuckDB reports the running query's progress; map it onto this phase's share of the bar.
      let stage: { phase: ImportProgress['phase']; from: number; to: number } = { phase: 'validating', from: 0.4, to: 0.65 };
      progress('validating', bytesTotal * stage.from);
      const poll = setInterval(() => {
        const percentage = connection.progress.percentage;
        if (percentage > 0) progress(stage.phase, bytesTotal * (stage.from + ((stage.to - stage.from) * percentage) / 100));
      }, 250);
      let source;
      try {
        source = await stageCsv(connection, {
          stagedPath: staged.path,
          delimiter: dialect.delimiter,
          definition: match.definition,
          columns: match.columns,
          hasQuotes: scan.hasQuotes,
          now: startedAt,
          removedLines: staged.removedLines,
        });
      } catch (error) {
        clearInterval(poll);
        // DuckDB could not read the file at all (store_rejects covers row-level problems).
        return await rejectFile(`the file cannot be read as CSV: ${(error as Error).message.split('\n')[0]}`);
      }
      const rowsRead = source.rowsStaged + source.rowsStructural;
      Object.assign(result, { rowsRead });
      Object.assign(entry, { rowsRead });
      if (rowsRead === 0) result.warnings.push('the file has a header but no rows');
      stage = { phase: 'loading', from: 0.65, to: 0.95 };
      progress('loading', bytesTotal * stage.from);
      const outcome = await loadStaged(connection, source, { ...entry, status: 'imported' }, {
        acceptRejects: options.acceptRejects === true,
        afterDelete: () => progress('loading', bytesTotal * 0.97),
        beforeCommit: options.beforeCommit && (() => options.beforeCommit!(connection, match.definition.kind)),
      }).finally(() => clearInterval(poll));
      if (outcome.status === 'rejected') {
        // The transaction's temp tables are gone with the rollback: find the reasons again to record them.
        await collectRejected(connection, source, true);
        const message = `${outcome.rejectedLines} of ${rowsRead} rows rejected; nothing imported (fix the file, or import the good rows with --accept-rejects)`;
        await recordAttempt(connection, { ...entry, rowsRejected: outcome.rejectedLines, message }, true);
        result.warnings.push(message);
      } else {
        Object.assign(result, { status: 'imported', rowsImported: outcome.inserted });
        if (outcome.inserted > 0) warehouse.dataChanged();
      }
      result.rowsRejected = outcome.rejectedLines;
      result.errors = await reportedErrors(connection);
      if (outcome.rejectedLines > maxReportedErrors)
        result.warnings.push(`${outcome.rejectedLines} rows were rejected; the first ${maxReportedErrors} are listed, all are in import_rejected_row (import ${importId})`);
      return finish();
    } finally {
      await staged.remove();
    }
  } finally {
    connection.closeSync();
  }
}

async function reportedErrors(connection: Awaited<ReturnType<Warehouse['connect']>>): Promise<ImportError[]> {
  const rows = (await connection.runAndReadAll(`SELECT line, column_name, message FROM rejected ORDER BY line, ord LIMIT ${maxReportedErrors}`)).getRows();
  return rows.map(([line, column, message]) => ({
    line: line === null ? null : Number(line),
    column: column === null ? null : String(column),
    message: String(message),
  }));
}

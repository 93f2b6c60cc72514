// Runs one analyst statement: its own connection, the sandbox check before prepare, the statement
// type after prepare, a time limit that interrupts the query inside DuckDB, a row cap, and the rows
// handed out chunk by chunk as DuckDB streams them (never the whole result in memory).
// A semaphore caps concurrent analyst queries: each running query holds a libuv worker thread, and
// the dashboards must keep theirs (engineering notes: "DuckDB in one Node process").
import { StatementType, type DuckDBConnection, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import type { Warehouse } from '../../pipeline/db.ts';
import { allowlistOf, analystCatalog } from './catalog.ts';
import { SqlProblem, problemFromDuckDb } from './errors.ts';
import { checkStatement } from './sandbox.ts';
import { Semaphore } from './semaphore.ts';

export const sqlLimits = {
  /** Server maximum; a request may ask for less. STYRINGSDATA_SQL_TIMEOUT_MS overrides. */
  timeoutMs: Number(process.env.STYRINGSDATA_SQL_TIMEOUT_MS ?? 30_000),
  defaultRows: 10_000,
  maxRows: 5_000_000,
  maxConcurrent: Number(process.env.STYRINGSDATA_SQL_CONCURRENCY ?? 2),
  /** How long a query waits for a free slot before the answer is 429. */
  queueWaitMs: 20_000,
};

const slots = new Semaphore(sqlLimits.maxConcurrent);

export interface ResultColumn {
  name: string;
  type: string;
}

export interface RunningQuery {
  readonly columns: ResultColumn[];
  readonly types: DuckDBType[];
  /** Chunks of at most `limit` rows in all; errors come out as SqlProblem. */
  chunks(): AsyncGenerator<DuckDBDataChunk>;
  /** True once more rows existed than the cap allowed (known when chunks() is done). */
  readonly truncated: boolean;
  readonly rowCount: number;
  /** For the Parquet path: the checked SQL and a connection with the same time limit. */
  readonly sql: string;
  readonly connection: DuckDBConnection;
  /** Throws the timeout problem when the limit fired during work done outside chunks(). */
  problem(error: unknown): SqlProblem;
  /** Interrupts if still running, closes the connection, frees the slot. Idempotent. */
  close(): void;
}

export interface RunOptions {
  limit: number;
  timeoutMs: number;
  /** Parquet is written by COPY from the checked SQL: prepare and check, but do not start streaming. */
  prepareOnly?: boolean;
}

export async function startAnalystQuery(warehouse: Warehouse, sql: string, options: RunOptions): Promise<RunningQuery> {
  if (!(await slots.acquire(sqlLimits.queueWaitMs))) {
    throw new SqlProblem('busy', `The workbench is busy (${sqlLimits.maxConcurrent} queries running). Try again in a moment.`);
  }
  let connection: DuckDBConnection | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let finished = false;
  let timedOut = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    if (connection) {
      if (!finished) connection.interrupt();
      connection.closeSync();
    }
    slots.release();
  };
  const problem = (error: unknown) => problemFromDuckDb(error, { timedOut, timeoutMs: options.timeoutMs });

  try {
    connection = await warehouse.connect();
    const allowlist = allowlistOf(await analystCatalog(warehouse));
    const checked = await checkStatement(connection, sql, allowlist);
    const live = connection;
    timer = setTimeout(() => {
      timedOut = true;
      live.interrupt();
      // A client that stops reading leaves the stream idle with nothing to interrupt: free the
      // connection and the slot anyway after a short grace (a fetch after close yields nothing,
      // and chunks() then reports the timeout).
      setTimeout(close, 1000).unref();
    }, options.timeoutMs);

    const extracted = await connection.extractStatements(sql);
    const prepared = await extracted.prepare(0);
    const expected = checked.kind === 'explain' ? StatementType.EXPLAIN : StatementType.SELECT;
    if (prepared.statementType !== expected) {
      throw new SqlProblem('sql_refused', 'Only one read-only statement is allowed: SELECT/WITH/FROM, DESCRIBE, SUMMARIZE or EXPLAIN.');
    }
    const columns: ResultColumn[] = [];
    const types: DuckDBType[] = [];
    for (let i = 0; i < prepared.columnCount; i++) {
      const type = prepared.columnType(i);
      columns.push({ name: prepared.columnName(i), type: type.toString() });
      types.push(type);
    }
    if (options.prepareOnly) {
      return { columns, types, sql, connection, truncated: false, rowCount: 0, problem, close, chunks: emptyChunks };
    }

    const result = await prepared.stream();
    let rowCount = 0;
    let truncated = false;
    // Fetch the first chunk before answering, so that most errors (binding, a blocking sort or
    // aggregate, the time limit) still become a clean 400 instead of a broken stream.
    const first = await result.fetchChunk();
    async function* chunks(): AsyncGenerator<DuckDBDataChunk> {
      try {
        let chunk = first;
        while (chunk && chunk.rowCount > 0) {
          const room = options.limit - rowCount;
          if (chunk.rowCount > room) {
            truncated = true;
            if (room > 0) {
              chunk.rowCount = room;
              rowCount += room;
              yield chunk;
            }
            break;
          }
          rowCount += chunk.rowCount;
          yield chunk;
          chunk = await result.fetchChunk();
          if (timedOut) throw new Error('INTERRUPT Error: time limit');
          if (rowCount === options.limit && chunk && chunk.rowCount > 0) {
            truncated = true;
            break;
          }
        }
        finished = true;
      } catch (error) {
        throw problem(error);
      }
    }
    return {
      columns,
      types,
      sql,
      connection,
      problem,
      close,
      chunks,
      get truncated() {
        return truncated;
      },
      get rowCount() {
        return rowCount;
      },
    };
  } catch (error) {
    close();
    throw problem(error);
  }
}

async function* emptyChunks(): AsyncGenerator<DuckDBDataChunk> {}

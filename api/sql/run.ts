// Runs one analyst statement: a connection of its own (one of the analyst connections lockDown()
// prepared, whose small streaming buffer keeps DuckDB from computing far ahead), the sandbox check (which also produces the SQL that
// runs, sandbox.ts), a read-only transaction that is always rolled back, the statement type after
// prepare, a time limit that interrupts the query inside DuckDB, a row cap, and a byte budget
// measured on each chunk before any value becomes a JS string (budget.ts). Rows are handed out chunk
// by chunk as DuckDB streams them, in slices of a few MB (never the whole result in memory).
// A semaphore caps concurrent analyst queries: each running query holds a libuv worker thread, and
// the dashboards must keep theirs (engineering notes: "DuckDB in one Node process").
import duckdb from '@duckdb/node-bindings';
import { StatementType, type DuckDBConnection, type DuckDBDataChunk, type DuckDBPreparedStatement, type DuckDBType } from '@duckdb/node-api';
import { analystConnectionCount, type AnalystConnection, type Warehouse } from '../../pipeline/db.ts';
import { ByteBudget, rowSizes, rowSlices } from './budget.ts';
import { allowlistOf, analystCatalog } from './catalog.ts';
import { SqlProblem, problemFromDuckDb } from './errors.ts';
import { checkStatement } from './sandbox.ts';
import { Semaphore } from './semaphore.ts';

export const sqlLimits = {
  /** Server maximum; a request may ask for less. STYRINGSDATA_SQL_TIMEOUT_MS overrides. */
  timeoutMs: Number(process.env.STYRINGSDATA_SQL_TIMEOUT_MS ?? 30_000),
  defaultRows: 10_000,
  maxRows: 5_000_000,
  /** STYRINGSDATA_SQL_CONCURRENCY; lockDown() prepares as many analyst connections. */
  maxConcurrent: analystConnectionCount(),
  /** How long a query waits for a free slot before the answer is 429. */
  queueWaitMs: 20_000,
};

const slots = new Semaphore(sqlLimits.maxConcurrent);

export interface ResultColumn {
  name: string;
  type: string;
}

/** A chunk admitted by the byte budget, with the row ranges to convert one at a time. */
export interface ResultChunk {
  chunk: DuckDBDataChunk;
  slices: [from: number, to: number][];
}

export interface RunningQuery {
  readonly columns: ResultColumn[];
  readonly types: DuckDBType[];
  /** Chunks of at most `limit` rows in all; errors (the budget too) come out as SqlProblem. */
  chunks(): AsyncGenerator<ResultChunk>;
  /** The formats count the bytes they write here; past the budget it throws 'too_large'. */
  readonly budget: ByteBudget;
  /** True once more rows existed than the cap allowed (known when chunks() is done). */
  readonly truncated: boolean;
  readonly rowCount: number;
  /** For the Parquet path: the checked SQL that runs, and the connection inside its transaction. */
  readonly sql: string;
  readonly connection: DuckDBConnection;
  /** Throws the timeout problem when the limit fired during work done outside chunks(). */
  problem(error: unknown): SqlProblem;
  /** Interrupts if still running, rolls back, closes the connection, frees the slot. Idempotent. */
  close(): Promise<void>;
}

export interface RunOptions {
  limit: number;
  timeoutMs: number;
  /** Parquet is written by COPY from the checked SQL: prepare and check, but do not start streaming. */
  prepareOnly?: boolean;
  /** Run `EXPLAIN <the checked query>` (the plan, never EXPLAIN ANALYZE). */
  explain?: boolean;
}

export async function startAnalystQuery(warehouse: Warehouse, text: string, options: RunOptions): Promise<RunningQuery> {
  if (!(await slots.acquire(sqlLimits.queueWaitMs))) {
    throw new SqlProblem('busy', `The workbench is busy (${sqlLimits.maxConcurrent} queries running). Try again in a moment.`);
  }
  let lease: AnalystConnection | null = null;
  let connection: DuckDBConnection | null = null;
  let pending: ResultChunk | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closing: Promise<void> | null = null;
  let finished = false;
  let timedOut = false;
  const close = (): Promise<void> => {
    if (closing) return closing;
    if (timer) clearTimeout(timer);
    const open = connection;
    closing = (async () => {
      try {
        // A chunk fetched but never handed out; one handed out is freed by chunks() itself, as the
        // format may still be reading it.
        if (pending) freeChunk(pending.chunk);
        pending = null;
        if (open) {
          if (!finished) open.interrupt();
          // Whatever ran, nothing of it stays: the transaction ends in ROLLBACK before the
          // connection goes back to the pool (an interrupted connection stays usable).
          await open.run('ROLLBACK').catch(() => {});
        }
        lease?.release();
      } finally {
        slots.release();
      }
    })();
    return closing;
  };
  const problem = (error: unknown) => problemFromDuckDb(error, { timedOut, timeoutMs: options.timeoutMs });

  try {
    lease = await warehouse.analystConnection();
    connection = lease.connection;
    const allowlist = allowlistOf(await analystCatalog(warehouse));
    const checked = await checkStatement(connection, text, allowlist);
    const live = connection;
    timer = setTimeout(() => {
      timedOut = true;
      live.interrupt();
      // A client that stops reading leaves the stream idle with nothing to interrupt: free the
      // connection and the slot anyway after a short grace (a fetch after close yields nothing,
      // and chunks() then reports the timeout).
      setTimeout(() => void close(), 1000).unref();
    }, options.timeoutMs);

    // Only DuckDB's rendering of the checked tree runs, never the analyst's text (sandbox.ts).
    const sql = options.explain ? `EXPLAIN ${checked.sql}` : checked.sql;
    const prepared = await prepareReadOnly(connection, sql, options.explain ? StatementType.EXPLAIN : StatementType.SELECT);
    const columns: ResultColumn[] = [];
    const types: DuckDBType[] = [];
    for (let i = 0; i < prepared.columnCount; i++) {
      const type = prepared.columnType(i);
      columns.push({ name: prepared.columnName(i), type: type.toString() });
      types.push(type);
    }
    const budget = new ByteBudget();
    if (options.prepareOnly) {
      return { columns, types, sql: checked.sql, connection, budget, truncated: false, rowCount: 0, problem, close, chunks: emptyChunks };
    }

    const result = await prepared.stream();
    const admit = (chunk: DuckDBDataChunk): ResultChunk => {
      try {
        const sizes = rowSizes(chunk, types);
        budget.admitChunk(sizes);
        return { chunk, slices: [...rowSlices(sizes, budget.sliceBytes)] };
      } catch (error) {
        freeChunk(chunk);
        throw error;
      }
    };
    let rowCount = 0;
    let truncated = false;
    // Fetch and measure the first chunk before answering, so that most errors (binding, a blocking
    // sort or aggregate, the time limit, an oversized first chunk) still become a clean 400 instead
    // of a broken stream. Rows past the cap are cut before they are measured.
    const first = await result.fetchChunk();
    if (first && first.rowCount > 0) {
      if (first.rowCount > options.limit) {
        truncated = true;
        first.rowCount = options.limit;
      }
      pending = admit(first);
    }
    async function* chunks(): AsyncGenerator<ResultChunk> {
      try {
        // The time limit may have closed the query (and dropped the first chunk) before the client
        // began to read: that is a timeout, never a silently empty result.
        if (timedOut) throw new Error('INTERRUPT Error: time limit');
        while (pending) {
          const current: ResultChunk = pending;
          pending = null;
          rowCount += current.chunk.rowCount;
          try {
            yield current;
          } finally {
            // The format has converted every slice of it (or stopped reading).
            freeChunk(current.chunk);
          }
          if (truncated) break;
          // After the time limit the connection may already serve another query: never fetch from it.
          if (timedOut) throw new Error('INTERRUPT Error: time limit');
          const chunk = await result.fetchChunk();
          if (timedOut) throw new Error('INTERRUPT Error: time limit');
          if (!chunk || chunk.rowCount === 0) break;
          const room = options.limit - rowCount;
          if (room === 0) {
            truncated = true;
            break;
          }
          if (chunk.rowCount > room) {
            truncated = true;
            chunk.rowCount = room;
          }
          pending = admit(chunk);
        }
        finished = true;
      } catch (error) {
        throw problem(error);
      }
    }
    return {
      columns,
      types,
      sql: checked.sql,
      connection,
      budget,
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
    await close();
    throw problem(error);
  }
}

/**
 * Opens a read-only transaction on `connection` and prepares `sql` in it, which must be exactly one
 * statement of the expected type. The second wall behind the check: should a statement that writes
 * ever get past sandbox.ts, DuckDB refuses the write inside this transaction, and close() rolls it
 * back whatever happened.
 */
export async function prepareReadOnly(connection: DuckDBConnection, sql: string, expected: StatementType): Promise<DuckDBPreparedStatement> {
  const extracted = await connection.extractStatements(sql);
  if (extracted.count !== 1) throw new SqlProblem('sql_refused', 'Only one statement at a time.');
  await connection.run('BEGIN TRANSACTION READ ONLY');
  const prepared = await extracted.prepare(0);
  if (prepared.statementType !== expected) {
    throw new SqlProblem('sql_refused', 'Only one read-only query is allowed: SELECT/WITH/FROM, VALUES, DESCRIBE or SUMMARIZE.');
  }
  return prepared;
}

async function* emptyChunks(): AsyncGenerator<ResultChunk> {}

/**
 * Frees a chunk's data (its strings and lists) at once. The bindings free a chunk only when V8
 * collects its wrapper, and V8 does not know what the wrapper holds: a stream of large chunks would
 * otherwise keep many of them (1 000 000 rows of 10 000 characters read without freeing passed
 * 4 GB of resident memory; freeing each after use: +80 MB, measured).
 */
function freeChunk(chunk: DuckDBDataChunk): void {
  duckdb.data_chunk_reset(chunk.chunk);
}

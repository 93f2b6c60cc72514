// The one way into the DuckDB file. DuckDB must be opened once per file per process (a second
// instance on the same file loses data at checkpoint: see shared/spec/engineering-notes.md), so
// openWarehouse() keeps one instance per resolved path and hands out connections from it.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { migrateDailyRateTable, seedDailyRates } from './daily-rates.ts';
import { ensurePrivateDirectory, makeDatabaseFilesPrivate } from './private-files.ts';
import { sqlString } from './sql-quote.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const referenceDir = join(here, 'reference');
export const defaultDatabasePath = process.env.STYRINGSDATA_DB ?? 'data/styringsdata.duckdb';

/** Where the importer puts (transcoded) copies of files before DuckDB reads them; the only directory
 *  DuckDB may read after lockDown(). */
export function importDirectoryFor(warehouse: Pick<Warehouse, 'path'>): string {
  return warehouse.path === ':memory:' ? resolve('data/imports') : join(dirname(warehouse.path), 'imports');
}

export interface Warehouse {
  /** Absolute path of the database file (or ':memory:'). */
  readonly path: string;
  readonly instance: DuckDBInstance;
  /** A new connection on the shared instance. Each concurrent query wants its own. */
  connect(): Promise<DuckDBConnection>;
  /** Run `work` on a fresh connection and close it afterwards. */
  withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  /**
   * A connection for analyst SQL with the session settings lockDown() gave it (a small
   * streaming_buffer_size, which cannot be set after the lock). Pass it back with `release()`;
   * it is reused, so the caller ends its transaction first.
   */
  analystConnection(): Promise<AnalystConnection>;
  /** Whether lockDown() has been applied (external file access off except the import directory). */
  readonly lockedDown: boolean;
  /** Grows by one with every committed import; caches key on it. */
  readonly dataVersion: number;
  /** Called by the importer after a commit that changed data. */
  dataChanged(): void;
  /** Listen for committed data changes (cache invalidation). Returns an unsubscribe function. */
  onDataChange(listener: (dataVersion: number) => void): () => void;
  close(): void;
}

export interface AnalystConnection {
  connection: DuckDBConnection;
  release(): void;
}

/**
 * Session settings of every analyst connection. A streamed result computes ahead until its buffer
 * (streaming_buffer_size, default 976 KiB) is full, DuckDB counts only 16 bytes per string there, and
 * neither those chunks nor the strings in them count against memory_limit: with the default about 30
 * chunks (61 000 rows) of any width are built before the first one is fetched. 32 KB keeps that to
 * about one chunk (a 1 000 000-row stream of 10 000-character values: +80 MB instead of +1.3 GB,
 * measured) at no measurable cost in throughput. The setting is per connection and cannot change
 * once the configuration is locked, so lockDown() makes these connections before the lock.
 */
export const analystSessionSettings = ["SET streaming_buffer_size = '32KB'"];

/** How many analyst connections lockDown() prepares: one per concurrent analyst query (api/sql/run.ts). */
export function analystConnectionCount(): number {
  const value = Number(process.env.STYRINGSDATA_SQL_CONCURRENCY ?? 2);
  return Number.isInteger(value) && value > 0 ? value : 2;
}

const open = new Map<string, Promise<Warehouse>>();

export function openWarehouse(path: string = defaultDatabasePath): Promise<Warehouse> {
  return oncePerFile(open, path, create);
}

/**
 * One value per resolved database path, shared by every caller in the process: DuckDB loses data when
 * two instances open one file (engineering notes). A failed open is forgotten so it can be retried.
 */
export function oncePerFile<T>(cache: Map<string, Promise<T>>, path: string, create: (key: string) => Promise<T>): Promise<T> {
  const key = path === ':memory:' ? path : resolve(path);
  let pending = cache.get(key);
  if (!pending) {
    pending = create(key).catch((error: unknown) => {
      cache.delete(key);
      throw error;
    });
    cache.set(key, pending);
  }
  return pending;
}

/** Run `work` on a fresh connection of `instance` and close it afterwards. */
export async function withConnectionOn<T>(instance: DuckDBInstance, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
  }
}

/**
 * Runs `work` between BEGIN TRANSACTION and COMMIT on `connection`. When `work` throws, the transaction
 * is rolled back and the error passed on (a failing ROLLBACK must not hide it). `commitIf` lets a caller
 * end without its changes (rolled back, no error) when the result says so.
 */
export async function inTransaction<T>(
  connection: DuckDBConnection,
  work: () => Promise<T>,
  options: { commitIf?: (result: T) => boolean; run?: (sql: string) => Promise<unknown> } = {},
): Promise<T> {
  const run = options.run ?? ((sql: string) => connection.run(sql));
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await run(options.commitIf?.(result) === false ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** A DuckDB instance on `path` whose folder (0700) and files (0600) are private to this user, also when they exist. */
export async function createPrivateInstance(path: string): Promise<DuckDBInstance> {
  if (path !== ':memory:') {
    const notice = ensurePrivateDirectory(dirname(path));
    if (notice) process.emitWarning(notice);
  }
  const instance = await DuckDBInstance.create(path);
  makeDatabaseFilesPrivate(path);
  return instance;
}

async function create(path: string): Promise<Warehouse> {
  const instance = await createPrivateInstance(path);
  let lockedDown = false;
  let dataVersion = 0;
  // Filled by lockDown(); before it, analyst connections are made on demand with the same settings.
  const analystPool: DuckDBConnection[] = [];
  const listeners = new Set<(dataVersion: number) => void>();
  const warehouse: Warehouse = {
    path,
    instance,
    connect: () => instance.connect(),
    withConnection: (work) => withConnectionOn(instance, work),
    async analystConnection() {
      if (!lockedDown) {
        const connection = await instance.connect();
        for (const setting of analystSessionSettings) await connection.run(setting);
        return { connection, release: () => connection.closeSync() };
      }
      const connection = analystPool.pop();
      if (!connection) throw new Error('all analyst connections are in use; run no more analyst queries at once than STYRINGSDATA_SQL_CONCURRENCY');
      return { connection, release: () => void analystPool.push(connection) };
    },
    get lockedDown() {
      return lockedDown;
    },
    get dataVersion() {
      return dataVersion;
    },
    dataChanged() {
      dataVersion += 1;
      for (const listener of listeners) listener(dataVersion);
    },
    onDataChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      open.delete(path);
      for (const connection of analystPool.splice(0)) connection.closeSync();
      instance.closeSync();
    },
  };
  await warehouse.withConnection(async (connection) => {
    await migrateDailyRateTable(connection);
    await connection.run(readFileSync(join(here, 'schema.sql'), 'utf8'));
    await seedReferenceData(connection);
  });
  Object.defineProperty(warehouse, 'markLockedDown', {
    value: (pool: DuckDBConnection[]) => {
      analystPool.push(...pool);
      lockedDown = true;
    },
  });
  return warehouse;
}

/**
 * Turns off file and network access for every connection of the instance, except reading the
 * import directory, then locks the configuration. Irreversible for the life of the instance; the
 * order matters and only works as SQL statements (engineering notes).
 */
export async function lockDown(
  warehouse: Warehouse,
  importDirectory: string,
  memoryLimit = '8GB',
  options: { analystConnections?: number } = {},
): Promise<void> {
  if (warehouse.lockedDown) return;
  const allowed = resolve(importDirectory).replace(/\/?$/, '/');
  const notice = ensurePrivateDirectory(allowed);
  if (notice) process.emitWarning(notice);
  // The analyst connections get their session settings now: after the lock no SET works any more.
  const pool: DuckDBConnection[] = [];
  for (let i = 0; i < (options.analystConnections ?? analystConnectionCount()); i++) {
    const connection = await warehouse.instance.connect();
    for (const setting of analystSessionSettings) await connection.run(setting);
    pool.push(connection);
  }
  await warehouse.withConnection(async (connection) => {
    await connection.run(`SET memory_limit = '${memoryLimit.replace(/'/g, '')}'`);
    await connection.run(`SET allowed_directories = [${sqlString(allowed)}]`);
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
  });
  (warehouse as unknown as { markLockedDown(pool: DuckDBConnection[]): void }).markLockedDown(pool);
}

/** Loads pipeline/reference/*.csv into the reference tables the first time (tables empty; the daily rates: daily-rates.ts). */
async function seedReferenceData(connection: DuckDBConnection): Promise<void> {
  const count = async (table: string) =>
    Number((await connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0]?.[0] ?? 0);
  const csv = (name: string) => sqlString(join(referenceDir, name));

  if ((await count('municipality')) === 0) {
    await connection.run(`INSERT INTO municipality SELECT code, name, county
      FROM read_csv(${csv('municipalities.csv')}, header = true, auto_detect = false,
                    columns = {'code': 'VARCHAR', 'name': 'VARCHAR', 'county': 'VARCHAR'})`);
  }
  if ((await count('municipality_code_change')) === 0) {
    const rows = parseCodeChanges(readFileSync(join(referenceDir, 'municipality-code-changes.csv'), 'utf8'));
    const values = rows
      .map((r) => `(${[r.oldCode, r.oldName, r.newCode, r.newName].map(sqlString).join(', ')}, ${r.year})`)
      .join(',\n');
    // change_type is derived: several successors = split; several predecessors = merge; else renumber.
    await connection.run(`INSERT INTO municipality_code_change
      WITH edge(old_code, old_name, new_code, new_name, year) AS (VALUES ${values})
      SELECT DISTINCT old_code, old_name, new_code, new_name, year,
        CASE WHEN count(*) OVER (PARTITION BY old_code, year) > 1 THEN 'split'
             WHEN count(*) OVER (PARTITION BY new_code, year) > 1 THEN 'merge'
             ELSE 'renumber' END
      FROM edge`);
  }
  if ((await count('collaboration')) === 0) {
    await connection.run(`CREATE TEMP TABLE collaboration_seed AS SELECT * FROM read_csv(${csv('collaborations.csv')},
      header = true, auto_detect = false,
      columns = {'collaboration_id': 'VARCHAR', 'name': 'VARCHAR', 'municipality_code': 'VARCHAR'})`);
    await connection.run(`INSERT INTO collaboration SELECT DISTINCT collaboration_id, name FROM collaboration_seed`);
    await connection.run(`INSERT INTO collaboration_member SELECT DISTINCT collaboration_id, municipality_code FROM collaboration_seed`);
    await connection.run(`DROP TABLE collaboration_seed`);
  }
  await seedDailyRates(connection, referenceDir);
}

export interface CodeChange {
  oldCode: string;
  oldName: string;
  newCode: string;
  newName: string;
  year: number;
}

/**
 * Parses the code-history table (shared/data/municipality-code-changes.csv format):
 * `0220,Asker,"2020:3025 Asker -> 2024:3203 Asker"` is a chain of steps; `|` separates the parts
 * of a split (`"2024:1508 Ålesund | 2024:1580 Haram"`).
 */
export function parseCodeChanges(text: string): CodeChange[] {
  const edges: CodeChange[] = [];
  for (const line of text.split(/\r?\n/).slice(1)) {
    const match = /^(\d{4}),([^,]*),"?([^"]*)"?$/.exec(line.trim());
    if (!match) continue;
    const [, firstCode, firstName, chain] = match as unknown as [string, string, string, string];
    let previous = [{ code: firstCode, name: firstName }];
    for (const step of chain.split('->')) {
      const next = step.split('|').map((part) => {
        const m = /^\s*(\d{4}):(\d{4})\s+(.+?)\s*$/.exec(part);
        if (!m) throw new Error(`municipality-code-changes.csv: cannot read "${part.trim()}" in line "${line}"`);
        return { year: Number(m[1]), code: m[2]!, name: m[3]! };
      });
      for (const from of previous)
        for (const to of next)
          if (from.code !== to.code)
            edges.push({ oldCode: from.code, oldName: from.name, newCode: to.code, newName: to.name, year: to.year });
      previous = next;
    }
  }
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = `${e.oldCode}>${e.newCode}>${e.year}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

// Materialised building blocks. Merging stays into episodes is a window over every hospital stay
// (seconds on the national data), too slow to repeat per request, so episodes and readmission
// index episodes are kept in derived_* tables. They are rebuilt
//   - by refreshDerived(connection), which the importer may call inside its import transaction, and
//   - otherwise automatically before the next metric query, when hospital_stay's fingerprint
//     (row count, latest import, latest time stamps) or the metric SQL has changed since the last build.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, type Warehouse } from '../../pipeline/db.ts';
import { serviceAreas } from '../../contract/types.ts';
import { sqlFiles, sqlOf } from './catalogue.ts';

/** Changes whenever any metric SQL file changes: derived tables built by other SQL are rebuilt. Whole-line
 *  comments (the definitions in words) are left out: rewording them must not rebuild national data. */
const withoutCommentLines = (sql: string) => sql.split('\n').filter((line) => !line.trimStart().startsWith('--')).join('\n');
export const definitionHash = createHash('sha256').update(sqlFiles.map((file) => withoutCommentLines(sqlOf(file))).join('\n')).digest('hex').slice(0, 16);

const unionOver = (macro: string) =>
  serviceAreas.map((area) => `SELECT '${area}'::VARCHAR AS episode_area, * FROM ${macro}('${area}')`).join('\nUNION ALL\n');

const stateTable = `CREATE TABLE IF NOT EXISTS derived_state (
  definition_hash VARCHAR NOT NULL, source_fingerprint VARCHAR NOT NULL, refreshed_at TIMESTAMP NOT NULL)`;

async function fingerprint(connection: DuckDBConnection): Promise<string> {
  const reader = await connection.runAndReadAll(`SELECT concat_ws('|', count(*), max(import_id), max(admitted), max(discharged),
      max(ready_for_discharge), sum(source_line)) AS f FROM hospital_stay`);
  return String(reader.getRowObjects()[0]?.f ?? '');
}

async function storedState(connection: DuckDBConnection): Promise<{ hash: string; fingerprint: string } | null> {
  await connection.run(stateTable);
  const row = (await connection.runAndReadAll('SELECT definition_hash, source_fingerprint FROM derived_state LIMIT 1')).getRowObjects()[0];
  return row ? { hash: String(row.definition_hash), fingerprint: String(row.source_fingerprint) } : null;
}

/** Drops derived tables built by an older version of the metric SQL (their columns may differ). */
export async function dropOutdatedDerived(connection: DuckDBConnection): Promise<void> {
  const state = await storedState(connection);
  if (state && state.hash === definitionHash) return;
  await connection.run('DROP VIEW IF EXISTS episode');
  await connection.run('DROP TABLE IF EXISTS derived_readmission_index');
  await connection.run('DROP TABLE IF EXISTS derived_episode');
  await connection.run('DELETE FROM derived_state');
}

/**
 * Rebuilds the derived tables from the current facts. Runs in the caller's transaction if there is
 * one (the importer: readers then see old facts with old episodes or new with new, never a mix).
 * Needs the metric views installed (installMetricViews); installs them when missing.
 */
export async function refreshDerived(connection: DuckDBConnection): Promise<void> {
  const installed = await connection.runAndReadAll(
    `SELECT count(*) AS n FROM duckdb_functions() WHERE function_name = 'episodes_from_stays'`,
  );
  if (Number(installed.getRowObjects()[0]?.n ?? 0) === 0) {
    await connection.run(stateTable);
    for (const file of sqlFiles) await connection.run(sqlOf(file));
  }
  await connection.run(`CREATE OR REPLACE TABLE derived_episode AS ${unionOver('episodes_from_stays')}`);
  await connection.run(`CREATE OR REPLACE TABLE derived_readmission_index AS ${unionOver('readmission_index_from_episodes')}`);
  // CREATE OR REPLACE drops the tables' comments: apply the ones the SQL files give them again.
  for (const comment of sqlFiles.flatMap((file) => sqlOf(file).match(/^COMMENT ON TABLE derived_\w+ IS '(?:[^']|'')*';$/gm) ?? []))
    await connection.run(comment);
  await connection.run(stateTable);
  await connection.run('DELETE FROM derived_state');
  await connection.run(`INSERT INTO derived_state VALUES ($hash, $fingerprint, current_timestamp::TIMESTAMP)`, {
    hash: definitionHash,
    fingerprint: await fingerprint(connection),
  });
}

const pending = new WeakMap<Warehouse, Promise<void>>();
/** dataVersion at which the derived tables were last found (or made) current. In the server (locked
 *  down) only the importer writes hospital_stay and it bumps dataVersion, so the fingerprint scan is
 *  needed once per version, not once per query. */
const currentAt = new WeakMap<Warehouse, number>();

/** Rebuilds the derived tables if the facts or the definitions changed since the last build. One
 *  check at a time per warehouse; costs one small aggregate over hospital_stay when nothing changed. */
export function ensureDerived(warehouse: Warehouse): Promise<void> {
  if (warehouse.lockedDown && currentAt.get(warehouse) === warehouse.dataVersion) return pending.get(warehouse) ?? Promise.resolve();
  const version = warehouse.dataVersion;
  const previous = pending.get(warehouse) ?? Promise.resolve();
  const next = previous.then(() =>
    warehouse.withConnection(async (connection) => {
      const state = await storedState(connection);
      if (state && state.hash === definitionHash && state.fingerprint === (await fingerprint(connection))) return;
      try {
        await inTransaction(connection, () => refreshDerived(connection));
      } catch (error) {
        // Another connection (an import calling refreshDerived) rebuilt them at the same time: its
        // build wins, and this query reads that one.
        if (/conflict/i.test(String(error))) return;
        throw error;
      }
    }),
  ).then(() => {
    currentAt.set(warehouse, version);
  });
  pending.set(warehouse, next.catch(() => undefined));
  return next;
}

// Materialised building blocks. Merging stays into episodes is a window over every hospital stay
// (seconds on the national data), too slow to repeat per request, so episodes and readmission
// index episodes are kept in derived_* tables. They are rebuilt
//   - by refreshDerived(connection), which the importer may call inside its import transaction, and
//   - otherwise automatically before the next metric query, when hospital_stay's fingerprint
//     (row count, latest import, latest time stamps) or the metric SQL has changed since the last build.
// The record keys of protected figures (docs/disclosure-control.md) are built with them: a keyed hash
// over ~1 µs a record is too slow per query, and the secret never enters the warehouse. KAD stays have
// their own fingerprint: a KAD import rebuilds only the KAD keys.
import { createHash, randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, type Warehouse } from '../../pipeline/db.ts';
import { serviceAreas } from '../../contract/types.ts';
import { recordDomains, recordKeyParameters, recordKeySql } from '../disclosure/record-key.ts';
import { cellKeySecret } from '../disclosure/secret.ts';
import { sqlFiles, sqlOf } from './catalogue.ts';

/** Changes whenever any metric SQL file changes: derived tables built by other SQL are rebuilt. Whole-line
 *  comments (the definitions in words) are left out: rewording them must not rebuild national data. */
const withoutCommentLines = (sql: string) => sql.split('\n').filter((line) => !line.trimStart().startsWith('--')).join('\n');
export const definitionHash = createHash('sha256').update(sqlFiles.map((file) => withoutCommentLines(sqlOf(file))).join('\n')).digest('hex').slice(0, 16);

const unionOver = (macro: string, extraColumns = '') =>
  serviceAreas.map((area) => `SELECT '${area}'::VARCHAR AS episode_area, *${extraColumns} FROM ${macro}('${area}')`).join('\nUNION ALL\n');

const episodeKey = recordKeySql(recordDomains.episode, ['patient_id', `strftime(admitted, '%Y-%m-%dT%H:%M:%S')`]);
// The episode's patient's key: distinct patients with an episode (projections of diagnosis groups).
const episodePatientKey = recordKeySql(recordDomains.patient, ['patient_id']);
const kadKeys = `CREATE OR REPLACE TABLE derived_kad_stay_key AS
  SELECT unit, stay_id, ${recordKeySql(recordDomains.kadStay, ['unit', 'stay_id'])} AS record_key,
         ${recordKeySql(recordDomains.stayNights, [`'kad'`, 'unit', 'stay_id'])} AS nights_key
  FROM kad_stay`;
const hospitalStayKeys = `CREATE OR REPLACE TABLE derived_hospital_stay_key AS
  SELECT hospital, stay_id, ${recordKeySql(recordDomains.hospitalStay, ['hospital', 'stay_id'])} AS record_key,
         ${recordKeySql(recordDomains.stayNights, [`'hospital'`, 'hospital', 'stay_id'])} AS nights_key,
         ${recordKeySql(recordDomains.patient, ['patient_id'])} AS patient_record_key
  FROM hospital_stay WHERE ready_for_discharge IS NOT NULL`;

/** An in-memory warehouse has no file to keep a secret beside: one random secret per process (its
 *  data, and so its keys, live no longer than the process). */
let inMemorySecret: Uint8Array | undefined;

/** The cell-key secret of the database this connection works on (api/disclosure/secret.ts). */
async function secretOf(connection: DuckDBConnection): Promise<Uint8Array> {
  const reader = await connection.runAndReadAll(`SELECT path FROM duckdb_databases() WHERE database_name = current_database()`);
  const path = reader.getRowObjects()[0]?.path;
  if (path == null || path === '' || path === ':memory:') return (inMemorySecret ??= randomBytes(32));
  return cellKeySecret(String(path));
}

const stateTable = `CREATE TABLE IF NOT EXISTS derived_state (
  definition_hash VARCHAR NOT NULL, source_fingerprint VARCHAR NOT NULL, refreshed_at TIMESTAMP NOT NULL)`;

/** `<hospital stays>#<KAD stays>#<secret>`: what the derived tables were built from. The secret's part
 *  is a hash of it (never the secret): a database copied without its secret, or a rotated secret, gets
 *  its record keys rebuilt instead of keeping keys no current secret explains. */
async function fingerprint(connection: DuckDBConnection): Promise<string> {
  const secretId = createHash('sha256').update(await secretOf(connection)).digest('hex').slice(0, 16);
  const reader = await connection.runAndReadAll(`SELECT
      (SELECT concat_ws('|', count(*), max(import_id), max(admitted), max(discharged), max(ready_for_discharge), sum(source_line))
         FROM hospital_stay) || '#' ||
      (SELECT concat_ws('|', count(*), max(import_id), max(admitted), max(discharged), sum(source_line)) FROM kad_stay) AS f`);
  return `${String(reader.getRowObjects()[0]?.f ?? '')}#${secretId}`;
}
/** Everything but the KAD part: when only that changed, only the KAD keys are rebuilt. */
const withoutKadPart = (fingerprint: string) => fingerprint.split('#').filter((_, index) => index !== 1).join('#');

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
  await connection.run('DROP TABLE IF EXISTS derived_national_readmission_index');
  await connection.run('DROP TABLE IF EXISTS derived_readmission_index');
  await connection.run('DROP TABLE IF EXISTS derived_episode');
  await connection.run('DROP TABLE IF EXISTS derived_kad_stay_key');
  await connection.run('DROP TABLE IF EXISTS derived_hospital_stay_key');
  await connection.run('DELETE FROM derived_state');
}

/**
 * Rebuilds the derived tables from the current facts. Runs in the caller's transaction if there is
 * one (the importer: readers then see old facts with old episodes or new with new, never a mix).
 * Needs the metric views installed (installMetricViews); installs them when missing. The record keys'
 * secret is the one of the connection's database file unless given.
 */
export async function refreshDerived(connection: DuckDBConnection, secret?: Uint8Array): Promise<void> {
  const installed = await connection.runAndReadAll(
    `SELECT count(*) AS n FROM duckdb_functions() WHERE function_name = 'episodes_from_stays'`,
  );
  if (Number(installed.getRowObjects()[0]?.n ?? 0) === 0) {
    await connection.run(stateTable);
    for (const file of sqlFiles) await connection.run(sqlOf(file));
  }
  const keys = recordKeyParameters(secret ?? (await secretOf(connection)));
  await connection.run(`CREATE OR REPLACE TABLE derived_episode AS ${unionOver('episodes_from_stays', `, ${episodeKey} AS record_key, ${episodePatientKey} AS patient_record_key`)}`, keys);
  await connection.run(`CREATE OR REPLACE TABLE derived_readmission_index AS ${unionOver('readmission_index_from_episodes')}`);
  await connection.run(`CREATE OR REPLACE TABLE derived_national_readmission_index AS SELECT * FROM national_readmission_index_from_episodes('somatikk', 'elleve')`);
  await connection.run(hospitalStayKeys, keys);
  await connection.run(kadKeys, keys);
  await finishRefresh(connection);
}

/** Rebuilds only the KAD stays' keys (a KAD import changes nothing else that is derived). */
async function refreshKadKeys(connection: DuckDBConnection): Promise<void> {
  await connection.run(kadKeys, recordKeyParameters(await secretOf(connection)));
  await finishRefresh(connection);
}

async function finishRefresh(connection: DuckDBConnection): Promise<void> {
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
      const current = await fingerprint(connection);
      if (state && state.hash === definitionHash && state.fingerprint === current) return;
      const onlyKad = state !== null && state.hash === definitionHash && withoutKadPart(state.fingerprint) === withoutKadPart(current);
      try {
        await inTransaction(connection, () => (onlyKad ? refreshKadKeys(connection) : refreshDerived(connection)));
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

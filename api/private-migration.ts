// Moving users, sessions, the audit log and saved queries out of a warehouse written before the
// private store existed (their tables used to live in pipeline/schema.sql). On start the rows are
// copied into the private store (when it is empty) in one transaction there, chunk by chunk in Node
// (neither instance attaches the other's file), then the tables are dropped from the warehouse in one
// transaction there. A crash between the two commits is picked up on the next start: the private
// store then holds exactly the warehouse's rows, and only the drop is left to do.
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, type Warehouse } from '../pipeline/db.ts';
import type { PrivateStore } from './private-store.ts';

interface MovedTable {
  name: string;
  /** In the table's column order (the appender fills columns by position). */
  columns: string;
  key: string;
  sequence?: string;
}

const movedTables: readonly MovedTable[] = [
  { name: 'app_user', columns: 'username, password_hash, role, municipalities, disabled, created_at', key: 'username' },
  { name: 'app_session', columns: 'token_hash, username, created_at, expires_at, revoked', key: 'token_hash' },
  { name: 'audit_log', columns: 'id, occurred_at, username, action, target, parameters, outcome', key: 'id', sequence: 'audit_id_seq' },
  { name: 'saved_query', columns: 'id, username, title, sql, shared, created_at', key: 'id', sequence: 'saved_query_id_seq' },
];
/** The names analyst SQL must never find in the warehouse. */
export const privateTableNames: readonly string[] = movedTables.map((table) => table.name);

export interface Migration {
  /** Rows copied per table (empty when the private store already had them: a resumed migration). */
  copied: Record<string, number>;
  /** Tables dropped from the warehouse. */
  dropped: string[];
}

export class MigrationConflict extends Error {}

/** Moves the private tables out of `warehouse` into `store`; null when the warehouse has none. */
export async function migrateFromWarehouse(store: PrivateStore, warehouse: Warehouse): Promise<Migration | null> {
  const present = await warehouse.withConnection(async (connection) => {
    const rows = (
      await connection.runAndReadAll(
        `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'`,
      )
    ).getRows();
    const names = new Set(rows.map((row) => String(row[0])));
    return movedTables.filter((table) => names.has(table.name));
  });
  if (present.length === 0) return null;

  const inWarehouse = await warehouse.withConnection((connection) => fingerprints(connection, present));
  const inStore = await store.withConnection((connection) => fingerprints(connection, movedTables));
  const warehouseRows = sum(Object.values(inWarehouse).map((f) => f.rows));
  const storeRows = sum(Object.values(inStore).map((f) => f.rows));
  const resumed = present.every((table) => sameRows(inWarehouse[table.name]!, inStore[table.name]!));
  let copied: Record<string, number> = {};
  if (warehouseRows > 0 && storeRows === 0) copied = await copyIntoStore(store, warehouse, present);
  else if (warehouseRows > 0 && !resumed)
    throw new MigrationConflict(
      `${warehouse.path} still holds users, sessions, audit entries or saved queries (${warehouseRows} rows) that differ ` +
        `from those in ${store.path}, so neither is changed. To move the warehouse's copy, rename ${store.path} ` +
        '(and its .wal, if any) and start again; to keep the private store as it is, keep the renamed file aside for reference.',
    );
  await dropFromWarehouse(warehouse, present);
  return { copied, dropped: present.map((table) => table.name) };
}

interface Fingerprint {
  rows: number;
  keys: string;
}

async function fingerprints(connection: DuckDBConnection, tables: readonly MovedTable[]): Promise<Record<string, Fingerprint>> {
  const result: Record<string, Fingerprint> = {};
  for (const table of tables) {
    const row = (
      await connection.runAndReadAll(`SELECT count(*)::BIGINT, coalesce(sum(hash(${table.key})), 0)::VARCHAR FROM ${table.name}`)
    ).getRows()[0]!;
    result[table.name] = { rows: Number(row[0]), keys: String(row[1]) };
  }
  return result;
}

function sameRows(a: Fingerprint, b: Fingerprint): boolean {
  return a.rows === b.rows && a.keys === b.keys;
}

async function copyIntoStore(store: PrivateStore, warehouse: Warehouse, tables: readonly MovedTable[]): Promise<Record<string, number>> {
  const copied: Record<string, number> = {};
  await store.withConnection(async (target) => {
    await inTransaction(target, async () => {
      for (const table of tables) {
        const appender = await target.createAppender(table.name);
        let rows = 0;
        await warehouse.withConnection(async (source) => {
          const result = await source.stream(`SELECT ${table.columns} FROM ${table.name}`);
          for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
            appender.appendDataChunk(chunk);
            rows += chunk.rowCount;
          }
        });
        appender.closeSync();
        copied[table.name] = rows;
        // New rows must not reuse a copied id: advance the sequence past the largest one.
        if (table.sequence)
          await target.run(
            `SELECT max(nextval('${table.sequence}')) FROM range((SELECT coalesce(max(${table.key}), 0) FROM ${table.name}))`,
          );
      }
    });
  });
  return copied;
}

async function dropFromWarehouse(warehouse: Warehouse, tables: readonly MovedTable[]): Promise<void> {
  await warehouse.withConnection(async (connection) => {
    await inTransaction(connection, async () => {
      for (const table of tables) await connection.run(`DROP TABLE ${table.name}`);
      for (const table of movedTables) if (table.sequence) await connection.run(`DROP SEQUENCE IF EXISTS ${table.sequence}`);
    });
    // Write the drop into the file now, not at the next shutdown.
    await connection.run('CHECKPOINT');
  });
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

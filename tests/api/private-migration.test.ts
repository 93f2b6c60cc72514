// Specification: a warehouse written before the private store existed still holds app_user,
// app_session, audit_log and saved_query. On start the server copies them into the (empty) private
// store in one transaction, drops them from the warehouse in another, and says so in its log; users log
// in with their old passwords, saved queries keep their ids, new ids continue after the old ones.
import { copyFileSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords.ts';
import { createUser } from '../../api/auth/users.ts';
import { migrateFromWarehouse, MigrationConflict } from '../../api/private-migration.ts';
import { openPrivateStore, privateStorePathFor, type PrivateStore } from '../../api/private-store.ts';
import { startServer } from '../../api/server.ts';
import { openWarehouse, type Warehouse } from '../../pipeline/db.ts';
import { tempDir } from '../helpers/temp.ts';

const temp = tempDir('styringsdata-migration-');
afterAll(() => temp.remove());
const privateNames = ['app_user', 'app_session', 'audit_log', 'saved_query'];
const oldSchema = readFileSync(new URL('../../api/private-schema.sql', import.meta.url), 'utf8'); // the same DDL the warehouse had

/** A warehouse file as the previous version left it: the app tables inside, with rows. */
async function oldWarehouse(name: string, options: { withRows?: boolean; brokenSessions?: boolean } = {}): Promise<string> {
  const path = join(temp.path, name, 'styringsdata.duckdb');
  const warehouse = await openWarehouse(path);
  await warehouse.withConnection(async (c) => {
    await c.run(options.brokenSessions ? oldSchema.replace('revoked     BOOLEAN NOT NULL DEFAULT false', 'stale BOOLEAN') : oldSchema);
    if (options.withRows === false) return;
    await c.run(
      `INSERT INTO app_user (username, password_hash, role, municipalities, created_at) VALUES
         ('old-admin', $1, 'admin', [], TIMESTAMP '2023-01-02 03:04:05'),
         ('old-leader', $2, 'leader', ['4204', '4223'], TIMESTAMP '2023-02-03 04:05:06')`,
      [await hashPassword('old-admin-password'), await hashPassword('old-leader-password')],
    );
    await c.run(`INSERT INTO app_session (token_hash, username, created_at, expires_at) VALUES
      ('${'a'.repeat(64)}', 'old-admin', TIMESTAMP '2023-03-01 10:00', TIMESTAMP '2023-03-01 18:00')`);
    await c.run(`INSERT INTO audit_log (action, target) VALUES ('login', 'old-admin'), ('metric', 'kad-stays'), ('sql', NULL)`);
    await c.run(`INSERT INTO audit_log (id, action) VALUES (40, 'import')`);
    await c.run(`INSERT INTO saved_query (username, title, sql) VALUES ('old-admin', 'First', 'SELECT 1'), ('old-admin', 'Second', 'SELECT 2')`);
    await c.run(`INSERT INTO saved_query (id, username, title, sql, shared) VALUES (7, 'old-admin', 'Seventh', 'SELECT 7', true)`);
  });
  warehouse.close();
  return path;
}

async function tablesIn(warehouse: Warehouse): Promise<string[]> {
  return warehouse.withConnection(async (c) =>
    (await c.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1')).getRows().map((r) => String(r[0])),
  );
}

async function count(store: PrivateStore, table: string): Promise<number> {
  return store.withConnection(async (c) => Number((await c.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0]![0]));
}

describe('on server start', () => {
  it('moves the rows into the private store, drops the tables from the warehouse and logs it', async () => {
    const dbPath = await oldWarehouse('start');
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const server = await startServer({ dbPath, port: 0, handOff: false, webDir: temp.path, logger });
    try {
      const moved = lines.map((line) => JSON.parse(line) as { msg: string; copied?: unknown; dropped?: unknown }).find((l) => /moved users/.test(l.msg));
      // 2 users, 1 session, 4 audit entries (ids 1–3 and 40), 3 saved queries (ids 1, 2, 7).
      expect(moved).toMatchObject({ copied: { app_user: 2, app_session: 1, audit_log: 4, saved_query: 3 }, dropped: privateNames });

      const login = async (username: string, password: string) => {
        const response = await fetch(`${server.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        });
        expect(response.status).toBe(200);
        return (await response.json()) as { token: string; user: { municipalities: string[] } };
      };
      const admin = await login('old-admin', 'old-admin-password');
      expect((await login('old-leader', 'old-leader-password')).user.municipalities).toEqual(['4204', '4223']);

      const headers = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
      const seventh = await fetch(`${server.url}/api/sql/saved/7`, { headers });
      expect(await seventh.json()).toMatchObject({ id: 7, title: 'Seventh', sql: 'SELECT 7', shared: true });
      const created = await fetch(`${server.url}/api/sql/saved`, { method: 'POST', headers, body: JSON.stringify({ title: 'New', sql: 'SELECT 8' }) });
      expect(((await created.json()) as { id: number }).id).toBe(8); // after the largest copied id, 7

      await server.auditLog.flush();
      const { privateStore, warehouse } = server.runtime.services;
      const newIds = await privateStore.withConnection(async (c) =>
        (await c.runAndReadAll(`SELECT min(id) FROM audit_log WHERE id > 3 AND action <> 'import'`)).getRows()[0]![0],
      );
      expect(Number(newIds)).toBe(41); // the first entry written after the copy follows the largest old id, 40

      const left = await tablesIn(warehouse);
      for (const name of privateNames) expect(left).not.toContain(name);
      const sequences = await warehouse.withConnection(async (c) =>
        (await c.runAndReadAll('SELECT sequence_name FROM duckdb_sequences()')).getRows().map((r) => String(r[0])),
      );
      expect(sequences).toEqual(['import_id_seq']);
    } finally {
      await server.close();
    }

    // A second start finds nothing to move and keeps the users.
    lines.length = 0;
    const again = await startServer({ dbPath, port: 0, handOff: false, webDir: temp.path, logger });
    try {
      expect(lines.some((line) => /moved users/.test(line))).toBe(false);
      expect(await count(again.runtime.services.privateStore, 'app_user')).toBe(2);
    } finally {
      await again.close();
    }
  });
});

describe('migrateFromWarehouse', () => {
  it('does nothing for a warehouse without the old tables', async () => {
    const warehouse = await openWarehouse(join(temp.path, 'new', 'styringsdata.duckdb'));
    const store = await openPrivateStore(privateStorePathFor(warehouse.path));
    try {
      expect(await migrateFromWarehouse(store, warehouse)).toBeNull();
    } finally {
      store.close();
      warehouse.close();
    }
  });

  it('after a crash between the two commits (rows already copied), only drops', async () => {
    // Copy A to B, migrate B, then give A the private store B got: A still has its tables, the store has the same rows.
    const original = await oldWarehouse('resume-a');
    const copy = join(temp.path, 'resume-b', 'styringsdata.duckdb');
    await openWarehouse(copy).then((w) => w.close()); // creates the folder
    copyFileSync(original, copy);
    const copyWarehouse = await openWarehouse(copy);
    const copyStore = await openPrivateStore(privateStorePathFor(copy));
    await migrateFromWarehouse(copyStore, copyWarehouse);
    copyStore.close();
    copyWarehouse.close();
    renameSync(privateStorePathFor(copy), privateStorePathFor(original));

    const warehouse = await openWarehouse(original);
    const store = await openPrivateStore(privateStorePathFor(original));
    try {
      expect(await migrateFromWarehouse(store, warehouse)).toEqual({ copied: {}, dropped: privateNames });
      expect(await count(store, 'app_user')).toBe(2);
      expect(await count(store, 'audit_log')).toBe(4);
      for (const name of privateNames) expect(await tablesIn(warehouse)).not.toContain(name);
    } finally {
      store.close();
      warehouse.close();
    }
  });

  it('refuses, changing neither file, when the private store already holds other users', async () => {
    const path = await oldWarehouse('conflict');
    const warehouse = await openWarehouse(path);
    const store = await openPrivateStore(privateStorePathFor(path));
    try {
      await createUser(store, { username: 'someone-else', password: 'another-password', role: 'viewer' });
      const refused = migrateFromWarehouse(store, warehouse);
      await expect(refused).rejects.toThrow(MigrationConflict);
      await expect(refused).rejects.toThrow(/differ from those in .*private\.duckdb.*rename/);
      expect(await tablesIn(warehouse)).toContain('app_user');
      expect(await count(store, 'app_user')).toBe(1);
    } finally {
      store.close();
      warehouse.close();
    }
  });

  it('drops empty old tables without copying, even when the private store has users', async () => {
    const path = await oldWarehouse('empty', { withRows: false });
    const warehouse = await openWarehouse(path);
    const store = await openPrivateStore(privateStorePathFor(path));
    try {
      await createUser(store, { username: 'keeper', password: 'keeper-password', role: 'admin' });
      expect(await migrateFromWarehouse(store, warehouse)).toEqual({ copied: {}, dropped: privateNames });
      expect(await count(store, 'app_user')).toBe(1);
    } finally {
      store.close();
      warehouse.close();
    }
  });

  it('copies in one transaction: a table that cannot be copied leaves the private store empty and the warehouse as it was', async () => {
    // app_session lacks its `revoked` column, so its copy fails after app_user's rows were appended.
    const path = await oldWarehouse('broken', { brokenSessions: true });
    const warehouse = await openWarehouse(path);
    const store = await openPrivateStore(privateStorePathFor(path));
    try {
      await expect(migrateFromWarehouse(store, warehouse)).rejects.toThrow(/revoked/);
      for (const name of privateNames) expect(await count(store, name)).toBe(0);
      for (const name of privateNames) expect(await tablesIn(warehouse)).toContain(name);
    } finally {
      store.close();
      warehouse.close();
    }
  });
});

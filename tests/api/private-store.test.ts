// Specification: users, sessions, the audit log and saved queries live in the private store, a second
// DuckDB file with its own instance. Analyst SQL runs on the warehouse's instance, which never attaches
// that file: through the real app such statements are refused, and a raw connection on the warehouse's
// instance (what a statement that escaped the checker would have) finds no trace of them.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUser } from '../../api/auth/users.ts';
import { openPrivateStore, privateStorePathFor } from '../../api/private-store.ts';
import { sqlHarness, type SqlHarness } from '../sql/harness.ts';

const privateNames = ['app_user', 'app_session', 'audit_log', 'saved_query'];
let h: SqlHarness;

beforeAll(async () => {
  h = await sqlHarness();
  // Something in every private table: a user and a session (login), a saved query, audit entries.
  const saved = await h.app.request('/api/sql/saved', {
    method: 'POST',
    headers: await h.as('analyst'),
    body: JSON.stringify({ title: 'Mine', sql: 'SELECT 1', shared: false }),
  });
  expect(saved.status).toBe(201);
  await h.auditLog.flush();
});
afterAll(async () => h?.close());

describe('where the private store lives', () => {
  it('beside the warehouse, as <name>.private.duckdb; an in-memory warehouse gets a separate in-memory store', () => {
    expect(privateStorePathFor('/srv/data/styringsdata.duckdb')).toBe('/srv/data/styringsdata.private.duckdb');
    expect(privateStorePathFor('/srv/data/warehouse')).toBe('/srv/data/warehouse.private.duckdb');
    expect(privateStorePathFor(':memory:')).toBe(':memory:');
    expect(h.privateStore.path).toBe(privateStorePathFor(h.warehouse.path));
    expect(h.privateStore.path).not.toBe(h.warehouse.path);
    expect(statSync(h.privateStore.path).isFile()).toBe(true);
  });

  it('holds one instance per file in a process (a second open returns the same store)', async () => {
    expect(await openPrivateStore(h.privateStore.path)).toBe(h.privateStore);
  });

  it('holds the users, sessions, audit entries and saved queries the app wrote', async () => {
    expect((await findUser(h.privateStore, 'analyst1'))?.role).toBe('analyst');
    const counts = await h.privateStore.withConnection(async (c) =>
      (
        await c.runAndReadAll(`SELECT (SELECT count(*) FROM app_user)::INTEGER, (SELECT count(*) FROM app_session)::INTEGER,
          (SELECT count(*) FROM saved_query)::INTEGER, (SELECT count(*) FILTER (WHERE action = 'login') FROM audit_log)::INTEGER`)
      ).getRows()[0],
    );
    // analyst1 created and logged in once: 1 user, 1 session, 1 saved query, 1 login entry.
    expect(counts).toEqual([1, 1, 1, 1]);
  });

  it('is locked down like the warehouse: no file access, configuration fixed', async () => {
    await h.privateStore.withConnection(async (c) => {
      await expect(c.run(`SELECT * FROM read_csv('/etc/passwd')`)).rejects.toThrow(/disabled|external access/i);
      await expect(c.run('SET enable_external_access = true')).rejects.toThrow(/lock/i);
    });
  });
});

describe('analyst SQL through the real app', () => {
  for (const name of privateNames)
    it(`SELECT * FROM ${name} is refused and shows nothing of it`, async () => {
      const response = await h.post({ sql: `SELECT * FROM ${name}` });
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).toContain(name);
      expect(text).not.toMatch(/argon2|analyst1|Mine/);
    });

  it('the schema the workbench shows names none of them', async () => {
    const response = await h.app.request('/api/sql/schema', { headers: await h.as('analyst') });
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const name of privateNames) expect(text).not.toContain(name);
  });
});

describe('a raw connection on the warehouse instance (what an escaped statement would have)', () => {
  it('does not know the private tables: SELECT fails with "does not exist"', async () => {
    await h.warehouse.withConnection(async (c) => {
      for (const name of privateNames) await expect(c.run(`SELECT * FROM ${name}`)).rejects.toThrow(/does not exist/);
    });
  });

  it('duckdb_tables(), duckdb_sequences() and duckdb_databases() list nothing of users, sessions, audit or saved queries', async () => {
    const { tables, sequences, databases } = await h.warehouse.withConnection(async (c) => ({
      tables: (await c.runAndReadAll('SELECT table_name FROM duckdb_tables()')).getRows().map((r) => String(r[0])),
      sequences: (await c.runAndReadAll('SELECT sequence_name FROM duckdb_sequences()')).getRows().map((r) => String(r[0])),
      databases: (await c.runAndReadAll('SELECT database_name, coalesce(path, \'\') FROM duckdb_databases()')).getRows().map((r) => r.map(String)),
    }));
    expect(tables).toContain('hospital_stay'); // the query itself works
    for (const name of privateNames) expect(tables).not.toContain(name);
    expect(sequences).toEqual(['import_id_seq']);
    // The warehouse itself plus DuckDB's built-in system and temp catalogues; no second file.
    expect(databases.map(([name]) => name).sort()).toEqual(['system', 'temp', 'warehouse']);
    for (const [, path] of databases) expect(path).not.toContain('.private.duckdb');
  });

  it('cannot attach the private file: the locked-down instance refuses ATTACH', async () => {
    await h.warehouse.withConnection(async (c) => {
      await expect(c.run(`ATTACH '${h.privateStore.path}' AS stolen (READ_ONLY)`)).rejects.toThrow(/disabled|external access|lock/i);
      const names = (await c.runAndReadAll('SELECT database_name FROM duckdb_databases()')).getRows().map((r) => String(r[0]));
      expect(names).not.toContain('stolen');
    });
  });
});

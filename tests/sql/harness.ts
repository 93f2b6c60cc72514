// The real app (api/app.ts buildApp) for the SQL workbench specifications: a real DuckDB file in a temp
// dir, locked down as the server does, its private store beside it, real users logging in over HTTP
// (bearer tokens), the real audit log (in the private store). `post(body, role, username)` sends POST /api/sql as a user of that role (null = no login).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp, type StyringsdataApp } from '../../api/app.ts';
import { createUser } from '../../api/auth/users.ts';
import { openPrivateStore, privateStorePathFor, type PrivateStore } from '../../api/private-store.ts';
import type { Role } from '../../contract/types.ts';
import { lockDown, openWarehouse, type Warehouse } from '../../pipeline/db.ts';
import { tempDir } from '../helpers/temp.ts';

export interface AuditRow {
  username: string | null;
  action: string;
  target: string | null;
  parameters: { sql?: string; limit?: number } | null;
  outcome: string | null;
}

export interface SqlHarness extends StyringsdataApp {
  warehouse: Warehouse;
  /** Users, sessions, audit log and saved queries: the instance analyst SQL never runs on. */
  privateStore: PrivateStore;
  dir: string;
  importDirectory: string;
  /** Headers of a logged-in user (created on first use; default name `<role>1`). */
  as(role: Role, username?: string): Promise<Record<string, string>>;
  post(body: unknown, role?: Role | null, username?: string): Promise<Response>;
  /** POST and read the whole body (a streamed answer holds its query slot until read). */
  status(body: unknown, role?: Role | null, username?: string): Promise<number>;
  /** audit_log after writing what is queued. */
  audits(): Promise<AuditRow[]>;
  close(): Promise<void>;
}

export async function sqlHarness(
  options: {
    memoryLimit?: string;
    /** SQL run on the warehouse before lock-down. */
    seed?: string;
    /** SQL run on the private store (e.g. a user whose hash analyst SQL must never see). */
    privateSeed?: string;
    prepare?: (warehouse: Warehouse) => Promise<void>;
  } = {},
): Promise<SqlHarness> {
  const temp = tempDir('styringsdata-sql-');
  const warehouse = await openWarehouse(join(temp.path, 'warehouse.duckdb'));
  const privateStore = await openPrivateStore(privateStorePathFor(warehouse.path));
  if (options.seed) await warehouse.withConnection((connection) => connection.run(options.seed!));
  if (options.privateSeed) await privateStore.withConnection((connection) => connection.run(options.privateSeed!));
  await options.prepare?.(warehouse);
  const importDirectory = join(temp.path, 'imports');
  mkdirSync(importDirectory, { recursive: true });
  await lockDown(warehouse, importDirectory, options.memoryLimit ?? '1GB');
  const built = buildApp({
    warehouse,
    privateStore,
    importDirectory,
    logger: pino({ level: 'silent' }),
    throttle: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  const { app } = built;

  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (role: Role, username: string) => {
    let token = tokens.get(username);
    if (!token) {
      token = (async () => {
        await createUser(privateStore, { username, password: `password-${username}`, role, municipalities: role === 'leader' ? ['4204'] : [] });
        const response = await app.request('/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: `password-${username}` }),
        });
        if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
        return ((await response.json()) as { token: string }).token;
      })();
      tokens.set(username, token);
    }
    return token;
  };
  const as = async (role: Role, username = `${role}1`) => ({
    authorization: `Bearer ${await tokenOf(role, username)}`,
    'content-type': 'application/json',
  });
  const post: SqlHarness['post'] = async (body, role = 'analyst', username) =>
    app.request('/api/sql', {
      method: 'POST',
      headers: role ? await as(role, username) : { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  return {
    ...built,
    warehouse,
    privateStore,
    dir: temp.path,
    importDirectory,
    as,
    post,
    async status(body, role = 'analyst', username) {
      const response = await post(body, role, username);
      await response.arrayBuffer();
      return response.status;
    },
    async audits() {
      await built.auditLog.flush();
      return privateStore.withConnection(async (connection) => {
        const reader = await connection.runAndReadAll(
          `SELECT username, action, target, parameters, outcome FROM audit_log ORDER BY id`,
        );
        return reader.getRowObjectsJS().map((row) => ({
          username: row.username as string | null,
          action: String(row.action),
          target: row.target as string | null,
          parameters: row.parameters ? (JSON.parse(String(row.parameters)) as AuditRow['parameters']) : null,
          outcome: row.outcome as string | null,
        }));
      });
    },
    async close() {
      await built.auditLog.flush();
      built.runtime.cache.dispose();
      warehouse.close();
      privateStore.close();
      temp.remove();
    },
  };
}

// The real app (api/app.ts buildApp) on a real DuckDB file in a temp dir, locked down as the server
// does, with its private store beside it (users, sessions, audit, saved queries) and a silent logger.
// Users are created with the real createUser and log in over HTTP.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp, type AppOptions, type StyringsdataApp } from '../../api/app.ts';
import { createUser } from '../../api/auth/users.ts';
import { installMetricViews } from '../../api/metrics/engine.ts';
import { openPrivateStore, privateStorePathFor, type PrivateStore } from '../../api/private-store.ts';
import type { Role } from '../../contract/types.ts';
import { lockDown, openWarehouse, type Warehouse } from '../../pipeline/db.ts';
import { tempDir } from '../helpers/temp.ts';

export interface ApiHarness extends StyringsdataApp {
  warehouse: Warehouse;
  privateStore: PrivateStore;
  dir: string;
  /** Create a user (password = "password-" + name) and log in; returns the bearer token. */
  userToken(name: string, role: Role, municipalities?: string[]): Promise<string>;
  get(path: string, token?: string | null, headers?: Record<string, string>): Promise<Response>;
  /** GET that must answer 200 (the body is the failure message otherwise), parsed as JSON. */
  json<T>(path: string, token: string): Promise<T>;
  close(): Promise<void>;
}

export async function apiHarness(
  options: { dbPath?: string; seed?: string; app?: Partial<AppOptions> } = {},
): Promise<ApiHarness> {
  const temp = tempDir('styringsdata-api-');
  const warehouse = await openWarehouse(options.dbPath ?? join(temp.path, 'warehouse.duckdb'));
  const privateStore = await openPrivateStore(privateStorePathFor(warehouse.path));
  if (options.seed) await warehouse.withConnection((connection) => connection.run(options.seed!));
  await installMetricViews(warehouse);
  const importDirectory = join(temp.path, 'imports');
  mkdirSync(importDirectory, { recursive: true });
  await lockDown(warehouse, importDirectory, '1GB');
  const built = buildApp({
    warehouse,
    privateStore,
    importDirectory,
    logger: pino({ level: 'silent' }),
    throttle: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options.app,
  });
  const { app } = built;
  return {
    ...built,
    warehouse,
    privateStore,
    dir: temp.path,
    async userToken(name, role, municipalities = []) {
      await createUser(privateStore, { username: name, password: `password-${name}`, role, municipalities }, warehouse);
      const response = await app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: name, password: `password-${name}` }),
      });
      if (response.status !== 200) throw new Error(`login ${name}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    get: async (path, token, headers = {}) =>
      app.request(path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }),
    async json<T>(path: string, token: string) {
      const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
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

export async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

// A small real app for the SQL workbench specifications: a real DuckDB file in a temp dir, locked
// down as the server does, with sqlRoutes mounted behind a stand-in for app.ts's auth middleware
// (header x-test-role picks the logged-in role; none = not logged in). Audit entries are collected.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { lockDown, openWarehouse, type Warehouse } from '../../pipeline/db.ts';
import type { AppEnv, AuditEntry } from '../../api/env.ts';
import { sqlRoutes } from '../../api/routes/sql.ts';
import type { Role, SessionUser } from '../../api/types.ts';
import { tempDir } from '../helpers/temp.ts';

export interface SqlHarness {
  app: Hono<AppEnv>;
  warehouse: Warehouse;
  dir: string;
  importDirectory: string;
  audits: { user: SessionUser | null; entry: AuditEntry }[];
  post(body: unknown, role?: Role | null): Promise<Response>;
  /** POST and read the whole body (a streamed answer holds its query slot until read). */
  status(body: unknown, role?: Role | null): Promise<number>;
  close(): void;
}

export async function sqlHarness(
  options: { memoryLimit?: string; seed?: string; prepare?: (warehouse: Warehouse) => Promise<void> } = {},
): Promise<SqlHarness> {
  const temp = tempDir('styringsdata-sql-');
  const warehouse = await openWarehouse(join(temp.path, 'warehouse.duckdb'));
  if (options.seed) await warehouse.withConnection((connection) => connection.run(options.seed!));
  await options.prepare?.(warehouse);
  const importDirectory = join(temp.path, 'imports');
  mkdirSync(importDirectory, { recursive: true });
  await lockDown(warehouse, importDirectory, options.memoryLimit ?? '1GB');
  const audits: SqlHarness['audits'] = [];
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('services', {
      warehouse,
      importDirectory,
      audit: async (user, entry) => void audits.push({ user, entry }),
    });
    const role = c.req.header('x-test-role') as Role | undefined;
    if (role) c.set('user', { username: c.req.header('x-test-user') ?? `${role}1`, role, municipalities: [] });
    await next();
  });
  app.route('/api/sql', sqlRoutes);
  const post: SqlHarness['post'] = (body, role = 'analyst') =>
    Promise.resolve(
      app.request('/api/sql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(role ? { 'x-test-role': role } : {}) },
        body: JSON.stringify(body),
      }),
    );
  return {
    app,
    warehouse,
    dir: temp.path,
    importDirectory,
    audits,
    post,
    async status(body, role = 'analyst') {
      const response = await post(body, role);
      await response.arrayBuffer();
      return response.status;
    },
    close() {
      warehouse.close();
      temp.remove();
    },
  };
}

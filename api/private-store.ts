// The private store: users, sessions, the audit log and saved queries (api/private-schema.sql) in a
// DuckDB file of its own beside the warehouse (data/styringsdata.duckdb → data/styringsdata.private.duckdb).
// It has its own instance, which the warehouse's instance never attaches and which is never handed to
// analyst SQL: a statement that escaped the SQL checker would still find no user to read or change.
// One instance per file per process holds here too (engineering notes): openPrivateStore() keeps one
// per resolved path, like openWarehouse().
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createPrivateInstance, oncePerFile, withConnectionOn } from '../pipeline/db.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** Enough for logins and audit batches; a limit, not an allocation, beside the warehouse's own. */
const memoryLimit = '1GB';

export interface PrivateStore {
  /** Tells it apart from a Warehouse, which has the same methods: passing one for the other must not compile. */
  readonly kind: 'private-store';
  /** Absolute path of the file (or ':memory:', a separate in-memory database). */
  readonly path: string;
  /** Run `work` on a fresh connection and close it afterwards. */
  withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): void;
}

/** Where the private store of a warehouse lives: beside it, `<name>.private.duckdb`. */
export function privateStorePathFor(warehousePath: string): string {
  if (warehousePath === ':memory:') return ':memory:';
  const absolute = resolve(warehousePath);
  return absolute.endsWith('.duckdb') ? absolute.replace(/\.duckdb$/, '.private.duckdb') : `${absolute}.private.duckdb`;
}

const open = new Map<string, Promise<PrivateStore>>();

/** The private store at `path` (a warehouse's is at privateStorePathFor(warehouse.path)). */
export function openPrivateStore(path: string): Promise<PrivateStore> {
  return oncePerFile(open, path, create);
}

async function create(path: string): Promise<PrivateStore> {
  const instance = await createPrivateInstance(path);
  const store: PrivateStore = {
    kind: 'private-store',
    path,
    withConnection: (work) => withConnectionOn(instance, work),
    close() {
      open.delete(path);
      instance.closeSync();
    },
  };
  try {
    await store.withConnection(async (connection) => {
      await connection.run(readFileSync(join(here, 'private-schema.sql'), 'utf8'));
      // Nothing here reads or writes a file but the store's own: lock that in for the instance's life
      // (as SQL, in this order: engineering notes).
      await connection.run(`SET memory_limit = '${memoryLimit}'`);
      await connection.run('SET enable_external_access = false');
      await connection.run('SET lock_configuration = true');
    });
  } catch (error) {
    store.close();
    throw error;
  }
  return store;
}

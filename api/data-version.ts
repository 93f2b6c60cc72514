// The one place that remembers what was read from the warehouse until the data changes. In the server
// (locked down) the importer is the only writer and bumps warehouse.dataVersion after each commit;
// elsewhere (tests that write rows directly) nothing is remembered, so a stale value is impossible.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../pipeline/db.ts';

export type PerDataVersion<T> = (warehouse: Warehouse, connection?: DuckDBConnection) => Promise<T>;

/** `read` once per data version; concurrent first callers share one read. Without a connection the
 *  read takes one from the warehouse's pool, only when it has to read. */
export function oncePerDataVersion<T>(read: (connection: DuckDBConnection) => Promise<T>): PerDataVersion<T> {
  const remembered = new WeakMap<Warehouse, { version: number; value: Promise<T> }>();
  return (warehouse, connection) => {
    const known = remembered.get(warehouse);
    if (warehouse.lockedDown && known?.version === warehouse.dataVersion) return known.value;
    const version = warehouse.dataVersion;
    const value = connection ? read(connection) : warehouse.withConnection(read);
    remembered.set(warehouse, { version, value });
    value.catch(() => {
      if (remembered.get(warehouse)?.value === value) remembered.delete(warehouse);
    });
    return value;
  };
}

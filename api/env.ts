// The Hono environment every router shares. The auth middleware in api/app.ts sets `user` before any
// protected router runs; `services` is set for every request.
import type { Warehouse } from '../pipeline/db.ts';
import type { PrivateStore } from './private-store.ts';
import type { SessionUser } from '../contract/types.ts';

export interface AuditEntry {
  /** e.g. 'metric', 'compare', 'sql', 'import', 'login' */
  action: string;
  target?: string;
  parameters?: unknown;
  outcome?: string;
  /** Written to the database before the returned promise resolves (not just queued): for entries
   *  that must survive whatever the request does next, such as an SQL statement about to run. */
  durable?: boolean;
}

export interface AppServices {
  /** The data; the only instance analyst SQL runs on. */
  warehouse: Warehouse;
  /** Users, sessions, audit log and saved queries: a separate file and instance (api/private-store.ts). */
  privateStore: PrivateStore;
  /** The only directory DuckDB may read after lockDown(); uploads are written here. */
  importDirectory: string;
  /** Append to audit_log (who, what, when, parameters). Never throws. */
  audit(user: SessionUser | null, entry: AuditEntry): Promise<void>;
}

export type AppEnv = {
  Variables: {
    user: SessionUser;
    services: AppServices;
  };
};

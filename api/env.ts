// The Hono environment every router shares. The auth middleware in api/app.ts sets `user` before any
// protected router runs; `services` is set for every request.
import type { Warehouse } from '../pipeline/db.ts';
import type { SessionUser } from './types.ts';

export interface AuditEntry {
  /** e.g. 'metric', 'compare', 'sql', 'import', 'login' */
  action: string;
  target?: string;
  parameters?: unknown;
  outcome?: string;
}

export interface AppServices {
  warehouse: Warehouse;
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

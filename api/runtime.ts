// Everything the routers share beyond AppServices: sessions, login throttle, query cache, reference
// data, the import queue and the logger. buildApp() builds one per app; routers receive it.
import type { Logger } from 'pino';
import type { AppServices } from './env.ts';
import type { LoginThrottle } from './auth/throttle.ts';
import type { SessionStore } from './auth/sessions.ts';
import type { QueryCache } from './cache.ts';
import type { MetricGate } from './metrics/bounds.ts';
import type { ReferenceStore } from './reference.ts';
import type { ImportQueue } from '../pipeline/import-queue.ts';

// The import queue is the pipeline's; importQueueFor(warehouse) is the one every importer of that warehouse shares.
export { ImportQueue, importQueueFor } from '../pipeline/import-queue.ts';

export interface ApiRuntime {
  services: AppServices;
  sessions: SessionStore;
  throttle: LoginThrottle;
  cache: QueryCache;
  /** Time limit and concurrency cap of uncached metric and compare queries. */
  metricGate: MetricGate;
  reference: ReferenceStore;
  imports: ImportQueue;
  logger: Logger;
  /** Token of the local import hand-off (server.json); null when the app runs without one. */
  cliToken: string | null;
  /** Mark the session cookie Secure (behind https). */
  secureCookies: boolean;
  maxUploadBytes: number;
}

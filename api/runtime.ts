// Everything the routers share beyond AppServices: sessions, login throttle, query cache, reference
// data, the import queue and the logger. buildApp() builds one per app; routers receive it.
import type { Logger } from 'pino';
import type { AppServices } from './env.ts';
import type { LoginThrottle } from './auth/throttle.ts';
import type { SessionStore } from './auth/sessions.ts';
import type { QueryCache } from './cache.ts';
import type { MetricGate } from './metrics/bounds.ts';
import type { ReferenceStore } from './reference.ts';

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

/**
 * Imports run one at a time (two writers to one table conflict) and shutdown waits for the running
 * one. Dashboard queries never wait here: they run on their own connections and see the old data until
 * the import commits.
 */
export class ImportQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;

  run<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    const result = this.tail.then(work).finally(() => (this.running -= 1));
    this.tail = result.catch(() => undefined);
    return result;
  }

  get busy(): boolean {
    return this.running > 0;
  }

  /** Resolves when every queued import has finished (committed or rolled back). */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

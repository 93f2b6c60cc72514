// The server behind `npm start`: the only process that opens the database. It serves the API and the
// dashboard (web/build, with a fallback to index.html for the single-page app's routes) on one port,
// writes server.json next to the database so that `npm run import` can hand its files over, and shuts
// down cleanly (hand-off protocol: pipeline/handoff-client.ts): stop accepting, let a running import finish, write
// the audit queue, close both files. Users, sessions, audit and saved queries live in the private store
// (api/private-store.ts), a second file with its own instance; tables an older warehouse still holds
// are moved there on start. Everything it writes is private to its user (umask 077, 0700/0600).
import './threadpool.ts';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import pino, { type Logger } from 'pino';
import { importDirectoryFor, lockDown, openWarehouse } from '../pipeline/db.ts';
import { usePrivateUmask, writePrivateFileFresh } from '../pipeline/private-files.ts';
import { buildApp, type AppOptions, type StyringsdataApp } from './app.ts';
import { httpTimeouts } from './edge/http-timeouts.ts';
import { handOffPath, type HandOffFile } from '../pipeline/handoff-client.ts';
import { installMetricViews } from './metrics/engine.ts';
import { ensureDerived } from './metrics/derived.ts';
import { migrateFromWarehouse } from './private-migration.ts';
import { openPrivateStore, privateStorePathFor } from './private-store.ts';

export interface ServerOptions {
  dbPath: string;
  host?: string;
  port?: number;
  /** The built dashboard; default web/build. Not served when the folder has no index.html. */
  webDir?: string;
  logger?: Logger;
  /** Passed on to buildApp (session lifetime, throttle, upload limit …). */
  app?: Partial<AppOptions>;
  /** Write server.json for the import hand-off (default true). */
  handOff?: boolean;
}

export interface RunningServer extends StyringsdataApp {
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  usePrivateUmask();
  const warehouse = await openWarehouse(options.dbPath);
  const privateStore = await openPrivateStore(privateStorePathFor(warehouse.path));
  const migration = await migrateFromWarehouse(privateStore, warehouse);
  if (migration)
    logger.info(
      { copied: migration.copied, dropped: migration.dropped, from: warehouse.path, to: privateStore.path },
      'moved users, sessions, audit log and saved queries out of the warehouse into the private store (copied in one transaction, then dropped from the warehouse in another)',
    );
  await installMetricViews(warehouse);
  // Warm the stored episodes in the background: the first dashboard request then waits on this build
  // instead of starting its own, and the server listens at once even on national data.
  const warming = ensureDerived(warehouse).catch((error: unknown) =>
    logger.error({ err: error }, 'could not build the stored episodes'),
  );
  const importDirectory = importDirectoryFor(warehouse);
  await lockDown(warehouse, importDirectory);
  const cliToken = randomBytes(32).toString('base64url');
  const built = buildApp({ warehouse, privateStore, importDirectory, logger, cliToken, ...options.app });
  const { app, runtime, auditLog } = built;

  const webDir = resolve(options.webDir ?? 'web/build');
  if (existsSync(join(webDir, 'index.html'))) {
    const root = relative(process.cwd(), webDir) || '.';
    const files = serveStatic({ root });
    const spaFallback = serveStatic({ root, path: 'index.html' });
    app.get('*', (c, next) => (c.req.path.startsWith('/api/') ? next() : files(c, next)));
    app.get('*', (c, next) => (c.req.path.startsWith('/api/') ? next() : spaFallback(c, next)));
  } else {
    logger.warn({ webDir }, 'no built dashboard (web/build/index.html); serving the API only — run npm run build');
  }

  const server = await new Promise<ReturnType<typeof serve>>((resolvePromise, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host ?? '127.0.0.1', port: options.port ?? 3000, serverOptions: httpTimeouts }, () =>
      resolvePromise(s),
    );
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const handOffFile = handOffPath(warehouse.path);
  const writeHandOff = options.handOff !== false && warehouse.path !== ':memory:';
  if (writeHandOff) writePrivateFileFresh(handOffFile, JSON.stringify({ url, token: cliToken, pid: process.pid } satisfies HandOffFile));
  logger.info({ url, db: warehouse.path }, 'listening');

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down: no new connections; waiting for a running import');
      if (writeHandOff) rmSync(handOffFile, { force: true });
      const stopped = new Promise<void>((done) => server.close(() => done()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      await runtime.imports.idle();
      // Requests still running get a few seconds to finish; then their connections are closed.
      await Promise.race([stopped, new Promise((done) => setTimeout(done, 5000).unref())]);
      if ('closeAllConnections' in server) server.closeAllConnections();
      await auditLog.flush();
      await warming;
      runtime.cache.dispose();
      logger.info('closing the database and the private store (writes the last changes into the files)');
      warehouse.close();
      privateStore.close();
      logger.info('stopped');
    })());
  return { ...built, url, close };
}
